"""Record pages: scoped list, CSV export, detail with deadlines, and the upload flow."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.choices import Role
from clients.models import ClientEntity
from providers.models import ServiceProvider
from records.models import RecordImport, ServiceRecord
from tests.factories import user_with_role
from tests.records.factories import HEADER, import_csv

pytestmark = pytest.mark.django_db


def login(client, role, provider=None, entity=None):
    org = {}
    if provider:
        org["provider"] = ServiceProvider.objects.get(code=provider)
    if entity:
        org["client"] = ClientEntity.objects.get(code=entity)
    user = user_with_role(role, **org)
    client.force_login(user)
    return user


@pytest.fixture
def records():
    result = import_csv(
        "N-1,UNON,UNEP,CONF-DOC,2026-01-06T08:00,2026-01-06T17:00,,,false\n"
        "=SUM(A1),UNON,UNEP,CONF-DOC,2026-01-07T08:00,,,,\n"
        "K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,false\n"
    )
    assert result.status == "done", result.message


class TestRecordList:
    def test_scoped_to_the_users_provider(self, client, records):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        response = client.get("/records/")
        refs = {r.external_ref for r in response.context["servicerecord_list"]}
        assert refs == {"N-1", "=SUM(A1)"}
        assert b"Import a CSV file" in response.content

    def test_client_has_no_import_button(self, client, records):
        login(client, Role.CLIENT_FOCAL_POINT, entity="UNAMA")
        response = client.get("/records/")
        assert [r.external_ref for r in response.context["servicerecord_list"]] == ["K-1"]
        assert b"Import a CSV file" not in response.content

    def test_export_neutralises_formulas(self, client, records):
        login(client, Role.MANAGEMENT)
        response = client.get("/records/", {"export": "csv", "provider": "UNON"})
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["external_ref"] for r in rows} == {"N-1", "'=SUM(A1)"}
        assert ServiceRecord.objects.filter(external_ref="=SUM(A1)").exists()

    def test_record_detail_shows_deadlines_for_open_records(self, client, records):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        record = ServiceRecord.objects.get(external_ref="=SUM(A1)")
        response = client.get(f"/records/{record.pk}/")
        assert response.status_code == 200
        assert response.context["deadlines"]
        assert all(d.overdue for d in response.context["deadlines"])  # received in January

    def test_other_providers_record_is_404(self, client, records):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        kuwait = ServiceRecord.objects.get(external_ref="K-1")
        assert client.get(f"/records/{kuwait.pk}/").status_code == 404


class TestUploadFlow:
    def upload(self, client, text: str, name="records.csv"):
        return client.post(
            "/imports/new/",
            {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
        )

    def test_report_before_anything_is_stored_then_confirm(
        self, client, django_capture_on_commit_callbacks
    ):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        text = HEADER + (
            "U-1,UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-05T10:00,,,\n"
            "U-2,UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-04T10:00,,,\n"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = self.upload(client, text)
        assert response.status_code == 302
        record_import = RecordImport.objects.get()
        page = client.get(response["Location"])
        assert page.context["record_import"].status == "validated"
        assert b"completed_at is before received_at" in page.content
        assert not ServiceRecord.objects.exists()

        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{record_import.pk}/confirm/", {"keep_good_rows": "on"})
        record_import.refresh_from_db()
        assert record_import.status == "done"
        assert list(ServiceRecord.objects.values_list("external_ref", flat=True)) == ["U-1"]

    def test_confirm_without_keeping_good_rows_stores_nothing(
        self, client, django_capture_on_commit_callbacks
    ):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        text = HEADER + "U-2,UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-04T10:00,,,\n"
        with django_capture_on_commit_callbacks(execute=True):
            self.upload(client, text)
        record_import = RecordImport.objects.get()
        client.post(f"/imports/{record_import.pk}/confirm/")
        record_import.refresh_from_db()
        assert record_import.status == "rejected"
        assert not ServiceRecord.objects.exists()

    @pytest.mark.parametrize(
        ("name", "text", "reason"),
        [
            ("records.xlsx", "PK\x03\x04", "Upload a .csv file"),
            ("records.csv", "", "is empty"),
        ],
    )
    def test_form_rejects_bad_uploads(self, client, name, text, reason):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        response = self.upload(client, text, name)
        assert response.status_code == 200
        assert reason.encode() in response.content
        assert not RecordImport.objects.exists()

    def test_oversized_upload_is_refused(self, client, settings):
        settings.RECORD_IMPORT_MAX_BYTES = 10
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        response = self.upload(client, HEADER)
        assert b"the limit is" in response.content
        assert not RecordImport.objects.exists()

    def test_unreadable_file_is_rejected_with_the_line(
        self, client, django_capture_on_commit_callbacks
    ):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/imports/new/",
                {"file": SimpleUploadedFile("r.csv", HEADER.encode() + b"caf\xe9,UNON\n")},
            )
        record_import = RecordImport.objects.get()
        assert record_import.status == "rejected"
        assert "line 2" in record_import.message
        assert "UTF-8" in record_import.message

    @pytest.mark.parametrize("role", [Role.CLIENT_FOCAL_POINT, Role.MANAGEMENT])
    def test_readers_cannot_upload(self, client, role):
        login(client, role, entity="UNEP" if role == Role.CLIENT_FOCAL_POINT else None)
        assert client.get("/imports/new/").status_code == 403

    def test_another_provider_cannot_see_or_confirm_an_import(
        self, client, django_capture_on_commit_callbacks
    ):
        login(client, Role.PROVIDER_STAFF, provider="UNON")
        with django_capture_on_commit_callbacks(execute=True):
            self.upload(client, HEADER + "U-1,UNON,UNEP,CONF-DOC,2026-01-05,,,,\n")
        record_import = RecordImport.objects.get()
        login(client, Role.PROVIDER_STAFF, provider="KJSO")
        assert client.get(f"/imports/{record_import.pk}/").status_code == 404
        assert client.post(f"/imports/{record_import.pk}/confirm/").status_code == 404
        record_import.refresh_from_db()
        assert record_import.status == "validated"
