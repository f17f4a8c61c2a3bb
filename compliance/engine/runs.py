"""Running the compliance engine over some (provider, month) shards, and the run log.

The shards are computed in one transaction, under a lock per (provider, month)
(PostgreSQL advisory locks, taken in order), with the results written by upserts on their
natural key and the stale ones removed, so computing a month once, twice, in pieces,
within a year or alone, or from several workers gives the same rows; a run killed mid-way
leaves the previous results and the pending marks in place and is simply redone.
"""

import datetime as dt
import time
import zlib

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_actions
from records.models import PendingCompliance

from ..choices import RunStatus
from ..models import ComplianceRun
from ..signals import compliance_computed
from .breaches import _notify_breaches
from .results import _compute
from .shards import provider_batches


def _lock(provider_id: int, month: dt.date) -> None:
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"compliance:{provider_id}:{month:%Y-%m}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def compute_provider_month(
    *, provider_id: int, month: dt.date, trigger: str = "pending", now: dt.datetime | None = None
) -> ComplianceRun:
    """Compute every result of one provider and month, replacing the previous ones."""
    return compute_shards(shards=[(provider_id, month)], trigger=trigger, now=now)[0]


def compute_provider_months(
    *, provider_id: int, months, trigger: str = "pending", now: dt.datetime | None = None
) -> list[ComplianceRun]:
    return compute_shards(shards=[(provider_id, m) for m in months], trigger=trigger, now=now)


def compute_shards(
    *, shards, trigger: str = "pending", now: dt.datetime | None = None
) -> list[ComplianceRun]:
    """Compute every result of some (provider, month) shards together, in one pass over
    the records and one transaction (the shards' locks taken in order, so it never
    deadlocks with another run), replacing the previous results; one run logged per
    shard, in the order of the shards."""
    shards = [(pk, m) for pk, months in provider_batches(shards) for m in months]
    if not shards:
        return []
    now = now or timezone.now()
    started = timezone.now()
    runs = ComplianceRun.objects.bulk_create(
        ComplianceRun(provider_id=pk, period=m, trigger=trigger, started_at=started)
        for pk, m in shards
    )
    try:
        with transaction.atomic():
            for provider_id, month in shards:
                _lock(provider_id, month)
            wanted = set(shards)
            pending = PendingCompliance.objects.filter(
                provider_id__in={pk for pk, _ in shards}, month__in={m for _, m in shards}
            )
            marked = [
                row
                for row in pending.values_list("provider_id", "month", "marked_at")
                if row[:2] in wanted
            ]
            written, breaches = _compute(shards, now)
            # In the same transaction as the results that say so: a breach marked notified
            # has its notifications, and a run that dies leaves neither (e-mails go once
            # it commits).
            if breaches:
                _notify_breaches(breaches)
            if settings.COMPLIANCE_FAULT_DELAY_SECONDS:
                time.sleep(settings.COMPLIANCE_FAULT_DELAY_SECONDS)
            # A mark made after we started stays, so that change is computed again.
            if marked:
                done = Q()
                for provider_id, month, marked_at in marked:
                    done |= Q(provider_id=provider_id, month=month, marked_at__lte=marked_at)
                PendingCompliance.objects.filter(done).delete()
    except Exception as exc:
        ComplianceRun.objects.filter(pk__in=[r.pk for r in runs]).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        audit_actions(
            action="compliance.failed",
            targets=[(run, {"error": repr(exc)[:200]}) for run in runs],
        )
        raise
    finished = timezone.now()
    by_count: dict[int, list] = {}
    for run in runs:
        run.status, run.finished_at = RunStatus.DONE, finished
        run.rows_written = written.get((run.provider_id, run.period), 0)
        by_count.setdefault(run.rows_written, []).append(run.pk)
    for count, pks in by_count.items():  # usually one statement: nothing changed
        ComplianceRun.objects.filter(pk__in=pks).update(
            status=RunStatus.DONE, finished_at=finished, rows_written=count
        )
    audit_actions(  # the runs are bulk-written: the audit trail gets them here
        action="compliance.computed",
        targets=[
            (run, {"period": f"{run.period:%Y-%m}", "rows_written": run.rows_written})
            for run in runs
        ],
    )
    transaction.on_commit(
        lambda: compliance_computed.send(sender=ComplianceRun, runs=runs, breached=breaches)
    )
    return runs
