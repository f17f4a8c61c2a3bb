"""Volumes against the SLA: each line's expected volume beside the volume and the amount
to date, and the variance.

The volume to date of an SLA line counts the completed records of its provider, client
and service on the local days the SLA version is in force, from its first day to today
(or to its last day in force, if that came first), less the defective ones unless their
rate charges them: what the statements bill. The amount to date prices them as the
statements do (per rate, quantity × rate rounded half-up). The volume expected to date is
the line's expected volume spread evenly over the SLA's days: expected × days elapsed ÷
days of the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from core.currencies import line_amount, round_amount
from core.months import local_bounds, local_month, month_start, months_between
from records.choices import RecordStatus
from records.models import ServiceRecord
from sla.choices import IN_FORCE_STATUSES
from sla.models import Sla, SlaLine
from sla.selectors import versions_in_force

from ..choices import VOLUME_NOTICE_OVER_PCT
from ..pricing import RateBook, priced_counts


@dataclass(frozen=True)
class LineVolume:
    """An SLA line's expected volume beside what was delivered to date."""

    sla: Sla
    line: SlaLine
    days_elapsed: int
    days_in_period: int
    actual: int
    amount: Decimal
    currency: str
    unpriced: int = 0

    @property
    def expected(self) -> int:
        return self.line.expected_volume

    @property
    def expected_to_date(self) -> Decimal:
        """expected × days elapsed ÷ days of the period, to two decimals."""
        if not self.days_in_period:
            return Decimal(0)
        share = Decimal(self.expected * self.days_elapsed) / Decimal(self.days_in_period)
        return share.quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def variance(self) -> Decimal:
        """actual − expected to date (positive: over)."""
        return Decimal(self.actual) - self.expected_to_date

    @property
    def variance_pct(self) -> Decimal | None:
        """The variance in percent of the volume expected to date (one decimal)."""
        if not self.expected_to_date:
            return None
        return (self.variance * 100 / self.expected_to_date).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def runs_over(self) -> bool:
        """At least ``VOLUME_NOTICE_OVER_PCT`` percent above the volume expected to date
        (exact: actual × 100 × days ≥ (100 + pct) × expected × days elapsed), and above
        it at all."""
        if not self.days_elapsed:
            return False
        actual = self.actual * 100 * self.days_in_period
        expected = self.expected * self.days_elapsed
        return actual >= (100 + VOLUME_NOTICE_OVER_PCT) * expected and actual > 100 * expected


def line_volumes(*, lines: list[SlaLine], now: dt.datetime | None = None) -> list[LineVolume]:
    """The volume to date of each SLA line (read with its SLA version, the agreement's
    provider and duty station, its offering and service), in the order given. Lines of
    versions not in force (drafts, submitted) have none and are left out. Three queries."""
    now = now or timezone.now()
    lines = [line for line in lines if line.sla.status in IN_FORCE_STATUSES]
    if not lines:
        return []
    slas = {line.sla.pk: line.sla for line in lines}
    services: dict[int, set[int]] = defaultdict(set)
    for line in lines:
        services[line.sla.pk].add(line.offering.service_id)
    provider_ids = {sla.agreement.provider_id for sla in slas.values()}
    last_days = {
        v.pk: v.last_day
        for v in versions_in_force(
            provider_ids=provider_ids,
            first=min(s.start_date for s in slas.values()),
            after_last=max(s.end_date for s in slas.values()) + dt.timedelta(days=1),
        )
        if v.pk in slas
    }
    segments, months, elapsed = [], set(), {}
    for sla in slas.values():
        provider = sla.agreement.provider
        zone = ZoneInfo(provider.duty_station.timezone)
        upto = min(now.astimezone(zone).date(), last_days.get(sla.pk, sla.in_force_until))
        elapsed[sla.pk] = max(0, (upto - sla.start_date).days + 1)
        if upto < sla.start_date:
            continue
        start, end = local_bounds(sla.start_date, upto + dt.timedelta(days=1), zone)
        segments.append(
            (
                sla.pk,
                Q(
                    provider_id=provider.pk,
                    client_id=sla.agreement.client_id,
                    service_id__in=sorted(services[sla.pk]),
                    completed_at__gte=start,
                    completed_at__lt=end,
                ),
            )
        )
        months.update(months_between(month_start(sla.start_date), local_month(end, zone)))
    book = RateBook.load(offering__provider_id__in=provider_ids)
    counts = []
    if segments:
        condition = Q()
        for _label, segment in segments:
            condition |= segment
        counts = priced_counts(
            ServiceRecord.objects.filter(status=RecordStatus.COMPLETED)
            .filter(completed_month__in=sorted(months))
            .filter(condition),
            book=book,
            months=months,
            segments=segments,
        )
    # (SLA version, service) → {rate: billable records}; and the records without a rate.
    by_rate: dict[tuple[int, int], dict[Decimal, int]] = defaultdict(lambda: defaultdict(int))
    unpriced: dict[tuple[int, int], int] = defaultdict(int)
    for count in counts:
        if count.rate is None:
            unpriced[(count.segment, count.service_id)] += count.records
        else:
            by_rate[(count.segment, count.service_id)][count.rate.rate] += count.billable
    volumes = []
    for line in lines:
        sla = line.sla
        currency = book.currency_of(sla.agreement.provider_id)
        period = (sla.end_date - sla.start_date).days + 1
        key = (sla.pk, line.offering.service_id)
        mine = by_rate.get(key, {})
        amount = sum((line_amount(n, rate, currency) for rate, n in mine.items()), Decimal(0))
        volumes.append(
            LineVolume(
                sla=sla,
                line=line,
                days_elapsed=min(elapsed[sla.pk], period),
                days_in_period=period,
                actual=sum(mine.values()),
                amount=round_amount(amount, currency) if currency else amount,
                currency=currency,
                unpriced=unpriced.get(key, 0),
            )
        )
    return volumes
