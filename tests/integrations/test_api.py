"""/api/v1/integration-tokens/: a signed-in issuer lists, creates and revokes their own
tokens; bad input is refused with the field named and nothing stored."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from clients.models import ClientEntity
from integrations.models import IntegrationToken
from providers.models import ServiceProvider
from tests.factories import user_with_role
from tests.integrations.factories import bearer, issue_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/integration-tokens/"


def unon():
    return ServiceProvider.objects.get(code="UNON")


def signed_in(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def later(**delta) -> str:
    return (timezone.now() + dt.timedelta(**delta)).isoformat()


def body(**changes):
    return {"name": "UNON ERP", "scope": "records_write", "provider": "UNON",
            "expires_at": later(days=30), **changes}  # fmt: skip


@pytest.fixture
def manager():
    return user_with_role(Role.PROVIDER_MANAGER, provider=unon(), username="unon-manager")


class TestCreate:
    def test_the_answer_holds_the_token_once(self, manager):
        api = signed_in(manager)
        response = api.post(URL, body(), format="json")
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["token"].startswith(created["prefix"] + "_")
        assert created["provider"]["code"] == "UNON" and created["client"] is None
        assert created["active"] is True and created["last_used_at"] is None
        listed = api.get(URL).json()["results"]
        assert [t["prefix"] for t in listed] == [created["prefix"]]
        assert "token" not in listed[0]
        detail = api.get(f"{URL}{created['id']}/").json()
        assert "token" not in detail and created["token"] not in str(detail)
        assert bearer(created["token"]).get("/api/v1/service-records/").status_code == 200

    def test_a_client_entitys_token_reads_only(self):
        unep = ClientEntity.objects.get(code="UNEP")
        curator = user_with_role(Role.CATALOGUE_MANAGER)
        api = signed_in(curator)
        ok = api.post(URL, body(provider=None, client="UNEP", scope="read_only"), format="json")
        assert ok.status_code == 400  # provider: null is not a code
        without = body(client="UNEP", scope="read_only")
        del without["provider"]
        response = api.post(URL, without, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["client"]["code"] == unep.code
        refused = api.post(URL, {**without, "scope": "records_write"}, format="json")
        assert refused.status_code == 400 and "scope" in refused.json()["errors"]


BAD = [
    ("expires_at", {"expires_at": later(minutes=-1)}, "past"),
    ("expires_at", {"expires_at": later(days=366)}, "days"),
    ("expires_at", {"expires_at": "next tuesday"}, ""),
    ("provider", {"provider": "NO-SUCH"}, "NO-SUCH"),
    ("provider", {"provider": "KJSO"}, "manage"),
    ("provider", {"client": "UNEP"}, "not both"),
    ("scope", {"scope": "admin"}, ""),
    ("name", {"name": ""}, ""),
    ("name", {"name": "x" * 101}, ""),
    ("name", {"name": "ERP\x00"}, ""),
    ("colour", {"colour": "red"}, "Unknown field"),
    ("token", {"token": "sp_chosen_by_me"}, "Read-only"),
]


class TestBadInput:
    @pytest.mark.parametrize(("field", "changes", "said"), BAD)
    def test_is_refused_naming_the_field_and_nothing_is_stored(self, manager, field, changes, said):
        response = signed_in(manager).post(URL, body(**changes), format="json")
        assert response.status_code == 400, response.content
        errors = response.json()["errors"]
        assert field in errors, errors
        assert said in " ".join(errors[field]) + response.json()["message"]
        assert not IntegrationToken.objects.exists()

    def test_neither_organisation_is_refused(self, manager):
        without = body()
        del without["provider"]
        response = signed_in(manager).post(URL, without, format="json")
        assert response.status_code == 400 and "provider" in response.json()["errors"]
        assert not IntegrationToken.objects.exists()

    def test_a_client_entity_the_manager_does_not_belong_to_is_refused(self, manager):
        without = body(client="UNEP", scope="read_only")
        del without["provider"]
        response = signed_in(manager).post(URL, without, format="json")
        assert response.status_code == 400 and "client" in response.json()["errors"]
        assert not IntegrationToken.objects.exists()

    def test_a_body_that_is_not_an_object_is_refused(self, manager):
        response = signed_in(manager).post(URL, ["a"], format="json")
        assert response.status_code == 400
        assert not IntegrationToken.objects.exists()


class TestWhoManagesTokens:
    @pytest.mark.parametrize(
        ("role", "org"),
        [(Role.PROVIDER_STAFF, "provider"), (Role.CLIENT_FOCAL_POINT, "client"),
         (Role.MANAGEMENT, None), (Role.INTEGRATION, "provider")],
    )  # fmt: skip
    def test_other_roles_are_refused(self, role, org):
        organisation = {
            "provider": {"provider": unon()},
            "client": {"client": ClientEntity.objects.get(code="UNEP")},
            None: {},
        }[org]
        api = signed_in(user_with_role(role, **organisation))
        assert api.get(URL).status_code == 403
        assert api.post(URL, body(), format="json").status_code == 403
        assert not IntegrationToken.objects.exists()

    def test_nobody_sees_or_revokes_anothers_token(self, manager):
        token, _ = issue_token(user=manager, provider=unon())
        other = signed_in(user_with_role(Role.CATALOGUE_MANAGER))
        assert other.get(f"{URL}{token.pk}/").status_code == 404
        assert other.post(f"{URL}{token.pk}/revoke/", {}, format="json").status_code == 404
        assert other.get(URL).json()["results"] == []
        assert IntegrationToken.objects.get(pk=token.pk).revoked_at is None

    def test_revoking_through_the_api(self, manager):
        token, clear = issue_token(user=manager, provider=unon())
        api = signed_in(manager)
        response = api.post(f"{URL}{token.pk}/revoke/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["active"] is False and response.json()["revoked_at"]
        refused = api.post(f"{URL}{token.pk}/revoke/", {"why": "x"}, format="json")
        assert refused.status_code == 400
        assert bearer(clear).get("/api/v1/service-records/").status_code in (401, 403)

    def test_the_list_costs_the_same_queries_for_one_token_or_many(self, manager):
        api = signed_in(manager)
        issue_token(user=manager, provider=unon())
        with CaptureQueriesContext(connection) as one:
            assert api.get(URL).status_code == 200
        for _ in range(5):
            issue_token(user=manager, provider=unon())
        with CaptureQueriesContext(connection) as six:
            assert len(api.get(URL).json()["results"]) == 6
        assert len(six) == len(one)


def test_the_schema_names_the_bearer_scheme():
    api = signed_in(user_with_role(Role.MANAGEMENT))
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["integrationToken"]["scheme"] == "bearer"
