"""When a calendar changes, records are measured again in the background and their months
are marked for the compliance engine. The station stays marked until a re-measure has run,
so a broker that cannot be reached (or a lost worker) only delays it."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import DutyStation, Holiday
from records import tasks
from records.models import PendingCompliance, PendingRemeasure, ServiceRecord
from records.services import mark_remeasure, records_recompute_calendar
from tests.records.factories import import_csv
from tests.support import wait_for

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


def add_sunday_holiday() -> DutyStation:
    station = DutyStation.objects.get(code="KWI")
    Holiday.objects.create(duty_station=station, date=dt.date(2026, 1, 4), name="Test")
    return station


def age_marks(minutes: int) -> None:
    PendingRemeasure.objects.update(marked_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.django_db
class TestRemeasureMarks:
    def test_a_change_marks_its_station_until_the_records_are_measured_again(
        self, django_capture_on_commit_callbacks
    ):
        import_csv(KUWAIT_ROWS)
        with django_capture_on_commit_callbacks() as callbacks:
            with transaction.atomic():
                station = add_sunday_holiday()
            # committed with the change, before any task ran
            assert PendingRemeasure.objects.filter(duty_station=station).exists()
            assert kuwait_record().elapsed_working_seconds == 25200
        with django_capture_on_commit_callbacks(execute=True):  # the commit, then the task
            for callback in callbacks:
                callback()
        assert kuwait_record().elapsed_working_seconds == 21600
        assert not PendingRemeasure.objects.exists()

    def test_an_unreachable_broker_delays_the_re_measure_and_loses_nothing(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        import_csv(KUWAIT_ROWS)
        send = tasks.recompute_calendar_records.delay

        def refuse(*args, **kwargs):
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        monkeypatch.setattr(tasks.recompute_calendar_records, "delay", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            station = add_sunday_holiday()  # saved: the change is not refused
        assert kuwait_record().elapsed_working_seconds == 25200  # not measured again yet
        assert PendingRemeasure.objects.filter(duty_station=station).exists()
        # The broker is back; the scheduled run leaves a fresh mark to its own task...
        monkeypatch.setattr(tasks.recompute_calendar_records, "delay", send)
        assert tasks.remeasure_pending_calendars() == 0
        assert kuwait_record().elapsed_working_seconds == 25200
        # ...and sends again a re-measure that has not run within ten minutes.
        age_marks(minutes=11)
        assert tasks.remeasure_pending_calendars() == 1
        assert kuwait_record().elapsed_working_seconds == 21600
        assert not PendingRemeasure.objects.exists()
        assert tasks.remeasure_pending_calendars() == 0

    def test_a_change_made_while_a_re_measure_runs_stays_marked(self, monkeypatch):
        import_csv(KUWAIT_ROWS)
        station = DutyStation.objects.get(code="KWI")
        mark_remeasure([station.pk])
        age_marks(minutes=1)
        work_calendar = DutyStation.work_calendar

        def changed_meanwhile(self):
            mark_remeasure([self.pk])  # another change, after the run started
            return work_calendar(self)

        monkeypatch.setattr(DutyStation, "work_calendar", changed_meanwhile)
        records_recompute_calendar(duty_station_id=station.pk)
        assert PendingRemeasure.objects.filter(duty_station=station).exists()
        monkeypatch.setattr(DutyStation, "work_calendar", work_calendar)
        records_recompute_calendar(duty_station_id=station.pk)
        assert not PendingRemeasure.objects.exists()

    def test_the_scheduled_run_is_in_the_beat_schedule(self, settings):
        schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        assert schedule["records.remeasure_pending"]["schedule"] == 600.0


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
    wait_for(lambda: not PendingRemeasure.objects.exists())  # done: the mark is gone
