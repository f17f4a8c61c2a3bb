"""API fuzzing: schemathesis drives every operation of our own OpenAPI schema.

Requests generated from the schema (valid and invalid) go to the Django app in-process,
signed in (a session) as a user who holds every role (catalogue manager, management, provider
staff and manager of UNON, focal point of UNEP), so that each operation is reached past
its permission check. Every response must be no server error, carry a declared content
type and, for documented status codes, match the documented body.

Bounded and reproducible: ``FUZZ_EXAMPLES`` examples per operation (default 5),
derandomised, generated cases only, so that every run takes about the same time and
finds the same things.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.test import APIClient
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from accounts.choices import Role
from accounts.services import grant_role
from clients.models import ClientEntity
from providers.models import ServiceProvider
from tests.factories import UserFactory
from tests.support import session_headers

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
app = get_wsgi_application()


@pytest.fixture
def user(db):
    """A user who holds every role, so no operation stops at the permission check (a
    token would act for one organisation only)."""
    user = UserFactory(username="fuzzer")
    unon = ServiceProvider.objects.get(code="UNON")
    grant_role(user=user, role=Role.CATALOGUE_MANAGER)
    grant_role(user=user, role=Role.MANAGEMENT)
    grant_role(user=user, role=Role.PROVIDER_STAFF, provider=unon)
    grant_role(user=user, role=Role.PROVIDER_MANAGER, provider=unon)
    grant_role(
        user=user, role=Role.CLIENT_FOCAL_POINT, client=ClientEntity.objects.get(code="UNEP")
    )
    return user


@pytest.fixture
def in_test_transaction():
    """Requests go through the WSGI app inside the test's transaction: keep Django from
    closing the connection at the end of each request (as its test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    # Generated cases only: schemathesis' coverage phase (every boundary of every field)
    # would take many minutes per run.
    phases=[Phase.generate],
)
def test_api_answers_every_operation_within_its_schema(case, user, in_test_transaction):
    case.call_and_validate(app=app, headers=session_headers(user), checks=CHECKS)


class TestFoundByFuzzing:
    """Server errors the fuzzer found, kept as plain regression tests."""

    def test_nul_in_a_code_is_a_clear_400(self, user):
        api = APIClient()
        api.force_login(user)
        body = {"date": "2026-01-01", "duty_station": "NBO\x00"}
        response = api.post("/api/v1/holidays/", body, format="json")
        assert response.status_code == 400
        assert "duty_station" in response.json()["errors"]
        response = api.get("/api/v1/offerings/", {"provider": "UNON\x00"})
        assert response.status_code == 400

    def test_any_utc_offset_python_accepts_filters_records(self, user):
        api = APIClient()
        api.force_login(user)
        query = {"received_after": "2026-06-23T11:47:12-17:17"}
        assert api.get("/api/v1/service-records/", query).status_code == 200

    def test_created_area_answers_with_its_service_count(self, user):
        api = APIClient()
        api.force_login(user)
        body = {"code": "FUZZ-AREA", "name": "Fuzzed area"}
        response = api.post("/api/v1/areas/", body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["service_count"] == 0
