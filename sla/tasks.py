"""Background work on service records: imports and recomputation after a calendar change.

Tasks take ids, re-fetch, and call a service; each is idempotent (safe to retry, and
run with acks_late so a killed worker's task is delivered again).
"""

from celery import shared_task

from .choices import ImportStatus
from .imports.parse import read_json_file
from .models import RecordImport
from .services import record_import_apply, record_import_validate, records_recompute_calendar
from .services.agreements import slas_update_lifecycle


@shared_task(name="sla.validate_record_import")
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
    return record_import.status


@shared_task(name="sla.apply_record_import")
def apply_record_import(import_id: int) -> str:
    record_import = RecordImport.objects.filter(pk=import_id).first()
    if record_import is None:
        return "skipped"
    return record_import_apply(record_import=record_import).status


@shared_task(name="sla.recompute_calendar_records")
def recompute_calendar_records(duty_station_id: int) -> int:
    return records_recompute_calendar(duty_station_id=duty_station_id)


@shared_task(name="sla.update_lifecycle")
def update_sla_lifecycle() -> dict:
    """Daily (beat): activate, expire, and give notice of SLAs expiring within 30 days."""
    return slas_update_lifecycle()
