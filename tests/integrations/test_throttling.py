"""Each token has its own request budget (``PORTAL_TOKEN_RATE``): over it, 429 with
Retry-After in the one error shape; other tokens and sessions are not held back. The
counters live in the "throttle" cache: Redis in production (marker ``redis``)."""

from urllib.parse import urlparse, urlunparse

import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.choices import Role
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.integrations.factories import bearer, issue_token
from tests.support import REDIS_URL

pytestmark = pytest.mark.django_db
LIST = "/api/v1/service-records/"


def _exhaust_one_token_and_not_the_others():
    unon = ServiceProvider.objects.get(code="UNON")
    manager = user_with_role(Role.PROVIDER_MANAGER, provider=unon)
    first, second = (bearer(issue_token(user=manager, provider=unon)[1]) for _ in range(2))
    for _ in range(3):
        assert first.get(LIST).status_code == 200
    refused = first.get(LIST)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["message"] and refused.json()["errors"] == {}
    assert second.get(LIST).status_code == 200
    session = APIClient()  # a signed-in session: no Authorization header
    session.force_login(manager)
    for _ in range(5):
        assert session.get(LIST).status_code == 200


@override_settings(PORTAL_TOKEN_RATE="3/minute")
def test_a_token_over_its_rate_gets_429_with_retry_after():
    caches["throttle"].clear()
    _exhaust_one_token_and_not_the_others()


@pytest.mark.redis
def test_the_counters_are_shared_through_redis():
    url = urlunparse(urlparse(REDIS_URL)._replace(path="/13"))
    throttle = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "portal:throttle",
    }
    default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(
        PORTAL_TOKEN_RATE="3/minute", CACHES={"default": default, "throttle": throttle}
    ):
        cache = caches["throttle"]
        cache.clear()
        try:
            _exhaust_one_token_and_not_the_others()
            client = cache._cache.get_client(write=False)
            keys = client.keys("portal:throttle:*integration_token*")
            assert len(keys) == 2  # one counter per token
        finally:
            cache.clear()
