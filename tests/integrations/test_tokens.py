"""Integration tokens: made once and shown once, kept as a digest, expiring, revocable,
acting with their creator's rights narrowed to one organisation and one scope."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.models import Membership
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.models import AuditEntry
from integrations.choices import TokenScope
from integrations.models import IntegrationToken
from integrations.services import token_revoke
from providers.models import ServiceProvider
from records.models import ServiceRecord
from tests.factories import user_with_role
from tests.integrations.factories import bearer, issue_token
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db


def unon():
    return ServiceProvider.objects.get(code="UNON")


def kjso():
    return ServiceProvider.objects.get(code="KJSO")


def record(ref="TOK-1", provider="UNON", client="UNEP", service="CONF-DOC"):
    return {"external_ref": ref, "provider": provider, "client": client, "service": service,
            "received_at": "2026-02-02T08:00", "completed_at": "2026-02-03T09:00"}  # fmt: skip


@pytest.fixture
def manager():
    return user_with_role(Role.PROVIDER_MANAGER, provider=unon(), username="unon-manager")


@pytest.fixture
def curator():
    return user_with_role(Role.CATALOGUE_MANAGER, username="curator")


@pytest.fixture
def both_providers_records():
    import_csv(
        "T-P,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
        "T-Q,KJSO,UNAMA,PAY-OFF,2026-02-02T08:00,2026-02-03T09:00,,,false\n"
    )


class TestStoredAsADigest:
    def test_the_clear_token_is_returned_once_and_never_stored(self, manager):
        token, clear = issue_token(user=manager, provider=unon())
        assert clear.startswith(f"{token.prefix}_") and token.prefix.startswith("sp_")
        assert len(clear) > 50
        secret = clear.split("_", 2)[2]
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM integrations_integrationtoken")
            rows = cursor.fetchall()
            cursor.execute("SELECT * FROM core_auditentry")
            audit_rows = cursor.fetchall()
        assert rows
        for row in [*rows, *audit_rows]:
            for value in row:
                assert secret not in str(value)
        token.refresh_from_db()
        assert len(token.digest) == 64 and clear not in token.digest

    def test_two_tokens_differ(self, manager):
        first = issue_token(user=manager, provider=unon())[1]
        second = issue_token(user=manager, provider=unon())[1]
        assert first != second

    def test_the_token_opens_the_api_as_its_creator(self, manager):
        _token, clear = issue_token(user=manager, provider=unon())
        response = bearer(clear).get("/api/v1/service-records/")
        assert response.status_code == 200

    def test_an_unknown_or_malformed_token_is_refused(self, manager):
        _token, clear = issue_token(user=manager, provider=unon())
        for header in (
            f"Bearer {clear}x",
            "Bearer",
            f"Bearer {clear} extra",
            "Bearer " + "a" * 500,
        ):
            api = bearer("")
            api.credentials(HTTP_AUTHORIZATION=header)
            response = api.get("/api/v1/service-records/")
            assert response.status_code in (401, 403), header
            assert response.json()["message"]


class TestLifetime:
    def test_an_expired_token_is_refused(self, manager):
        token, clear = issue_token(user=manager, provider=unon())
        IntegrationToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        response = bearer(clear).get("/api/v1/service-records/")
        assert response.status_code in (401, 403)
        assert "expired" in response.json()["message"]

    def test_a_revoked_token_is_refused_and_revoking_again_changes_nothing(self, manager):
        token, clear = issue_token(user=manager, provider=unon())
        token_revoke(token=token, user=manager)
        revoked_at = IntegrationToken.objects.get(pk=token.pk).revoked_at
        assert revoked_at is not None
        token_revoke(token=token, user=manager)
        assert IntegrationToken.objects.get(pk=token.pk).revoked_at == revoked_at
        response = bearer(clear).get("/api/v1/service-records/")
        assert response.status_code in (401, 403)
        assert "revoked" in response.json()["message"]

    def test_only_the_creator_revokes(self, manager, curator):
        token, _ = issue_token(user=manager, provider=unon())
        with pytest.raises(ApplicationError):
            token_revoke(token=token, user=curator)
        assert IntegrationToken.objects.get(pk=token.pk).revoked_at is None

    def test_a_creator_who_stops_managing_the_provider_stops_the_token(self, manager):
        _token, clear = issue_token(user=manager, provider=unon())
        Membership.objects.filter(user=manager).update(role=Role.PROVIDER_STAFF)
        response = bearer(clear).get("/api/v1/service-records/")
        assert response.status_code in (401, 403)
        assert "no longer" in response.json()["message"]

    def test_an_inactive_creator_stops_the_token(self, manager):
        _token, clear = issue_token(user=manager, provider=unon())
        manager.is_active = False
        manager.save()
        assert bearer(clear).get("/api/v1/service-records/").status_code in (401, 403)


class TestScope:
    def test_a_read_only_token_reads_and_is_refused_every_write(self, manager):
        _token, clear = issue_token(user=manager, provider=unon(), scope=TokenScope.READ_ONLY)
        api = bearer(clear)
        assert api.get("/api/v1/service-records/").status_code == 200
        response = api.post("/api/v1/service-records/bulk/", [record()], format="json")
        assert response.status_code == 403
        assert response.json()["message"] == "This token reads only."
        assert api.post("/api/v1/service-records/", record(), format="json").status_code == 403
        assert not ServiceRecord.objects.filter(external_ref="TOK-1").exists()

    def test_a_records_write_token_writes_its_providers_records(self, manager):
        _token, clear = issue_token(user=manager, provider=unon())
        response = bearer(clear).post("/api/v1/service-records/bulk/", [record()], format="json")
        assert response.status_code == 200, response.content
        assert ServiceRecord.objects.filter(external_ref="TOK-1", provider=unon()).exists()

    def test_a_records_write_token_writes_nothing_else(self, manager):
        """The provider manager signs SLAs, issues statements and asks for computations;
        the token does none of it."""
        _token, clear = issue_token(user=manager, provider=unon())
        api = bearer(clear)
        body = {"provider": "UNON", "client": "UNEP", "period": "2026-01"}
        assert api.post("/api/v1/statements/issue/", body, format="json").status_code == 403
        assert api.post("/api/v1/compliance/compute/", {}, format="json").status_code == 403
        assert api.post("/api/v1/integration-tokens/", {}, format="json").status_code == 403
        assert api.get("/api/v1/integration-tokens/").status_code == 403

    def test_a_catalogue_managers_token_is_narrowed_to_its_provider(self, curator):
        _token, clear = issue_token(user=curator, provider=unon())
        api = bearer(clear)
        body = {"code": "TOK-AREA", "name": "Not through a token"}
        assert api.post("/api/v1/areas/", body, format="json").status_code == 403
        other = record(ref="TOK-Q", provider="KJSO", client="UNAMA", service="PAY-OFF")
        response = api.post("/api/v1/service-records/bulk/", [other], format="json")
        assert response.status_code in (400, 403)
        assert not ServiceRecord.objects.filter(external_ref="TOK-Q").exists()
        assert (
            api.post("/api/v1/service-records/bulk/", [record()], format="json").status_code == 200
        )


class TestOrganisationNarrowing:
    def test_a_provider_token_reads_its_providers_records_only(
        self, curator, both_providers_records
    ):
        _token, clear = issue_token(user=curator, provider=unon(), scope=TokenScope.READ_ONLY)
        refs = {
            r["external_ref"]
            for r in bearer(clear).get("/api/v1/service-records/").json()["results"]
        }
        assert "T-P" in refs and "T-Q" not in refs
        session = APIClient()
        session.force_login(curator)
        refs = {
            r["external_ref"] for r in session.get("/api/v1/service-records/").json()["results"]
        }
        assert {"T-P", "T-Q"} <= refs

    def test_a_client_token_reads_as_its_client_entity(self, curator, both_providers_records):
        unama = ClientEntity.objects.get(code="UNAMA")
        _token, clear = issue_token(user=curator, client=unama, scope=TokenScope.READ_ONLY)
        refs = {
            r["external_ref"]
            for r in bearer(clear).get("/api/v1/service-records/").json()["results"]
        }
        assert refs == {"T-Q"}
        assert bearer(clear).get("/api/v1/audit/").status_code == 403


class TestLastUse:
    def test_last_use_is_noted_at_most_once_a_minute(self, manager):
        token, clear = issue_token(user=manager, provider=unon())
        api = bearer(clear)
        assert IntegrationToken.objects.get(pk=token.pk).last_used_at is None
        api.get("/api/v1/service-records/")
        first = IntegrationToken.objects.get(pk=token.pk).last_used_at
        assert first is not None
        with CaptureQueriesContext(connection) as queries:
            api.get("/api/v1/service-records/")
        assert not [q for q in queries if "UPDATE" in q["sql"] and "integrationtoken" in q["sql"]]
        assert IntegrationToken.objects.get(pk=token.pk).last_used_at == first
        earlier = first - dt.timedelta(seconds=61)
        IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
        api.get("/api/v1/service-records/")
        assert IntegrationToken.objects.get(pk=token.pk).last_used_at > first

    def test_noting_a_use_leaves_no_audit_entry(self, manager):
        _token, clear = issue_token(user=manager, provider=unon())
        before = AuditEntry.objects.count()
        bearer(clear).get("/api/v1/service-records/")
        assert AuditEntry.objects.count() == before


class TestAudit:
    def test_creation_and_revocation_are_audited_without_the_digest(self, manager):
        token, clear = issue_token(user=manager, provider=unon())
        created = AuditEntry.objects.get(model="integrations.integrationtoken", kind="created")
        assert created.object_id == str(token.pk)
        assert created.changes["digest"] == [None, "(changed)"]
        assert created.changes["name"] == [None, "Test ERP"]
        token_revoke(token=token, user=manager)
        changed = AuditEntry.objects.get(model="integrations.integrationtoken", kind="changed")
        assert list(changed.changes) == ["revoked_at"]
        for entry in AuditEntry.objects.all():
            assert token.digest not in str(entry.changes) and clear not in str(entry.changes)
