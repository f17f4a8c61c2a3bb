"""The audit trail: every write leaves who, when and what; catalogue managers and
management search it on /audit/ and /api/v1/audit/."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from accounts.services import grant_role, notify
from catalogue.models import FunctionalArea
from clients.models import ClientEntity
from compliance.models import ComplianceRun
from compliance.tasks import compute_compliance_shard
from core.choices import AuditChannel, AuditKind
from core.models import AuditEntry, DutyStation, Holiday
from providers.models import ServiceProvider
from records.models import RecordImport
from tests.factories import UserFactory, user_with_role
from tests.integrations.factories import bearer, issue_token
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

ROW = {
    "external_ref": "AUD-1",
    "provider": "UNON",
    "client": "UNEP",
    "service": "CONF-DOC",
    "received_at": "2026-02-02T08:00",
    "completed_at": "2026-02-03T09:00",
}


def unon():
    return ServiceProvider.objects.get(code="UNON")


def api_client(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


class TestRecording:
    def test_api_change_names_the_user_and_the_fields(self):
        curator = user_with_role(Role.CATALOGUE_MANAGER, username="curator")
        area = FunctionalArea.objects.order_by("pk").first()
        old_name = area.name
        response = api_client(curator).patch(
            f"/api/v1/areas/{area.pk}/", {"name": "Renamed area"}, format="json"
        )
        assert response.status_code == 200, response.content
        entry = AuditEntry.objects.get(
            model="catalogue.functionalarea", object_id=str(area.pk), kind=AuditKind.CHANGED
        )
        assert (entry.actor, entry.actor_label, entry.channel) == (curator, "curator", "api")
        assert entry.kind == AuditKind.CHANGED
        assert entry.changes == {"name": [old_name, "Renamed area"]}
        assert entry.path == f"/api/v1/areas/{area.pk}/"

    def test_page_write_names_the_signed_in_user(self, client):
        staff = user_with_role(Role.PROVIDER_STAFF, provider=unon(), username="unon-staff")
        client.force_login(staff)
        AuditEntry.objects.all().delete()
        response = client.post("/imports/new/", {"file": _upload()})
        assert response.status_code == 302
        entry = AuditEntry.objects.get(model="records.recordimport")
        assert (entry.actor_label, entry.channel, entry.kind) == ("unon-staff", "page", "created")

    def test_import_records_the_uploader_and_its_run(self):
        # Through an integration token: its creator is the uploader.
        staff = user_with_role(Role.PROVIDER_MANAGER, provider=unon(), username="erp-owner")
        _token, clear = issue_token(user=staff, provider=unon())
        response = bearer(clear).post("/api/v1/service-records/bulk/", [ROW], format="json")
        assert response.status_code == 200, response.content
        record_import = RecordImport.objects.get(pk=response.json()["id"])
        entry = AuditEntry.objects.get(action="records.imported")
        assert (entry.actor, entry.channel) == (staff, AuditChannel.IMPORT)
        assert entry.run_id == f"import-{record_import.pk}"
        assert entry.object_id == str(record_import.pk)
        assert entry.changes["created"] == 1 and entry.changes["providers"] == [unon().pk]

    def test_command_import_is_by_system(self):
        import_csv("AUD-2,UNON,UNEP,CONF-DOC,2026-02-02T08:00,2026-02-03T09:00,,,false\n")
        entry = AuditEntry.objects.get(action="records.imported")
        assert (entry.actor, entry.actor_label, entry.channel) == (None, "system", "import")

    def test_task_writes_are_by_system_with_the_run_id(self):
        compute_compliance_shard.delay(unon().pk, "2026-02-01", "test")
        run = ComplianceRun.objects.get(provider=unon(), trigger="test")
        entries = AuditEntry.objects.filter(model="compliance.compliancerun", object_id=str(run.pk))
        assert entries.exists()
        for entry in entries:
            assert (entry.actor_label, entry.channel) == ("system", AuditChannel.TASK)
            assert entry.run_id.startswith("compliance.compute_shard:")

    def test_membership_and_deletion_are_recorded(self):
        user = UserFactory(username="newcomer")
        membership = grant_role(user=user, role=Role.MANAGEMENT)
        assert AuditEntry.objects.filter(
            model="accounts.membership", object_id=str(membership.pk), kind="created"
        ).exists()
        pk = membership.pk
        membership.delete()
        assert AuditEntry.objects.filter(
            model="accounts.membership", object_id=str(pk), kind="deleted"
        ).exists()

    def test_password_is_never_written_to_the_trail(self):
        user = UserFactory(username="secretive")
        user.set_password("another-secret-2026")
        user.save()
        for entry in AuditEntry.objects.filter(model="auth.user", object_id=str(user.pk)):
            assert "another-secret" not in str(entry.changes)
            assert "md5$" not in str(entry.changes) and "pbkdf2" not in str(entry.changes)
        assert AuditEntry.objects.filter(
            model="auth.user", object_id=str(user.pk), changes__password=["(changed)", "(changed)"]
        ).exists()

    def test_calendar_change_and_its_remeasuring_task(self, django_capture_on_commit_callbacks):
        import_csv("K-9,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,false\n")
        station = DutyStation.objects.get(code="KWI")
        with django_capture_on_commit_callbacks(execute=True):
            holiday = Holiday.objects.create(duty_station=station, date=dt.date(2026, 1, 4))
        assert AuditEntry.objects.filter(model="core.holiday", object_id=str(holiday.pk)).exists()
        entry = AuditEntry.objects.get(action="records.remeasured")
        assert (entry.object_id, entry.changes) == (str(station.pk), {"records": 1})
        assert (entry.actor_label, entry.channel) == ("system", AuditChannel.TASK)
        assert entry.run_id.startswith("records.recompute_calendar_records:")

    def test_marking_notifications_read_is_recorded(self, client):
        user = user_with_role(Role.MANAGEMENT, username="reader")
        notify(users=[user], verb="test", title="One")
        notify(users=[user], verb="test", title="Two")
        client.force_login(user)
        one = user.notifications.first()
        client.post(f"/notifications/{one.pk}/read/")
        client.post("/notifications/read/")
        assert AuditEntry.objects.get(model="accounts.notification").actor == user
        entry = AuditEntry.objects.get(action="notifications.read")
        assert (entry.actor, entry.channel, entry.changes) == (user, "page", {"count": 1})

    def test_saving_unchanged_leaves_no_entry(self):
        area = FunctionalArea.objects.order_by("pk").first()
        before = AuditEntry.objects.count()
        area.save()
        assert AuditEntry.objects.count() == before


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "external_ref,provider,client,service,received_at\nAUD-3,UNON,UNEP,CONF-DOC,2026-02-02\n"
    return SimpleUploadedFile("records.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def trail():
    """Entries by two people on two days."""
    AuditEntry.objects.all().delete()
    day = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    for i, (who, kind, model) in enumerate(
        [
            ("alice", AuditKind.CREATED, "sla.sla"),
            ("alice", AuditKind.CHANGED, "sla.sla"),
            ("bob", AuditKind.DELETED, "catalogue.service"),
            ("system", AuditKind.ACTION, "records.recordimport"),
        ]
    ):
        AuditEntry.objects.create(
            at=day + dt.timedelta(days=i),
            actor_label=who,
            channel=AuditChannel.API,
            kind=kind,
            action=f"{model}.{kind}",
            model=model,
            object_id=str(i),
            object_repr=f"object {i}",
        )


def reader(role=Role.MANAGEMENT) -> APIClient:
    api = APIClient()
    api.force_login(user_with_role(role))
    return api


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, 4),
            ({"actor": "alice"}, 2),
            ({"model": "sla.sla", "object_id": "1"}, 1),
            ({"kind": "deleted"}, 1),
            ({"since": "2026-03-11", "until": "2026-03-12"}, 2),
            ({"q": "object 3"}, 1),
        ],
    )
    def test_filters(self, trail, query, expected):
        # (signing the reader in writes entries of its own, through no API)
        response = reader().get("/api/v1/audit/", {**query, "channel": "api"})
        assert response.status_code == 200
        assert response.json()["count"] == expected

    def test_newest_first_with_pagination(self, trail):
        body = reader().get("/api/v1/audit/", {"page_size": 2, "channel": "api"}).json()
        assert [e["object_id"] for e in body["results"]] == ["3", "2"]
        assert body["next"]

    @pytest.mark.parametrize(
        "query",
        [
            {"since": "not-a-date"},
            {"kind": "exploded"},
            {"since": "2026-03-12", "until": "2026-03-01"},
            {"actor": "x" * 500},
        ],
    )
    def test_bad_filters_are_400_on_the_api_and_shown_on_the_page(self, trail, client, query):
        response = reader().get("/api/v1/audit/", query)
        assert response.status_code == 400
        assert response.json()["errors"]
        client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
        page = client.get("/audit/", query)
        assert page.status_code == 200
        assert not page.context["auditentry_list"]
        assert page.context["filterset"].form.errors

    def test_page_lists_and_filters(self, trail, client):
        client.force_login(user_with_role(Role.CATALOGUE_MANAGER))
        response = client.get("/audit/", {"actor": "bob"})
        assert response.status_code == 200
        assert [e.actor_label for e in response.context["auditentry_list"]] == ["bob"]
        assert b"catalogue.service" in response.content

    def test_empty_state(self, client):
        AuditEntry.objects.all().delete()
        client.force_login(user_with_role(Role.MANAGEMENT))
        assert b"No change matches" in client.get("/audit/", {"actor": "nobody"}).content


class TestPermissions:
    @pytest.mark.parametrize("role", [Role.CATALOGUE_MANAGER, Role.MANAGEMENT])
    def test_global_roles_read(self, trail, client, role):
        user = user_with_role(role)
        client.force_login(user)
        assert client.get("/audit/").status_code == 200
        assert api_client(user).get("/api/v1/audit/").status_code == 200

    @pytest.mark.parametrize(
        ("role", "org"),
        [
            (Role.PROVIDER_STAFF, "provider"),
            (Role.PROVIDER_MANAGER, "provider"),
            (Role.INTEGRATION, "provider"),
            (Role.CLIENT_FOCAL_POINT, "client"),
        ],
    )
    def test_organisation_roles_are_refused(self, trail, client, role, org):
        organisation = (
            {"provider": unon()}
            if org == "provider"
            else {"client": ClientEntity.objects.get(code="UNEP")}
        )
        user = user_with_role(role, **organisation)
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        api = api_client(user)
        assert api.get("/api/v1/audit/").status_code == 403
        entry = AuditEntry.objects.first()
        assert api.get(f"/api/v1/audit/{entry.pk}/").status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client):
        assert "/accounts/login/" in client.get("/audit/")["Location"]
        assert APIClient().get("/api/v1/audit/").status_code in (401, 403)

    def test_the_trail_is_read_only(self, trail):
        api = reader(Role.CATALOGUE_MANAGER)
        entry = AuditEntry.objects.first()
        assert api.post("/api/v1/audit/", {}, format="json").status_code == 405
        assert api.delete(f"/api/v1/audit/{entry.pk}/").status_code == 405


class TestQueryCounts:
    def _more(self, n):
        now = timezone.now()
        actor = UserFactory()
        AuditEntry.objects.bulk_create(
            AuditEntry(
                at=now,
                actor=actor,
                actor_label=actor.username,
                channel="api",
                kind="changed",
                action="x",
                model="sla.sla",
                object_id=str(i),
            )
            for i in range(n)
        )

    @pytest.mark.parametrize("url", ["/audit/", "/api/v1/audit/"])
    def test_fixed_number_of_queries(self, client, url):
        client.force_login(user_with_role(Role.MANAGEMENT))
        counts = []
        for n in (2, 30):
            self._more(n)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts


def test_an_object_whose_text_fails_is_still_saved_and_recorded():
    station = DutyStation.objects.get(code="KWI")
    holiday = Holiday.objects.create(duty_station=station, date="2026-12-30", name="Given as text")
    entry = AuditEntry.objects.get(model="core.holiday", object_id=str(holiday.pk))
    assert entry.object_repr == f"holiday {holiday.pk}"
