"""/api/v1/service-records/ and /api/v1/record-imports/: scoped reads, writes through the
import pipeline, bulk JSON and CSV, and bad input."""

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from clients.models import ClientEntity
from providers.models import ServiceProvider
from records.models import RecordStagingRow, ServiceRecord
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

NAIROBI_ROWS = (
    "N-1,UNON,UNEP,CONF-DOC,2026-01-06T08:00,2026-01-06T17:00,,"
    "2026-01-06T09:00/2026-01-06T11:00;2026-01-06T10:00/2026-01-06T15:00,false\n"
    "N-2,UNON,UN-HABITAT,CONF-DOC,2026-01-05T12:00,,,,\n"
)
KUWAIT_ROWS = "K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,false\n"


def api_for(role, provider=None, client=None):
    api = APIClient()
    org = {}
    if provider:
        org["provider"] = ServiceProvider.objects.get(code=provider)
    if client:
        org["client"] = ClientEntity.objects.get(code=client)
    api.force_login(user_with_role(role, **org))
    return api


@pytest.fixture
def records():
    result = import_csv(NAIROBI_ROWS + KUWAIT_ROWS)
    assert result.status == "done", result.message
    return result


class TestReads:
    def test_provider_staff_see_only_their_providers_records(self, records):
        body = api_for(Role.PROVIDER_STAFF, provider="UNON").get("/api/v1/service-records/").json()
        assert {r["external_ref"] for r in body["results"]} == {"N-1", "N-2"}

    def test_client_sees_only_records_about_their_entity(self, records):
        body = (
            api_for(Role.CLIENT_FOCAL_POINT, client="UNEP").get("/api/v1/service-records/").json()
        )
        assert [r["external_ref"] for r in body["results"]] == ["N-1"]

    def test_management_sees_all(self, records):
        body = api_for(Role.MANAGEMENT).get("/api/v1/service-records/").json()
        assert body["count"] == 3

    def test_out_of_scope_record_is_404(self, records):
        kuwait = ServiceRecord.objects.get(external_ref="K-1")
        api = api_for(Role.PROVIDER_STAFF, provider="UNON")
        assert api.get(f"/api/v1/service-records/{kuwait.pk}/").status_code == 404
        assert api.delete(f"/api/v1/service-records/{kuwait.pk}/").status_code == 404
        assert ServiceRecord.objects.filter(pk=kuwait.pk).exists()

    def test_record_carries_elapsed_values_and_calendar(self, records):
        body = api_for(Role.MANAGEMENT).get("/api/v1/service-records/", {"provider": "UNON"}).json()
        record = next(r for r in body["results"] if r["external_ref"] == "N-1")
        assert record["elapsed_working_seconds"] == 10800
        assert record["elapsed_calendar_seconds"] == 10800
        assert record["calendar"]["timezone"] == "Africa/Nairobi"
        assert len(record["pauses"]) == 2
        open_record = next(r for r in body["results"] if r["external_ref"] == "N-2")
        assert open_record["elapsed_working_seconds"] is None

    @pytest.mark.parametrize(
        ("params", "refs"),
        [
            ({"status": "open"}, {"N-2"}),
            ({"client": "UNAMA"}, {"K-1"}),
            ({"service": "PAY-OFF"}, {"K-1"}),
            ({"received_after": "2026-01-05T00:00:00Z"}, {"N-1", "N-2"}),
            ({"completed_before": "2026-01-05T00:00:00Z"}, {"K-1"}),
            ({"completed_after": "2026-01-06T00:00:00Z"}, {"N-1"}),
        ],
    )
    def test_filters(self, records, params, refs):
        body = api_for(Role.MANAGEMENT).get("/api/v1/service-records/", params).json()
        assert {r["external_ref"] for r in body["results"]} == refs

    @pytest.mark.parametrize(
        "params",
        [{"provider": "NOPE"}, {"status": "lost"}, {"received_after": "yesterday"}],
    )
    def test_bad_filters_are_400(self, records, params):
        response = api_for(Role.MANAGEMENT).get("/api/v1/service-records/", params)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(params)


class TestWrites:
    payload = {
        "external_ref": "API-1",
        "provider": "UNON",
        "client": "UNEP",
        "service": "CONF-DOC",
        "received_at": "2026-01-05T12:00:00",
        "completed_at": "2026-01-05T14:00:00",
    }

    def test_integration_creates_then_upserts(self):
        api = api_for(Role.INTEGRATION, provider="UNON")
        created = api.post("/api/v1/service-records/", self.payload, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["elapsed_working_seconds"] == 3600  # the lunch hour is skipped
        again = api.post("/api/v1/service-records/", self.payload, format="json")
        assert again.status_code == 200
        assert ServiceRecord.objects.filter(external_ref="API-1").count() == 1

    def test_patch_remeasures_and_keeps_identity(self):
        api = api_for(Role.PROVIDER_STAFF, provider="UNON")
        record_id = api.post("/api/v1/service-records/", self.payload, format="json").json()["id"]
        patched = api.patch(
            f"/api/v1/service-records/{record_id}/",
            {"completed_at": "2026-01-05T16:00:00"},
            format="json",
        )
        assert patched.status_code == 200, patched.json()
        assert patched.json()["elapsed_working_seconds"] == 3600 * 3
        moved = api.patch(
            f"/api/v1/service-records/{record_id}/", {"external_ref": "OTHER"}, format="json"
        )
        assert moved.status_code == 400
        assert "external_ref" in moved.json()["errors"]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"provider": "KJSO"}, "provider"),
            ({"client": "NOPE"}, "client"),
            ({"service": "FIN-VEN-XX"}, "service"),
            ({"received_at": "2026-02-30"}, "received_at"),
            ({"completed_at": "2026-01-01T00:00:00"}, "completed_at"),
            ({"status": "done"}, "status"),
            ({"defective": "maybe"}, "defective"),
            (
                {"pauses": [{"start": "2026-01-05T15:00:00", "end": "2026-01-05T13:00:00"}]},
                "pauses",
            ),
            ({"pauses": "nonsense"}, "pauses"),
            ({"external_ref": "x" * 101}, "external_ref"),
            ({"color": "blue"}, "color"),
        ],
    )
    def test_bad_record_is_400_and_nothing_stored(self, overrides, field):
        api = api_for(Role.PROVIDER_STAFF, provider="UNON")
        response = api.post(
            "/api/v1/service-records/", {**self.payload, **overrides}, format="json"
        )
        assert response.status_code == 400, response.json()
        assert field in response.json()["errors"]
        assert not ServiceRecord.objects.exists()
        assert not RecordStagingRow.objects.exists()

    def test_non_object_body_is_400(self):
        api = api_for(Role.PROVIDER_STAFF, provider="UNON")
        assert api.post("/api/v1/service-records/", [1, 2], format="json").status_code == 400

    @pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.CLIENT_FOCAL_POINT])
    def test_readers_cannot_write(self, role):
        api = api_for(role, client="UNEP" if role == Role.CLIENT_FOCAL_POINT else None)
        response = api.post("/api/v1/service-records/", self.payload, format="json")
        assert response.status_code == 403
        assert not ServiceRecord.objects.exists()

    def test_provider_deletes_own_record(self, records):
        record = ServiceRecord.objects.get(external_ref="N-1")
        api = api_for(Role.PROVIDER_STAFF, provider="UNON")
        assert api.delete(f"/api/v1/service-records/{record.pk}/").status_code == 204
        assert not ServiceRecord.objects.filter(pk=record.pk).exists()

    def test_client_cannot_delete(self, records):
        record = ServiceRecord.objects.get(external_ref="N-1")
        api = api_for(Role.CLIENT_FOCAL_POINT, client="UNEP")
        assert api.delete(f"/api/v1/service-records/{record.pk}/").status_code == 403


class TestBulk:
    def test_json_list(self):
        api = api_for(Role.INTEGRATION, provider="UNON")
        rows = [
            {**TestWrites.payload, "external_ref": f"B-{n}", "defective": n % 2 == 0}
            for n in range(5)
        ]
        response = api.post("/api/v1/service-records/bulk/", rows, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["created"] == 5
        again = api.post("/api/v1/service-records/bulk/", rows, format="json")
        assert again.json()["unchanged"] == 5
        assert ServiceRecord.objects.filter(defective=True).count() == 3

    def test_csv_body_with_a_bad_row_stores_nothing(self):
        api = api_for(Role.INTEGRATION, provider="UNON")
        body = (
            "external_ref,provider,client,service,received_at,completed_at\n"
            "C-1,UNON,UNEP,CONF-DOC,2026-01-05,2026-01-06\n"
            "C-2,UNON,UNEP,CONF-DOC,2026-01-05,2026-01-04\n"
        )
        response = api.generic(
            "POST", "/api/v1/service-records/bulk/", body, content_type="text/csv"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "3.completed_at": ["completed_at is before received_at"]
        }
        assert not ServiceRecord.objects.exists()
        kept = api.generic(
            "POST",
            "/api/v1/service-records/bulk/?keep_good_rows=true",
            body,
            content_type="text/csv",
        )
        assert kept.status_code == 200
        assert list(ServiceRecord.objects.values_list("external_ref", flat=True)) == ["C-1"]

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [
            (b"", "text/csv"),
            (b"\xff\xfe\x00b\x00a\x00d", "text/csv"),
            (b'external_ref,provider\n"unclosed,UNON\n', "text/csv"),
            (b"{not json", "application/json"),
            (b'{"a": 1}', "application/json"),
            (b"[]", "application/json"),
            (b"<xml/>", "application/xml"),
        ],
    )
    def test_malformed_bodies_are_clear_errors(self, body, content_type):
        api = api_for(Role.INTEGRATION, provider="UNON")
        response = api.generic(
            "POST", "/api/v1/service-records/bulk/", body, content_type=content_type
        )
        assert response.status_code in (400, 415), response.content
        assert response.json()["message"]
        assert not ServiceRecord.objects.exists()

    def test_oversized_upload_is_refused(self, settings):
        settings.RECORD_IMPORT_MAX_BYTES = 100
        api = api_for(Role.INTEGRATION, provider="UNON")
        body = (
            "external_ref,provider,client,service,received_at\n"
            + "x,UNON,UNEP,CONF-DOC,2026-01-05\n" * 10
        )
        response = api.generic(
            "POST", "/api/v1/service-records/bulk/", body, content_type="text/csv"
        )
        assert response.status_code == 413
        assert "MB" in response.json()["message"]

    def test_large_upload_runs_in_the_background(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.RECORD_IMPORT_SYNC_ROWS = 2
        api = api_for(Role.INTEGRATION, provider="UNON")
        rows = [{**TestWrites.payload, "external_ref": f"L-{n}"} for n in range(4)]
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/service-records/bulk/", rows, format="json")
        assert response.status_code == 202
        follow = api.get(f"/api/v1/record-imports/{response.json()['id']}/").json()
        assert follow["status"] == "done", follow
        assert follow["created"] == 4
        assert ServiceRecord.objects.count() == 4
