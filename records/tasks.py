"""Background work on service records: imports, and re-measuring after a calendar change.

Tasks take ids, re-fetch, and call a service; each is idempotent (safe to retry, and
run with acks_late so a killed worker's task is delivered again).
"""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from core.tasks import send_on_commit

from .choices import ImportStatus
from .imports.parse import read_json_file
from .models import RecordImport
from .selectors import calendars_to_remeasure
from .services import (
    record_import_apply,
    record_import_not_started,
    record_import_validate,
    records_recompute_calendar,
)
from .signals import records_changed


@shared_task(name="records.validate_record_import")
def validate_record_import(import_id: int) -> str:
    record_import = RecordImport.objects.filter(pk=import_id).first()
    if record_import is None or record_import.status != ImportStatus.VALIDATING:
        return "skipped"
    if record_import.filename.endswith(".json"):
        with record_import.source.open("rb") as handle:
            rows = read_json_file(handle)
            record_import = record_import_validate(record_import=record_import, rows=rows)
    else:
        record_import = record_import_validate(record_import=record_import)
    if record_import.status == ImportStatus.DONE:
        records_changed.send(sender=RecordImport)
    return record_import.status


@shared_task(name="records.apply_record_import")
def apply_record_import(import_id: int) -> str:
    record_import = RecordImport.objects.filter(pk=import_id).first()
    if record_import is None:
        return "skipped"
    status = record_import_apply(record_import=record_import).status
    if status == ImportStatus.DONE:
        records_changed.send(sender=RecordImport)
    return status


@shared_task(name="records.recompute_calendar_records")
def recompute_calendar_records(duty_station_id: int) -> int:
    return records_recompute_calendar(duty_station_id=duty_station_id)


# A re-measure not finished this long after its calendar changed is sent again: its task
# could not be sent (broker unreachable) or was lost. Longer than a large station's run,
# so that a re-measure still running is seldom sent twice (which would be harmless).
REMEASURE_RETRY_AFTER = dt.timedelta(minutes=10)


@shared_task(name="records.remeasure_pending")
def remeasure_pending_calendars() -> int:
    """Every ten minutes (beat): send again the re-measures still marked pending."""
    stations = calendars_to_remeasure(marked_before=timezone.now() - REMEASURE_RETRY_AFTER)
    for duty_station_id in stations:
        recompute_calendar_records.delay(duty_station_id)
    return len(stations)


def start_import_step(task, record_import_id: int) -> bool:
    """Send an import's next step (``validate_record_import`` or ``apply_record_import``).
    If the broker cannot be reached, the import says so (``record_import_not_started``)
    instead of waiting for ever; returns False then."""
    return send_on_commit(
        task,
        record_import_id,
        if_unreachable=lambda: record_import_not_started(record_import_id=record_import_id),
    )["sent"]
