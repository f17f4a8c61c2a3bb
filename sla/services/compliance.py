"""The compliance engine (DOMAIN §5): per provider and month, every minimum service
standard over all the provider's records, and every SLA target over the records its SLA
covers, computed with one SQL aggregate per (provider, month) shard.

A shard is computed under a lock (PostgreSQL advisory lock), written with upserts on the
results' natural key and stale rows removed, all in one transaction, so computing a
month once, twice, in pieces or from several workers gives the same rows; a run killed
mid-way leaves the previous results and its pending mark in place and is simply redone.
"""

import datetime as dt
import time
import zlib
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.services import notify, users_with_role
from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering
from core.clock import clock_due_at, threshold_seconds, uses_working_time
from providers.models import ServiceProvider

from ..choices import (
    IN_FORCE_STATUSES,
    ComplianceScope,
    ComplianceStatus,
    RecordStatus,
    RunStatus,
)
from ..models import (
    ComplianceResult,
    ComplianceRun,
    PendingCompliance,
    ServiceLevelTarget,
    ServiceRecord,
    Sla,
)

COMPUTED_KINDS = (MeasureKind.TIMELINESS, MeasureKind.ACCURACY)


# --- months -----------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def local_bounds(first_day: dt.date, last_day_exclusive: dt.date, zone: ZoneInfo):
    """[first_day 00:00, last_day_exclusive 00:00) local, as UTC instants."""
    return (
        dt.datetime.combine(first_day, dt.time(), zone).astimezone(dt.UTC),
        dt.datetime.combine(last_day_exclusive, dt.time(), zone).astimezone(dt.UTC),
    )


def is_met(*, met: int, eligible: int, target_pct: Decimal) -> bool:
    """``met × 100 ≥ target_pct × eligible``, in exact decimal arithmetic (DOMAIN §5)."""
    return Decimal(met) * 100 >= Decimal(target_pct) * Decimal(eligible)


def result_status(*, met: int, eligible: int, target_pct: Decimal) -> str:
    if eligible == 0:
        return ComplianceStatus.NO_DATA
    if is_met(met=met, eligible=eligible, target_pct=target_pct):
        return ComplianceStatus.MET
    return ComplianceStatus.BREACHED


# --- what is measured -------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One result to compute in a shard: a standard for the provider, or an SLA target
    over the part of the month its SLA version was in force."""

    key: str
    scope: str
    standard: MinimumServiceStandard
    service_id: int
    client_id: int | None
    sla_id: int | None
    target_id: int | None
    kind: str
    threshold: Decimal | None
    clock: str
    target_pct: Decimal
    threshold_seconds: int | None
    window: tuple[dt.datetime, dt.datetime]


def _in_force_until(sla: Sla, successors: dict[int, Sla]) -> dt.date:
    """Last local day a version counts: its end, its termination, or the day before the
    amendment that superseded it starts."""
    last = sla.termination_date or sla.end_date
    successor = successors.get(sla.pk)
    if successor is not None and successor.status in IN_FORCE_STATUSES:
        last = min(last, successor.start_date - dt.timedelta(days=1))
    return last


def measures_for(*, provider: ServiceProvider, month: dt.date, calendar) -> list[Measure]:
    zone = calendar.zone
    start, end = local_bounds(month, next_month(month), zone)
    hours = calendar.working_day_hours
    period = f"{month:%Y-%m}"
    measures = []

    def seconds(kind, clock, threshold):
        if kind != MeasureKind.TIMELINESS:
            return None
        return threshold_seconds(clock, threshold, hours)

    service_ids = Offering.objects.filter(provider=provider).values_list("service_id", flat=True)
    for standard in MinimumServiceStandard.objects.filter(
        service_id__in=service_ids, kind__in=COMPUTED_KINDS
    ).order_by("pk"):
        measures.append(
            Measure(
                key=f"mss:{standard.pk}:{provider.pk}:{period}",
                scope=ComplianceScope.MSS,
                standard=standard,
                service_id=standard.service_id,
                client_id=None,
                sla_id=None,
                target_id=None,
                kind=standard.kind,
                threshold=standard.threshold,
                clock=standard.clock,
                target_pct=standard.target_pct,
                threshold_seconds=seconds(standard.kind, standard.clock, standard.threshold),
                window=(start, end),
            )
        )

    versions = list(
        Sla.objects.filter(
            agreement__provider=provider,
            status__in=IN_FORCE_STATUSES,
            start_date__lt=next_month(month),
            end_date__gte=month,
        ).select_related("agreement")
    )
    successors = {
        s.supersedes_id: s
        for s in Sla.objects.filter(supersedes_id__in=[v.pk for v in versions]).only(
            "pk", "supersedes_id", "start_date", "status"
        )
    }
    by_sla = {v.pk: v for v in versions}
    targets = ServiceLevelTarget.objects.filter(
        line__sla_id__in=list(by_sla), kind__in=COMPUTED_KINDS
    ).select_related("standard", "line__offering")
    for target in targets.order_by("pk"):
        sla = by_sla[target.line.sla_id]
        first = max(sla.start_date, month)
        last = min(_in_force_until(sla, successors), next_month(month) - dt.timedelta(days=1))
        if last < first:
            continue
        window = local_bounds(first, last + dt.timedelta(days=1), zone)
        measures.append(
            Measure(
                key=f"sla:{target.pk}:{period}",
                scope=ComplianceScope.SLA,
                standard=target.standard,
                service_id=target.line.offering.service_id,
                client_id=sla.agreement.client_id,
                sla_id=sla.pk,
                target_id=target.pk,
                kind=target.kind,
                threshold=target.threshold,
                clock=target.clock,
                target_pct=target.target_pct,
                threshold_seconds=seconds(target.kind, target.clock, target.threshold),
                window=window,
            )
        )
    return measures


# --- the aggregate ----------------------------------------------------------------------


def _aggregate(provider_id: int, month: dt.date, measures: list[Measure]) -> dict[str, tuple]:
    """(eligible, met) per measure key, by one SQL aggregate over the shard's records."""
    if not measures:
        return {}
    postgres = connection.vendor == "postgresql"
    ts = "CAST(%s AS TIMESTAMP WITH TIME ZONE)" if postgres else "%s"
    row = f"(%s, CAST(%s AS BIGINT), CAST(%s AS BIGINT), %s, %s, CAST(%s AS BIGINT), {ts}, {ts})"
    params: list = []
    for m in measures:
        start, end = m.window
        if not postgres:
            start = start.replace(tzinfo=None).isoformat(sep=" ")
            end = end.replace(tzinfo=None).isoformat(sep=" ")
        params += [
            m.key,
            m.service_id,
            m.client_id,
            m.kind,
            1 if uses_working_time(m.clock or "calendar_days") else 0,
            m.threshold_seconds,
            start,
            end,
        ]
    records = ServiceRecord._meta.db_table
    sql = f"""
        WITH m (mkey, service_id, client_id, kind, use_working, thr, win_start, win_end) AS (
            VALUES {", ".join([row] * len(measures))}
        )
        SELECT m.mkey, COUNT(r.id),
            COALESCE(SUM(CASE
                WHEN r.id IS NULL THEN 0
                WHEN m.kind = 'accuracy' THEN CASE WHEN r.defective THEN 0 ELSE 1 END
                WHEN m.use_working = 1 THEN
                    CASE WHEN r.elapsed_working_seconds <= m.thr THEN 1 ELSE 0 END
                ELSE CASE WHEN r.elapsed_calendar_seconds <= m.thr THEN 1 ELSE 0 END
            END), 0)
        FROM m LEFT JOIN {records} r
            ON r.provider_id = %s AND r.completed_month = %s AND r.status = %s
            AND r.service_id = m.service_id
            AND (m.client_id IS NULL OR r.client_id = m.client_id)
            AND r.completed_at >= m.win_start AND r.completed_at < m.win_end
        GROUP BY m.mkey
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, provider_id, month, RecordStatus.COMPLETED])
        return {key: (int(eligible), int(met)) for key, eligible, met in cursor.fetchall()}


def _open_records(provider_id: int, month_end: dt.datetime) -> list[ServiceRecord]:
    return list(
        ServiceRecord.objects.filter(
            provider_id=provider_id, status=RecordStatus.OPEN, received_at__lt=month_end
        ).only("pk", "service_id", "client_id", "received_at", "pauses")
    )


def _open_counts(
    measures: list[Measure], open_records, calendar, month_bounds, now: dt.datetime
) -> dict[str, tuple[int, int]]:
    """(overdue_open, still_open) per measure: open records whose deadline fell in the
    month and has passed, and open records that could still complete in it."""
    start, end = month_bounds
    by_service: dict[int, list] = {}
    for record in open_records:
        by_service.setdefault(record.service_id, []).append(record)
    deadlines: dict[tuple, dt.datetime] = {}  # standards and targets often share a threshold

    def due(record, clock, threshold):
        key = (record.pk, clock, threshold)
        if key not in deadlines:
            deadlines[key] = clock_due_at(
                clock, calendar, record.received_at, threshold, record.pause_intervals()
            )
        return deadlines[key]

    counts = {}
    for m in measures:
        candidates = by_service.get(m.service_id, ())
        if m.client_id is not None:
            candidates = [r for r in candidates if r.client_id == m.client_id]
        overdue = 0
        if m.kind == MeasureKind.TIMELINESS:
            for record in candidates:
                deadline = due(record, m.clock, m.threshold)
                if start <= deadline < end and m.window[0] <= deadline < m.window[1]:
                    overdue += deadline <= now
        counts[m.key] = (overdue, len(candidates))
    return counts


# --- a shard ----------------------------------------------------------------------------


def _lock(provider_id: int, month: dt.date) -> None:
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"compliance:{provider_id}:{month:%Y-%m}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def compute_provider_month(
    *, provider_id: int, month: dt.date, trigger: str = "pending", now: dt.datetime | None = None
) -> ComplianceRun:
    """Compute every result of one provider and month, replacing the previous ones."""
    month = month_start(month)
    now = now or timezone.now()
    run = ComplianceRun.objects.create(
        provider_id=provider_id, period=month, trigger=trigger, started_at=timezone.now()
    )
    try:
        with transaction.atomic():
            _lock(provider_id, month)
            pending = PendingCompliance.objects.filter(provider_id=provider_id, month=month)
            marked = list(pending.values_list("marked_at", flat=True))
            written, breaches = _compute(provider_id, month, now)
            if settings.COMPLIANCE_FAULT_DELAY_SECONDS:
                time.sleep(settings.COMPLIANCE_FAULT_DELAY_SECONDS)
            # A mark made after we started stays, so that change is computed again.
            if marked:
                pending.filter(marked_at__lte=max(marked)).delete()
    except Exception as exc:
        ComplianceRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise
    ComplianceRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), rows_written=written
    )
    if breaches:
        transaction.on_commit(lambda: _notify_breaches(breaches))
    run.refresh_from_db()
    return run


def _compute(provider_id: int, month: dt.date, now: dt.datetime) -> tuple[int, list[int]]:
    provider = ServiceProvider.objects.select_related("duty_station").get(pk=provider_id)
    station = provider.duty_station
    calendar = type(station).objects.prefetch_related("holidays").get(pk=station.pk).work_calendar()
    zone = calendar.zone
    bounds = local_bounds(month, next_month(month), zone)
    local_now = now.astimezone(zone)
    provisional = month >= dt.date(local_now.year, local_now.month, 1)
    measures = measures_for(provider=provider, month=month, calendar=calendar)
    totals = _aggregate(provider_id, month, measures)
    open_counts = _open_counts(
        measures, _open_records(provider_id, bounds[1]), calendar, bounds, now
    )
    previous = {
        r.key: r
        for r in ComplianceResult.objects.filter(provider_id=provider_id, period=month).only(
            "pk", "key", "status", "breach_notified_at"
        )
    }
    rows, breached = [], []
    for m in measures:
        eligible, met = totals.get(m.key, (0, 0))
        overdue, still_open = open_counts[m.key]
        status = result_status(met=met, eligible=eligible, target_pct=m.target_pct)
        row = ComplianceResult(
            key=m.key,
            scope=m.scope,
            period=month,
            provider_id=provider_id,
            client_id=m.client_id,
            service_id=m.service_id,
            standard_id=m.standard.pk,
            sla_id=m.sla_id,
            target_id=m.target_id,
            kind=m.kind,
            threshold=m.threshold,
            clock=m.clock,
            target_pct=m.target_pct,
            eligible=eligible,
            met=met,
            status=status,
            provisional=provisional,
            overdue_open=overdue,
            computed_at=now,
        )
        old = previous.get(m.key)
        row.breach_notified_at = old.breach_notified_at if old else None
        final_breach = status == ComplianceStatus.BREACHED and (
            not provisional
            or not is_met(
                met=met + still_open, eligible=eligible + still_open, target_pct=m.target_pct
            )
        )
        if final_breach and row.breach_notified_at is None:
            row.breach_notified_at = now
            breached.append(m.key)
        rows.append(row)
    # >>> survey hook: satisfaction standards and targets, computed from the survey answers
    from surveys.services.compliance import satisfaction_results

    rows += satisfaction_results(shards=[(provider_id, month)], now=now)
    # <<< survey hook
    ComplianceResult.objects.filter(provider_id=provider_id, period=month).exclude(
        key__in=[r.key for r in rows]
    ).delete()
    fields = [f.name for f in ComplianceResult._meta.concrete_fields if f.name not in ("id", "key")]
    ComplianceResult.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["key"], update_fields=fields
    )
    return len(rows), breached


def _notify_breaches(keys: list[str]) -> None:
    audiences: dict[tuple, list] = {}  # who to tell, looked up once per organisation

    def audience(provider, client):
        key = (provider.pk, client.pk if client else None)
        if key not in audiences:
            users = users_with_role(role=Role.PROVIDER_MANAGER, provider=provider)
            users += users_with_role(role=Role.PROVIDER_STAFF, provider=provider)
            if client is not None:
                users += users_with_role(role=Role.CLIENT_FOCAL_POINT, client=client)
            audiences[key] = users
        return audiences[key]

    for result in ComplianceResult.objects.filter(key__in=keys).select_related(
        "provider", "client", "standard", "sla__agreement"
    ):
        users = audience(result.provider, result.client)
        if not users:
            continue
        what = f"{result.sla.agreement.number} target" if result.sla_id else "standard"
        notify(
            users=users,
            verb="compliance.breached",
            title=f"Breached: {result.standard.code} ({what}), {result.period:%Y-%m}",
            message=(
                f"{result.provider.code}: {result.met} of {result.eligible} met, below "
                f"the target of {result.target_pct.normalize():f}%."
            ),
            url=f"/api/v1/compliance/?provider={result.provider.code}"
            f"&period={result.period:%Y-%m}&status=breached",
        )


# --- what to compute --------------------------------------------------------------------


def mark_sla_months(sla: Sla) -> None:
    """Mark every month of an SLA's period for recomputation (approval, termination...)."""
    from .records import mark_pending

    month, last = month_start(sla.start_date), month_start(sla.end_date)
    months = []
    while month <= last:
        months.append((sla.agreement.provider_id, month))
        month = next_month(month)
    mark_pending(months)


def shards_to_compute(
    *, period: dt.date | None = None, provider_ids=None, everything: bool = False
) -> list[tuple[int, dt.date]]:
    """The (provider, month) shards a run should compute: the pending ones, or those
    asked for (a month, a provider, or every month that has records)."""
    if not (period or provider_ids or everything):
        return sorted(set(PendingCompliance.objects.values_list("provider_id", "month")))
    providers = ServiceProvider.objects.all()
    if provider_ids:
        providers = providers.filter(pk__in=provider_ids)
    ids = list(providers.values_list("pk", flat=True))
    if period:
        return [(pk, month_start(period)) for pk in ids]
    months = (
        ServiceRecord.objects.filter(provider_id__in=ids, completed_month__isnull=False)
        .order_by()  # no default ordering in the DISTINCT
        .values_list("provider_id", "completed_month")
        .distinct()
    )
    slas = Sla.objects.filter(agreement__provider_id__in=ids, status__in=IN_FORCE_STATUSES)
    shards = set(months)
    # Months that have not begun yet have nothing to count (they are computed when due).
    last = month_start(timezone.localdate())
    for sla in slas.select_related("agreement"):
        month = month_start(sla.start_date)
        while month <= min(month_start(sla.end_date), last):
            shards.add((sla.agreement.provider_id, month))
            month = next_month(month)
    return sorted(shards)


def recent_shards(*, today: dt.date | None = None) -> list[tuple[int, dt.date]]:
    """Nightly: the current and previous month of every provider."""
    today = today or timezone.localdate()
    current = month_start(today)
    previous = month_start(current - dt.timedelta(days=1))
    ids = ServiceProvider.objects.values_list("pk", flat=True)
    return [(pk, m) for pk in ids for m in (previous, current)]
