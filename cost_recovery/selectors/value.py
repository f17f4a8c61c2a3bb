"""Value for money, for management: per service, every provider's cost per unit beside its
attainment of the minimum service standards and its clients' satisfaction, over the same
months.

- Units: the completed records of every client in those months, less the defective ones
  unless their rate charges them (what the statements bill). Amount: those units priced as
  the statements price them (per rate, quantity × rate rounded half-up). Cost per unit:
  amount ÷ units, rounded half-up to the currency's minor unit.
- Attainment: met ÷ eligible of the provider's standards of that service (timeliness,
  accuracy and any other kind but satisfaction), summed over the months (DOMAIN §5).
- Satisfied: met ÷ eligible of its satisfaction standards (answers with an overall score
  of 4 or 5); withheld from fewer than 5 answers, as everywhere (survey anonymity).

Four queries whatever the number of providers, services, records or months.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from catalogue.choices import MeasureKind
from catalogue.models import Offering
from compliance.choices import ComplianceScope
from compliance.models import figures_withheld
from compliance.selectors import compliance_queryset
from core.currencies import line_amount, round_amount
from core.figures import percent_of
from providers.regions import region_q
from records.choices import RecordStatus
from records.models import ServiceRecord

from ..pricing import RateBook, priced_counts


@dataclass(frozen=True)
class ValueRow:
    """One provider's offering of one service over some months."""

    offering: Offering
    currency: str
    units: int
    amount: Decimal
    unpriced: int
    eligible: int
    met: int
    answers: int
    satisfied: int

    @property
    def provider(self):
        return self.offering.provider

    @property
    def service(self):
        return self.offering.service

    @property
    def cost_per_unit(self) -> Decimal | None:
        if not self.units or not self.currency:
            return None
        return round_amount(self.amount / Decimal(self.units), self.currency)

    @property
    def attainment(self) -> Decimal | None:
        """Attainment of the standards but satisfaction, in percent."""
        return percent_of(self.met, self.eligible)

    @property
    def satisfaction_withheld(self) -> bool:
        return figures_withheld(only_satisfaction=True, eligible=self.answers)

    @property
    def satisfaction(self) -> Decimal | None:
        """Share of satisfied answers in percent (None when withheld or without answers)."""
        if self.satisfaction_withheld:
            return None
        return percent_of(self.satisfied, self.answers)


def value_for_money(
    *, user, months: list[dt.date], service=None, area=None, provider=None, region: str = ""
) -> list[ValueRow]:
    """A row per offering (of ``service``, or of the services of ``area``, or all; of
    ``provider``, or of the providers of ``region``, or all) with figures in ``months``,
    by service then provider. Compliance figures are read from the results the user may
    see (management and catalogue managers: all)."""
    offerings = Offering.objects.select_related("provider", "service", "service__area")
    records = ServiceRecord.objects.filter(
        status=RecordStatus.COMPLETED, completed_month__in=months
    )
    results = compliance_queryset(user=user).filter(scope=ComplianceScope.MSS, period__in=months)
    if service is not None:
        offerings = offerings.filter(service=service)
        records = records.filter(service=service)
        results = results.filter(service=service)
    if area is not None:
        offerings = offerings.filter(service__area=area)
        records = records.filter(service__area=area)
        results = results.filter(service__area=area)
    if provider is not None:
        offerings = offerings.filter(provider=provider)
        records = records.filter(provider=provider)
        results = results.filter(provider=provider)
    if region:
        offerings = offerings.filter(region_q(region))
        records = records.filter(region_q(region))
        results = results.filter(region_q(region))
    offerings = list(offerings.order_by("service__code", "provider__code"))
    if not offerings or not months:
        return []
    book = RateBook.load(offering__in=[o.pk for o in offerings])
    units: dict[tuple[int, int], int] = defaultdict(int)
    by_rate: dict[tuple[int, int], dict[Decimal, int]] = defaultdict(lambda: defaultdict(int))
    unpriced: dict[tuple[int, int], int] = defaultdict(int)
    for count in priced_counts(records, book=book, months=months):
        key = (count.provider_id, count.service_id)
        if count.rate is None:
            unpriced[key] += count.records
            continue
        units[key] += count.billable
        by_rate[key][count.rate.rate] += count.billable
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        results.order_by()
        .values("provider_id", "service_id", "kind")
        .annotate(eligible=Sum("eligible"), met=Sum("met"))
    ):
        totals = figures[(row["provider_id"], row["service_id"])]
        if row["kind"] == MeasureKind.SATISFACTION:
            totals["answers"] += row["eligible"] or 0
            totals["satisfied"] += row["met"] or 0
        else:
            totals["eligible"] += row["eligible"] or 0
            totals["met"] += row["met"] or 0
    rows = []
    for offering in offerings:
        key = (offering.provider_id, offering.service_id)
        currency = book.currency_of(offering.provider_id)
        amount = sum(
            (line_amount(n, rate, currency) for rate, n in by_rate.get(key, {}).items()),
            Decimal(0),
        )
        totals = figures.get(key, {})
        row = ValueRow(
            offering=offering,
            currency=currency,
            units=units.get(key, 0),
            amount=round_amount(amount, currency) if currency else amount,
            unpriced=unpriced.get(key, 0),
            eligible=totals.get("eligible", 0),
            met=totals.get("met", 0),
            answers=totals.get("answers", 0),
            satisfied=totals.get("satisfied", 0),
        )
        if row.units or row.unpriced or row.eligible or row.answers:
            rows.append(row)
    return rows
