"""What the compliance engine computes: (provider, month) shards, the pending ones or
those asked for, grouped by provider."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from catalogue.models import Service
from core.months import add_months, local_month, month_start, next_month
from core.zones import portal_today
from providers.models import ServiceProvider
from records.models import PendingCompliance, ServiceRecord
from records.selectors import open_record_months
from sla.choices import IN_FORCE_STATUSES
from sla.models import Sla

from ..models import ComplianceResult
from .sql import _as_date


def shards_to_compute(
    *, period: dt.date | None = None, provider_ids=None, everything: bool = False
) -> list[tuple[int, dt.date]]:
    """The (provider, month) shards a run should compute: the pending ones, or those
    asked for (a month, a provider, or every month that has completed records, SLA
    targets in force, or open records that may count as overdue)."""
    if not (period or provider_ids or everything):
        return sorted(set(PendingCompliance.objects.values_list("provider_id", "month")))
    providers = ServiceProvider.objects.all()
    if provider_ids:
        providers = providers.filter(pk__in=provider_ids)
    ids = list(providers.values_list("pk", flat=True))
    if period:
        return [(pk, month_start(period)) for pk in ids]
    months = _months_with_records(ids)
    slas = Sla.objects.filter(agreement__provider_id__in=ids, status__in=IN_FORCE_STATUSES)
    # With the months where open records may count as overdue (their deadlines' months).
    shards = set(months) | set(open_record_months(provider_ids=ids))
    # Months that have not begun yet have nothing to count (they are computed when due).
    last = month_start(portal_today())
    for sla in slas.select_related("agreement"):
        month = month_start(sla.start_date)
        while month <= min(month_start(sla.end_date), last):
            shards.add((sla.agreement.provider_id, month))
            month = next_month(month)
    return sorted(shards)


def _months_with_records(provider_ids) -> set[tuple[int, dt.date]]:
    """The (provider, month) pairs that have completed records, by walking the
    (provider, service, completed_month) index from one month to the next for each
    provider and service: one index probe per month found, not a read of every record."""
    if not provider_ids:
        return set()
    records = ServiceRecord._meta.db_table
    services = Service._meta.db_table
    sql = f"""
        WITH RECURSIVE walk (provider_id, service_id, month) AS (
            SELECT p.provider_id, s.id, (
                SELECT MIN(r.completed_month) FROM {records} r
                WHERE r.provider_id = p.provider_id AND r.service_id = s.id
                    AND r.completed_month IS NOT NULL)
            FROM ({" UNION ALL ".join(["SELECT %s AS provider_id"] * len(provider_ids))}) p
                CROSS JOIN {services} s
            UNION ALL
            SELECT w.provider_id, w.service_id, (
                SELECT MIN(r.completed_month) FROM {records} r
                WHERE r.provider_id = w.provider_id AND r.service_id = w.service_id
                    AND r.completed_month > w.month)
            FROM walk w WHERE w.month IS NOT NULL
        )
        SELECT DISTINCT provider_id, month FROM walk WHERE month IS NOT NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(provider_ids))
        return {(provider_id, _as_date(month)) for provider_id, month in cursor.fetchall()}


def recent_shards(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> list[tuple[int, dt.date]]:
    """Nightly: the current and previous month of every provider, in its own time zone
    (``today`` sets one day for them all instead), and every month of a provider whose
    results are still provisional although the month is over in its zone (a night
    missed). Computing a month that is over makes its results final and announces their
    breaches (``runs``), so no closed month stays provisional or unannounced."""
    now = now or timezone.now()
    shards = set()
    zones: dict[int, ZoneInfo] = {}
    for pk, zone in ServiceProvider.objects.values_list("pk", "duty_station__timezone"):
        zones[pk] = ZoneInfo(zone)
        current = month_start(today) if today else local_month(now, zones[pk])
        shards.update((pk, m) for m in (add_months(current, -1), current))
    for pk, month in (
        ComplianceResult.objects.filter(provisional=True)
        .order_by()
        .values_list("provider_id", "period")
        .distinct()
    ):
        month = _as_date(month)
        if pk in zones and month < local_month(now, zones[pk]):
            shards.add((pk, month))
    return sorted(shards)


def provider_batches(shards) -> list[tuple[int, list[dt.date]]]:
    """(provider, month) shards grouped by provider, months in order."""
    grouped: dict[int, set] = {}
    for provider_id, month in shards:
        grouped.setdefault(provider_id, set()).add(month_start(month))
    return [(pk, sorted(months)) for pk, months in sorted(grouped.items())]
