"""Which rate prices each record, counted in the database (DOMAIN §10).

A completed record is priced at the rate of its offering (provider × service) in force on
its local completion date, in the provider's time zone. Records are counted in one query,
grouped by provider, client, service, month (``completed_month``, DOMAIN §5), defective or
not, and the rate that prices them:

- for a month that one rate of the offering covers from its first to its last day, the
  month says which rate it is: nothing is computed per record;
- for a month in which a rate starts or ends (or that no rate covers whole), each record
  is given the rate whose days hold its completion instant (the rate's first and last day
  turned into instants in the provider's zone), or none.

Records that no rate prices are counted too (``rate`` None): a statement cannot be issued
while it has any. Callers filter the records (status, provider, client, months, dates);
this module adds the rate. Two queries: the rates, then the counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Case, Count, Q, QuerySet, Value, When

from core.months import local_bounds, next_month

from .models import Rate


@dataclass
class RateBook:
    """The rates of some offerings, by (provider id, service id), oldest first, with the
    time zone of each provider."""

    by_offering: dict[tuple[int, int], list[Rate]] = field(default_factory=dict)
    zones: dict[int, ZoneInfo] = field(default_factory=dict)
    by_id: dict[int, Rate] = field(default_factory=dict)

    @classmethod
    def load(cls, rates: QuerySet[Rate] | None = None, **filters) -> RateBook:
        """The rates matching ``filters`` (e.g. ``offering__provider_id=...``), one query."""
        rates = Rate.objects.all() if rates is None else rates
        book = cls()
        for rate in (
            rates.filter(**filters)
            .select_related("offering__provider__duty_station", "offering__service")
            .order_by("valid_from", "pk")
        ):
            offering = rate.offering
            book.by_offering.setdefault((offering.provider_id, offering.service_id), []).append(
                rate
            )
            book.zones[offering.provider_id] = ZoneInfo(offering.provider.duty_station.timezone)
            book.by_id[rate.pk] = rate
        return book

    def rates_of(self, provider_id: int, service_id: int) -> list[Rate]:
        return self.by_offering.get((provider_id, service_id), [])

    def on(self, provider_id: int, service_id: int, day: dt.date) -> Rate | None:
        """The rate in force on a local day."""
        return next((r for r in self.rates_of(provider_id, service_id) if r.applies_on(day)), None)

    def currency_of(self, provider_id: int) -> str:
        """The provider's currency (every rate of a provider shares one), or ""."""
        for (provider, _service), rates in self.by_offering.items():
            if provider == provider_id and rates:
                return rates[0].currency
        return ""

    def whole_month(self, provider_id: int, service_id: int, month: dt.date) -> Rate | None:
        """The one rate in force on every day of ``month``, if there is one."""
        last = next_month(month) - dt.timedelta(days=1)
        rate = self.on(provider_id, service_id, month)
        if rate is not None and (rate.valid_to is None or rate.valid_to >= last):
            return rate
        return None

    def split_months(self, provider_id: int, service_id: int, months: Iterable[dt.date]):
        """(month, rates in force on some of its days) for the months no single rate covers
        whole (a rate starts or ends in them, or some days have none)."""
        rates = self.rates_of(provider_id, service_id)
        for month in months:
            if not rates or self.whole_month(provider_id, service_id, month) is not None:
                continue
            last = next_month(month) - dt.timedelta(days=1)
            touching = [
                r
                for r in rates
                if r.valid_from <= last and (r.valid_to is None or r.valid_to >= month)
            ]
            if touching:
                yield month, touching

    def instants(self, rate: Rate) -> tuple[dt.datetime, dt.datetime | None]:
        """The rate's days as [start, end) instants in its provider's zone."""
        zone = self.zones[rate.offering.provider_id]
        end_day = rate.valid_to + dt.timedelta(days=1) if rate.valid_to else None
        start, end = local_bounds(rate.valid_from, end_day or rate.valid_from, zone)
        return start, end if end_day else None


@dataclass(frozen=True)
class PricedCount:
    """Records of one provider, client, service and month, defective or not, priced at
    ``rate`` (None: no rate in force on their day). ``segment`` is the caller's label of
    the records (an SLA version, say), None when the caller gave none."""

    provider_id: int
    client_id: int
    service_id: int
    month: dt.date
    defective: bool
    rate: Rate | None
    records: int
    segment: int | None = None

    @property
    def billable(self) -> int:
        """How many of them are charged: all but the defective ones, unless the rate
        charges defective deliveries too."""
        if self.defective and not (self.rate is not None and self.rate.charge_defective):
            return 0
        return self.records


def priced_counts(
    records: QuerySet,
    *,
    book: RateBook,
    months: Iterable[dt.date],
    segments: list[tuple[int, Q]] | None = None,
) -> list[PricedCount]:
    """The completed ``records`` (already filtered by the caller to ``months``), counted by
    provider, client, service, month, defective and rate. ``segments``: (label, condition)
    pairs that tell the caller's groups of records apart (the first that holds). One query.
    """
    months = sorted(set(months))
    whens = []
    for (provider_id, service_id), _rates in book.by_offering.items():
        for month, touching in book.split_months(provider_id, service_id, months):
            for rate in touching:
                start, end = book.instants(rate)
                condition = Q(
                    provider_id=provider_id,
                    service_id=service_id,
                    completed_month=month,
                    completed_at__gte=start,
                )
                if end is not None:
                    condition &= Q(completed_at__lt=end)
                whens.append(When(condition, then=Value(rate.pk)))
    keys = ["provider_id", "client_id", "service_id", "completed_month", "defective"]
    rows = records.order_by()
    if whens:
        rows = rows.annotate(
            rate_key=Case(*whens, default=Value(None), output_field=BigIntegerField())
        )
        keys.append("rate_key")
    if segments:
        rows = rows.annotate(
            segment=Case(
                *(When(condition, then=Value(label)) for label, condition in segments),
                default=Value(None),
                output_field=BigIntegerField(),
            )
        )
        keys.append("segment")
    counted = []
    for row in rows.values(*keys).annotate(n=Count("id")):
        provider_id, service_id, month = (
            row["provider_id"],
            row["service_id"],
            row["completed_month"],
        )
        key = row.get("rate_key")
        rate = (
            book.by_id.get(key)
            if key is not None
            else book.whole_month(provider_id, service_id, month)
        )
        counted.append(
            PricedCount(
                provider_id=provider_id,
                client_id=row["client_id"],
                service_id=service_id,
                month=month,
                defective=row["defective"],
                rate=rate,
                records=row["n"],
                segment=row.get("segment"),
            )
        )
    return counted


def unpriced(counts: Iterable[PricedCount]) -> dict[tuple[int, dt.date], int]:
    """Records without a rate, by (service id, month)."""
    missing: dict[tuple[int, dt.date], int] = defaultdict(int)
    for count in counts:
        if count.rate is None:
            missing[(count.service_id, count.month)] += count.records
    return dict(missing)
