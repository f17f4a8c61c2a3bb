"""When a calendar changes, records are measured again in the background and their months
are marked for the compliance engine."""

import datetime as dt

import pytest
from django.db import transaction

from core.models import DutyStation, Holiday
from sla.models import PendingCompliance, ServiceRecord
from sla.services import records_recompute_calendar
from tests.conftest import wait_for
from tests.sla.records import import_csv

KUWAIT_ROWS = (
    "K-1,KJSO,UNAMA,PAY-OFF,2026-01-01T10:00,2026-01-04T09:00,,,false\n"
    "K-2,KJSO,UNAMA,PAY-OFF,2026-01-05T10:00,,,,\n"
)
JANUARY = dt.date(2026, 1, 1)


def kuwait_record() -> ServiceRecord:
    return ServiceRecord.objects.get(external_ref="K-1")


@pytest.mark.django_db
class TestRecompute:
    def test_a_holiday_added_afterwards_changes_elapsed_time(
        self, django_capture_on_commit_callbacks
    ):
        import_csv(KUWAIT_ROWS)
        assert kuwait_record().elapsed_working_seconds == 25200
        PendingCompliance.objects.all().delete()
        station = DutyStation.objects.get(code="KWI")
        with django_capture_on_commit_callbacks(execute=True):
            Holiday.objects.create(duty_station=station, date=dt.date(2026, 1, 4), name="Test")
        assert kuwait_record().elapsed_working_seconds == 21600  # Sunday no longer counts
        assert PendingCompliance.objects.filter(provider__code="KJSO", month=JANUARY).exists()

    def test_new_working_hours_change_elapsed_time(self, django_capture_on_commit_callbacks):
        import_csv(KUWAIT_ROWS)
        station = DutyStation.objects.get(code="KWI")
        station.working_hours = {**station.working_hours, "thu": [["08:00", "12:00"]]}
        with django_capture_on_commit_callbacks(execute=True):
            station.save()
        assert kuwait_record().elapsed_working_seconds == 2 * 3600 + 3600

    def test_a_rerun_changes_nothing(self):
        import_csv(KUWAIT_ROWS)
        station = DutyStation.objects.get(code="KWI")
        assert records_recompute_calendar(duty_station_id=station.pk) == 0
        Holiday.objects.create(duty_station=station, date=dt.date(2026, 1, 4))
        assert records_recompute_calendar(duty_station_id=station.pk) == 1
        assert records_recompute_calendar(duty_station_id=station.pk) == 0

    def test_a_rolled_back_change_enqueues_nothing(self, django_capture_on_commit_callbacks):
        import_csv(KUWAIT_ROWS)
        station = DutyStation.objects.get(code="KWI")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    Holiday.objects.create(duty_station=station, date=dt.date(2026, 1, 4))
                    raise RuntimeError("abort")
            except RuntimeError:
                pass
        assert callbacks == []
        assert kuwait_record().elapsed_working_seconds == 25200


@pytest.mark.redis
@pytest.mark.worker
def test_a_real_worker_recomputes_after_a_calendar_change(celery_db_worker):
    import_csv(KUWAIT_ROWS)
    station = DutyStation.objects.get(code="KWI")
    with transaction.atomic():
        Holiday.objects.create(duty_station=station, date=dt.date(2026, 1, 4), name="Test")
    # The save returned at once; the worker does the work.
    wait_for(lambda: kuwait_record().elapsed_working_seconds == 21600)
    assert PendingCompliance.objects.filter(provider__code="KJSO", month=JANUARY).exists()
