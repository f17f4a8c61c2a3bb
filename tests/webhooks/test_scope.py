"""Who keeps which organisation's webhooks: one answer, ``UserScope.manages_webhooks`` and
``may_manage_webhooks_of``, and the pages and the API answer every role the same way."""

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.selectors import user_scope
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.factories import UserFactory, user_with_role

from .factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unon, kjso = (ServiceProvider.objects.get(code=c) for c in ("UNON", "KJSO"))
    unep = ClientEntity.objects.get(code="UNEP")
    return {
        "manager-unon": user_with_role(Role.PROVIDER_MANAGER, provider=unon),
        "manager-kjso": user_with_role(Role.PROVIDER_MANAGER, provider=kjso),
        "staff-unon": user_with_role(Role.PROVIDER_STAFF, provider=unon),
        "integration-unon": user_with_role(Role.INTEGRATION, provider=unon),
        "focal-unep": user_with_role(Role.CLIENT_FOCAL_POINT, client=unep),
        "catalogue": user_with_role(Role.CATALOGUE_MANAGER),
        "management": user_with_role(Role.MANAGEMENT),
        "nobody": UserFactory(),
    }


def test_the_scope_says_who_keeps_which_organisations_webhooks(people):
    unon = ServiceProvider.objects.get(code="UNON").pk
    unep = ClientEntity.objects.get(code="UNEP").pk
    expected = {  # (keeps some, UNON's, UNEP's)
        "manager-unon": (True, True, False),
        "manager-kjso": (True, False, False),
        "staff-unon": (False, False, False),
        "integration-unon": (False, False, False),
        "focal-unep": (True, False, True),
        "catalogue": (True, True, True),
        "management": (False, False, False),
        "nobody": (False, False, False),
    }
    for name, user in people.items():
        scope = user_scope(user)
        got = (
            scope.manages_webhooks,
            scope.may_manage_webhooks_of(provider_id=unon),
            scope.may_manage_webhooks_of(client_id=unep),
        )
        assert got == expected[name], name


def test_pages_and_api_answer_as_the_scope(client, people):
    hook = SubscriptionFactory()  # UNON's
    for name, user in people.items():
        scope = user_scope(user)
        api = APIClient()
        api.force_authenticate(user)
        client.force_login(user)
        keeps = scope.manages_webhooks
        assert client.get("/webhooks/").status_code == (200 if keeps else 403), name
        assert api.get("/api/v1/webhook-subscriptions/").status_code == (200 if keeps else 403)
        mine = scope.may_manage_webhooks_of(provider_id=hook.provider_id)
        detail = api.get(f"/api/v1/webhook-subscriptions/{hook.pk}/").status_code
        assert detail == (200 if mine else 404 if keeps else 403), name
        page = client.get(f"/webhooks/{hook.pk}/edit/").status_code
        assert page == (200 if mine else 404 if keeps else 403), name
