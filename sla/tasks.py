"""Background work on service records: imports and recomputation after a calendar change.

Tasks take ids, re-fetch, and call a service; each is idempotent (safe to retry, and
run with acks_late so a killed worker's task is delivered again).
"""

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

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
from .services.agreements import slas_update_lifecycle
from .services.compliance import (
    compute_provider_month,
    compute_shards,
    provider_batches,
    recent_shards,
    shards_to_compute,
)

logger = logging.getLogger(__name__)


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
    if record_import.status == ImportStatus.DONE:
        compliance_catch_up()
    return record_import.status


@shared_task(name="sla.apply_record_import")
def apply_record_import(import_id: int) -> str:
    record_import = RecordImport.objects.filter(pk=import_id).first()
    if record_import is None:
        return "skipped"
    status = record_import_apply(record_import=record_import).status
    if status == ImportStatus.DONE:
        compliance_catch_up()
    return status


@shared_task(name="sla.recompute_calendar_records")
def recompute_calendar_records(duty_station_id: int) -> int:
    return records_recompute_calendar(duty_station_id=duty_station_id)


# A re-measure not finished this long after its calendar changed is sent again: its task
# could not be sent (broker unreachable) or was lost. Longer than a large station's run,
# so that a re-measure still running is seldom sent twice (which would be harmless).
REMEASURE_RETRY_AFTER = dt.timedelta(minutes=10)


@shared_task(name="sla.remeasure_pending")
def remeasure_pending_calendars() -> int:
    """Every ten minutes (beat): send again the re-measures still marked pending."""
    stations = calendars_to_remeasure(marked_before=timezone.now() - REMEASURE_RETRY_AFTER)
    for duty_station_id in stations:
        recompute_calendar_records.delay(duty_station_id)
    return len(stations)


@shared_task(name="sla.update_lifecycle")
def update_sla_lifecycle() -> dict:
    """Daily (beat): activate, expire, and give notice of SLAs expiring within 30 days."""
    return slas_update_lifecycle()


@shared_task(name="compliance.compute_shard")
def compute_compliance_shard(provider_id: int, period: str, trigger: str = "pending") -> int:
    """Compute one provider's month (idempotent; acks late, so a killed worker's shard is
    delivered again and recomputed)."""
    run = compute_provider_month(
        provider_id=provider_id, month=dt.date.fromisoformat(period), trigger=trigger
    )
    return run.rows_written


@shared_task(name="compliance.compute_shards")
def compute_compliance_shards(shards: list, trigger: str = "pending") -> int:
    """Compute some (provider, "YYYY-MM-DD") shards together, in one pass over the records
    (idempotent; acks late like a single shard). Returns the rows written."""
    runs = compute_shards(
        shards=[(provider_id, dt.date.fromisoformat(period)) for provider_id, period in shards],
        trigger=trigger,
    )
    return sum(run.rows_written for run in runs)


def task_batches(shards, tasks: int | None = None) -> list[list[tuple[int, str]]]:
    """The shards of each task: one task per provider (pending and nightly runs, which
    the workers share), or the providers spread over ``tasks`` tasks. A full recompute is
    cheapest in one task (one pass over the records, where the providers' records are
    mixed) and is split only to share it between workers."""
    batches = provider_batches(shards)
    count = len(batches) if tasks is None else max(1, min(tasks, len(batches)))
    groups: list[list] = [[] for _ in range(count)]
    sizes = [0] * count
    for provider_id, months in sorted(batches, key=lambda b: -len(b[1])):
        smallest = sizes.index(min(sizes))  # balance the months between the tasks
        groups[smallest] += [(provider_id, m.isoformat()) for m in months]
        sizes[smallest] += len(months)
    return sorted(sorted(group) for group in groups if group)


def enqueue_shards(shards, trigger: str, tasks: int | None = None) -> int:
    """Send the shards' tasks (see ``task_batches``). Returns the number of shards."""
    for batch in task_batches(shards, tasks):
        compute_compliance_shards.delay(batch, trigger)
    return len(shards)


@shared_task(name="compliance.compute_pending")
def compute_pending_compliance() -> int:
    """Every minute (beat): one task per (provider, month) marked since the last run."""
    return enqueue_shards(shards_to_compute(), "pending")


@shared_task(name="compliance.compute_recent")
def compute_recent_compliance() -> int:
    """Nightly (beat): the current and previous month of every provider."""
    return enqueue_shards(recent_shards(), "nightly")


def send_on_commit(task, *args, if_unreachable=None) -> dict:
    """Send ``task(*args)`` once the current transaction commits (now, outside one). A
    broker that cannot be reached is logged and handed to ``if_unreachable()`` instead of
    failing the request that caused the task. Returns ``{"sent": bool}``, settled at once
    outside a transaction (the pages and the API run outside one)."""
    outcome = {"sent": True}

    def send() -> None:
        try:
            task.delay(*args)
        except BrokerUnavailable as exc:
            logger.warning("%s%r not sent, the broker is unreachable: %s", task.name, args, exc)
            outcome["sent"] = False
            if if_unreachable is not None:
                if_unreachable()

    transaction.on_commit(send)
    return outcome


def start_import_step(task, record_import_id: int) -> bool:
    """Send an import's next step (``validate_record_import`` or ``apply_record_import``).
    If the broker cannot be reached, the import says so (``record_import_not_started``)
    instead of waiting for ever; returns False then."""
    return send_on_commit(
        task,
        record_import_id,
        if_unreachable=lambda: record_import_not_started(record_import_id=record_import_id),
    )["sent"]


def compliance_catch_up() -> None:
    """After records changed: compute the pending months (a task; the caller never waits
    with a broker, and the embedded default computes them in-process).

    The months are already marked pending in the database, in the same transaction as the
    records, so a broker that cannot be reached only delays the figures: the records stay
    stored and the scheduled ``compute_pending`` run catches up once the broker is back.
    """
    send_on_commit(compute_pending_compliance)
