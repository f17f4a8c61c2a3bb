"""Computing the results of some (provider, month) shards and storing them: the measures,
their counts and open records, the status and whether it is provisional (its month not
over in the provider's zone), which results are newly breached (final ones only). Only
the results whose values changed are written (upserts on the results' natural key), and
the results no longer measured are removed.
"""

import datetime as dt

from core.models import DutyStation
from core.months import local_bounds, next_month
from providers.models import ServiceProvider

from ..choices import ComplianceStatus
from ..models import ComplianceResult
from .counting import _totals
from .measures import measures_for, result_status
from .overdue import _open_counts, _open_records
from .shards import provider_batches
from .sql import _rows_with_instants

# What a result says; a row whose values are unchanged is not written again.
RESULT_FIELDS = (
    "scope",
    "period",
    "provider_id",
    "client_id",
    "service_id",
    "standard_id",
    "sla_id",
    "target_id",
    "kind",
    "threshold",
    "clock",
    "target_pct",
    "eligible",
    "met",
    "status",
    "provisional",
    "overdue_open",
    "breach_notified_at",
)


def _compute(shards: list[tuple[int, dt.date]], now: dt.datetime):
    """Returns (rows written per shard, keys of the results newly breached)."""
    batches = provider_batches(shards)
    providers = ServiceProvider.objects.in_bulk([pk for pk, _ in batches])
    stations = DutyStation.objects.prefetch_related("holidays").filter(
        pk__in={p.duty_station_id for p in providers.values()}
    )
    by_station = {station.pk: station.work_calendar() for station in stations}
    calendars = {pk: by_station[p.duty_station_id] for pk, p in providers.items()}
    bounds, current = {}, {}
    for pk, months in batches:
        zone = calendars[pk].zone
        local_now = now.astimezone(zone)
        current[pk] = dt.date(local_now.year, local_now.month, 1)
        for month in months:
            bounds[pk, month] = local_bounds(month, next_month(month), zone)
    measures = measures_for(
        batches=[(providers[pk], calendars[pk], months) for pk, months in batches]
    )
    totals = _totals(measures, bounds)
    open_records: dict[int, dict] = {}
    for (provider_id, service_id), records in _open_records(
        providers, max(end for _, end in bounds.values())
    ).items():
        open_records.setdefault(provider_id, {})[service_id] = records
    by_provider: dict[int, list] = {}
    for m in measures:
        by_provider.setdefault(m.provider_id, []).append(m)
    open_counts = {}
    for pk, months in batches:
        open_counts.update(
            _open_counts(
                by_provider.get(pk, []),
                open_records.get(pk, {}),
                calendars[pk],
                {month: bounds[pk, month] for month in months},
                now,
            )
        )
    wanted = set(shards)
    previous = {
        row[0]: row[1:]
        for row in _rows_with_instants(
            ComplianceResult.objects.filter(
                provider_id__in=providers, period__in={m for _, m in shards}
            )
            .order_by()
            .values_list("key", "pk", *RESULT_FIELDS)
        )
        if (row[4], row[3]) in wanted  # (provider, period)
    }
    written: dict[tuple, int] = {}
    rows, breached = [], []
    for m in measures:
        eligible, met = totals.get(m.key, (0, 0))
        overdue = open_counts[m.key]
        status = result_status(met=met, eligible=eligible, target_pct=m.target_pct)
        provisional = m.month >= current[m.provider_id]
        old = previous.get(m.key)
        notified_at = old[-1] if old else None
        # A breach is announced once its month is over in the provider's zone, never
        # before: records still come in until then. The first computation after the month
        # closes (the nightly run of the previous month, or any recompute) announces the
        # breaches that were never announced, each once.
        final_breach = status == ComplianceStatus.BREACHED and not provisional
        if final_breach and notified_at is None:
            notified_at = now
            breached.append(m.key)
        values = (
            m.scope,
            m.month,
            m.provider_id,
            m.client_id,
            m.service_id,
            m.standard_id,
            m.sla_id,
            m.target_id,
            m.kind,
            m.threshold,
            m.clock,
            m.target_pct,
            eligible,
            met,
            status,
            provisional,
            overdue,
            notified_at,
        )
        if old is not None and tuple(old[1:]) == values:
            continue
        rows.append(
            ComplianceResult(
                key=m.key, computed_at=now, **dict(zip(RESULT_FIELDS, values, strict=True))
            )
        )
        shard = (m.provider_id, m.month)
        written[shard] = written.get(shard, 0) + 1
    keys = {m.key for m in measures}
    stale = [row for key, row in previous.items() if key not in keys]
    if stale:
        ComplianceResult.objects.filter(pk__in=[row[0] for row in stale]).delete()
        for row in stale:
            shard = (row[3], row[2])
            written[shard] = written.get(shard, 0) + 1
    fields = [f.name for f in ComplianceResult._meta.concrete_fields if f.name not in ("id", "key")]
    ComplianceResult.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["key"], update_fields=fields, batch_size=1000
    )
    return written, breached
