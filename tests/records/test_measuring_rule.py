"""Measuring a record is one function (``records.measuring.measure_record``): the CSV import,
the API and the re-measure after a calendar change store exactly what it gives."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.choices import Role
from core.models import Holiday
from providers.models import ServiceProvider
from records.measuring import measure_record
from records.models import ServiceRecord
from records.services import records_recompute_calendar
from tests.factories import user_with_role
from tests.records.factories import import_csv

pytestmark = pytest.mark.django_db

# KJSO (Kuwait, Sun–Thu 08:00–16:00): local times, an offset, a pause, an open record.
ROWS = (
    "M-1,KJSO,UNAMA,PAY-OFF,2026-03-01T09:00,2026-03-05T15:00,,,\n"
    "M-2,KJSO,UNAMA,PAY-OFF,2026-03-01T06:00:00Z,2026-03-10T08:30:00+03:00,,"
    "2026-03-02T08:00/2026-03-03T12:00,\n"
    "M-3,KJSO,UNAMA,PAY-OFF,2026-03-31T15:00,2026-04-01T23:30,,,true\n"
    "M-4,KJSO,UNAMA,PAY-OFF,2026-03-02T10:00,,open,,\n"
)


def stored(ref: str) -> tuple:
    record = ServiceRecord.objects.select_related("calendar").get(external_ref=ref)
    return record, (
        record.elapsed_working_seconds,
        record.elapsed_calendar_seconds,
        record.completed_month,
    )


def expected(record: ServiceRecord) -> tuple:
    calendar = record.calendar.work_calendar()
    measure = measure_record(
        calendar, record.received_at, record.completed_at, record.pause_intervals()
    )
    return measure[:3]


def test_the_import_stores_what_the_rule_gives():
    assert import_csv(ROWS).status == "done"
    for ref in ("M-1", "M-2", "M-3", "M-4"):
        record, values = stored(ref)
        assert values == expected(record), ref
    assert stored("M-4")[1] == (None, None, None)  # open: nothing measured yet
    assert stored("M-1")[1][0] == (7 + 3 * 8 + 7) * 3600  # Sun 09:00 → Thu 15:00


def test_the_api_stores_what_the_rule_gives():
    kjso = ServiceProvider.objects.get(code="KJSO")
    api = APIClient()
    api.force_authenticate(user_with_role(Role.PROVIDER_STAFF, provider=kjso))
    body = {
        "external_ref": "M-API",
        "provider": "KJSO",
        "client": "UNAMA",
        "service": "PAY-OFF",
        "received_at": "2026-03-01T06:00:00Z",
        "completed_at": "2026-03-10T08:30:00+03:00",
        "pauses": [{"start": "2026-03-02T08:00", "end": "2026-03-03T12:00"}],
    }
    response = api.post("/api/v1/service-records/", body, "json")
    assert response.status_code == 201, response.content
    record, values = stored("M-API")
    assert values == expected(record)
    assert import_csv(ROWS).status == "done"
    assert values == stored("M-2")[1]  # the same record through the CSV import


def test_the_remeasure_after_a_calendar_change_stores_what_the_rule_gives():
    assert import_csv(ROWS).status == "done"
    before = {ref: stored(ref)[1] for ref in ("M-1", "M-2", "M-3")}
    station = ServiceProvider.objects.get(code="KJSO").duty_station
    Holiday.objects.create(duty_station=station, date=dt.date(2026, 3, 3), name="Test holiday")
    records_recompute_calendar(duty_station_id=station.pk)
    for ref in ("M-1", "M-2", "M-3"):
        record, values = stored(ref)
        assert values == expected(record), ref
    assert stored("M-1")[1][0] == before["M-1"][0] - 8 * 3600  # one working day less
    # Importing the same rows again, on the changed calendar, finds nothing to change.
    again = import_csv(ROWS)
    assert (again.status, again.updated, again.unchanged) == ("done", 0, 4)
