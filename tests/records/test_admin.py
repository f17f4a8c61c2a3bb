"""The admin shows service records read-only, and deleting one there marks its month for
the compliance engine, as deleting through the API does."""

import datetime as dt

import pytest

from records.models import PendingCompliance, ServiceRecord
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db


def test_deleting_a_record_in_the_admin_marks_its_month(admin_client):
    assert (
        import_csv("ADM-1,KJSO,UNAMA,PAY-OFF,2026-03-01T09:00,2026-03-02T09:00,,,\n").status
        == "done"
    )
    record = ServiceRecord.objects.get(external_ref="ADM-1")
    PendingCompliance.objects.all().delete()
    response = admin_client.post(
        f"/admin/records/servicerecord/{record.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ServiceRecord.objects.filter(pk=record.pk).exists()
    assert PendingCompliance.objects.filter(
        provider_id=record.provider_id, month=dt.date(2026, 3, 1)
    ).exists()


def test_records_cannot_be_changed_in_the_admin(admin_client):
    assert (
        import_csv("ADM-2,KJSO,UNAMA,PAY-OFF,2026-03-01T09:00,2026-03-02T09:00,,,\n").status
        == "done"
    )
    record = ServiceRecord.objects.get(external_ref="ADM-2")
    url = f"/admin/records/servicerecord/{record.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"external_ref": "CHANGED"}).status_code == 403
    assert admin_client.get("/admin/records/servicerecord/add/").status_code == 403
