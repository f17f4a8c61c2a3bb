"""Fault: PostgreSQL restarts while the portal serves.

A private PostgreSQL cluster on a spare port, migrated, serves the portal under gunicorn
(one gthread worker, four threads, persistent connections). Signed-in pages and token API
calls succeed; right after a quick restart they still succeed on every thread, although
each held a connection the restart killed (checked before reuse: ``CONN_HEALTH_CHECKS``);
while the database is down they fail at once and cleanly (503 with Retry-After: the
portal's page, or the API's JSON error shape); once it is back they all succeed again
with no manual action.

See ``test_broker_outage.py`` for the list of fault tests.
"""

import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.services import (
    PrivatePostgres,
    manage,
    portal_env,
    start_gunicorn,
    stop_process,
)

pytestmark = pytest.mark.faults

THREADS = 4
PASSWORD = "fault-test-password-1"
TOKEN = "sp_fault000_" + "f" * 43
CREATE_USER = f"""
import datetime as dt
from django.contrib.auth import get_user_model
from django.utils import timezone
from accounts.choices import Role
from accounts.services import grant_role
from core.models import DutyStation
from integrations.models import IntegrationToken
from integrations.services import token_digest
from providers.models import ServiceProvider
user = get_user_model().objects.create_user("fault-manager", password="{PASSWORD}")
grant_role(user=user, role=Role.MANAGEMENT)
grant_role(user=user, role=Role.CATALOGUE_MANAGER)
station = DutyStation.objects.create(
    code="FLT", name="Fault station", country="KE", timezone="Africa/Nairobi",
    working_hours={{}}, working_day_hours=8, verification="test",
)
provider = ServiceProvider.objects.create(
    code="FAULT", name="Fault provider", kind="regional_service_centre", duty_station=station
)
IntegrationToken.objects.create(
    name="fault", user=user, scope="read_only", provider=provider, prefix="sp_fault000",
    digest=token_digest("{TOKEN}"), expires_at=timezone.now() + dt.timedelta(days=1),
)
"""


@pytest.fixture
def database():
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.cleanup()


@pytest.fixture
def portal(database):
    """gunicorn on the private cluster; returns its base URL."""
    env = portal_env(DATABASE_URL=database.create_database(), CELERY_BROKER_URL="")
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", CREATE_USER, env=env)
    server, port = start_gunicorn(env, workers=1, threads=THREADS)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A signed-in browser (session cookie) and an integration (API token)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path: str, data: dict | None = None, headers=None):
        """(status, headers, body, seconds); never raises on an HTTP error status."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Note: plain HTTP to the gunicorn this test started.
        request = urllib.request.Request(  # noqa: S310
            self.base + path, data=body, headers=headers or {}
        )
        start = time.monotonic()
        try:
            with self.opener.open(request, timeout=20) as response:
                status, head, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, content = error.code, error.headers, error.read()
        return status, head, content.decode(), time.monotonic() - start

    def sign_in(self) -> None:
        self.request("/accounts/login/")
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        status, *_ = self.request(
            "/accounts/login/",
            {"username": "fault-manager", "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 302, "signed in"

    def page(self):
        return self.request("/catalogue/")

    def api(self):
        return self.request("/api/v1/services/", headers={"Authorization": f"Bearer {TOKEN}"})

    def both_at_once(self, times: int) -> list:
        """Pages and API calls in parallel, enough to reach every server thread."""
        with ThreadPoolExecutor(2 * THREADS) as pool:
            calls = [pool.submit(f) for _ in range(times) for f in (self.page, self.api)]
            return [call.result() for call in calls]


def test_requests_fail_cleanly_while_postgresql_restarts_and_recover_after(database, portal):
    visitor = Visitor(portal)
    visitor.sign_in()
    before = visitor.both_at_once(2 * THREADS)
    assert {status for status, *_ in before} == {200}

    # A quick restart between two requests: every thread holds a dead connection.
    database.stop(mode="fast")
    database.start()
    after_restart = visitor.both_at_once(2 * THREADS)
    assert [status for status, *_ in after_restart] == [200] * len(after_restart)

    database.stop(mode="fast")  # a longer outage, with requests meanwhile
    for _ in range(3):
        status, headers, body, seconds = visitor.page()
        assert (status, headers["Retry-After"]) == (503, "30")
        assert "Briefly unavailable" in body and "Traceback" not in body
        assert seconds < 10, "no hang"
        status, headers, body, seconds = visitor.api()
        assert (status, headers["Content-Type"]) == (503, "application/json")
        assert json.loads(body) == {
            "message": "The service is briefly unavailable; nothing was half-stored. "
            "Try again shortly.",
            "errors": {},
        }
        assert seconds < 10, "no hang"

    database.start()
    after = [*visitor.both_at_once(2 * THREADS), visitor.page(), visitor.api()]
    assert [status for status, *_ in after] == [200] * len(after)
    assert all(seconds < 10 for *_, seconds in after)
    assert "fault-manager" in visitor.page()[2], "the session survived the restart"
