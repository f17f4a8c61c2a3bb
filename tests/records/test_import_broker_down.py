"""An import whose next step cannot reach the task broker says so instead of waiting for
ever, and stores nothing half-way: the upload fails with a clear message, a confirmed
import goes back to waiting for confirmation (confirming again stores it), and the bulk
API answers 503. (Redis really stopped mid-import: tests/faults/test_broker_outage.py.)"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from accounts.choices import Role
from providers.models import ServiceProvider
from records import tasks
from records.models import RecordImport, ServiceRecord
from tests.factories import user_with_role
from tests.records.factories import HEADER
from tests.support import ensure_reference_data

ROWS = (
    "B-1,UNON,UNEP,CONF-DOC,2026-01-05T09:00,2026-01-05T10:00,,,\n"
    "B-2,UNON,UNEP,CONF-DOC,2026-01-06T09:00,2026-01-06T12:00,,,\n"
)


def broker_down(monkeypatch, task):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "delay", refuse)


def staff(client):
    user = user_with_role(Role.PROVIDER_STAFF, provider=ServiceProvider.objects.get(code="UNON"))
    client.force_login(user)
    return user


def upload(client):
    return client.post(
        "/imports/new/",
        {"file": SimpleUploadedFile("r.csv", (HEADER + ROWS).encode(), content_type="text/csv")},
    )


@pytest.mark.django_db
def test_an_upload_that_cannot_be_checked_fails_clearly(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    staff(client)
    broker_down(monkeypatch, tasks.validate_record_import)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client)
    assert response.status_code == 302
    record_import = RecordImport.objects.get()
    assert record_import.status == "failed"
    page = client.get(response["Location"])
    assert b"upload it again in a few minutes" in page.content
    assert not ServiceRecord.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_that_cannot_start_can_be_given_again(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    staff(client)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client)
    record_import = RecordImport.objects.get()
    assert record_import.status == "validated"

    with monkeypatch.context() as patch:
        broker_down(patch, tasks.apply_record_import)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{record_import.pk}/confirm/")
    record_import.refresh_from_db()
    assert record_import.status == "validated"
    assert not ServiceRecord.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{record_import.pk}/confirm/")
    record_import.refresh_from_db()
    assert record_import.status == "done"
    assert ServiceRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_bulk_api_answers_503_when_a_large_upload_cannot_start(settings, monkeypatch):
    """Committed for real (no test transaction), as in production, so the broker is asked
    before the response is built."""
    ensure_reference_data()
    settings.RECORD_IMPORT_SYNC_ROWS = 1
    broker_down(monkeypatch, tasks.validate_record_import)
    api = APIClient()
    api.force_login(
        user_with_role(Role.INTEGRATION, provider=ServiceProvider.objects.get(code="UNON"))
    )
    response = api.post(
        "/api/v1/service-records/bulk/", (HEADER + ROWS).encode(), content_type="text/csv"
    )
    assert response.status_code == 503
    assert "upload it again in a few minutes" in response.json()["message"]
    assert RecordImport.objects.get().status == "failed"
    assert not ServiceRecord.objects.exists()
