"""What the compliance engine measures (DOMAIN §5): for a provider and month, every
minimum service standard over all the provider's records, and every SLA target over the
records its SLA covers, over the part of the month its SLA version was in force; and the
rules that give a result its status.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering
from core.clock import threshold_seconds
from core.months import local_bounds, next_month
from providers.models import ServiceProvider
from sla.models import ServiceLevelTarget
from sla.selectors import versions_in_force

from ..choices import ComplianceScope, ComplianceStatus
from .counting import computed_kinds


def is_met(*, met: int, eligible: int, target_pct: Decimal) -> bool:
    """``met × 100 ≥ target_pct × eligible``, in exact decimal arithmetic (DOMAIN §5)."""
    return Decimal(met) * 100 >= Decimal(target_pct) * Decimal(eligible)


def result_status(*, met: int, eligible: int, target_pct: Decimal) -> str:
    if eligible == 0:
        return ComplianceStatus.NO_DATA
    if is_met(met=met, eligible=eligible, target_pct=target_pct):
        return ComplianceStatus.MET
    return ComplianceStatus.BREACHED


@dataclass(slots=True)
class Measure:
    """One result to compute: a standard for the provider over a month, or an SLA target
    over the part of the month its SLA version was in force (``full_month`` when that is
    the whole month)."""

    key: str
    scope: str
    provider_id: int
    standard_id: int
    service_id: int
    client_id: int | None
    sla_id: int | None
    target_id: int | None
    kind: str
    threshold: Decimal | None
    clock: str
    target_pct: Decimal
    threshold_seconds: int | None
    month: dt.date
    window: tuple[dt.datetime, dt.datetime]
    full_month: bool


def _measure(key, provider_id, row, seconds, month, window, full_month=True, sla=None):
    """A Measure from a standard's or a target's row (pk, standard, service, kind,
    threshold, clock, target %); a target's also names its SLA version and client."""
    pk, standard_id, service_id, kind, threshold, clock, target_pct = row
    return Measure(
        key=key,
        scope=ComplianceScope.SLA if sla else ComplianceScope.MSS,
        provider_id=provider_id,
        standard_id=standard_id,
        service_id=service_id,
        client_id=sla.client_id if sla else None,
        sla_id=sla.pk if sla else None,
        target_id=pk if sla else None,
        kind=kind,
        threshold=threshold,
        clock=clock,
        target_pct=target_pct,
        threshold_seconds=seconds,
        month=month,
        window=window,
        full_month=full_month,
    )


def measures_for(*, batches: list[tuple[ServiceProvider, object, list[dt.date]]]) -> list[Measure]:
    """Every measure of some providers over some of their months, from (provider, its
    work calendar, months in order); standards, SLA versions and targets are read once for
    them all, as plain values (a full recompute makes tens of thousands of measures)."""
    providers = {provider.pk: provider for provider, _, _ in batches}
    first = min(months[0] for _, _, months in batches)
    after_last = next_month(max(months[-1] for _, _, months in batches))
    offered: dict[int, list] = {}
    for provider_id, service_id in Offering.objects.filter(provider_id__in=providers).values_list(
        "provider_id", "service_id"
    ):
        offered.setdefault(provider_id, []).append(service_id)
    # What a result copies from its standard or target: (pk, standard, service, kind,
    # threshold, clock, target %).
    standards: dict[int, list] = {}
    for row in (
        MinimumServiceStandard.objects.filter(
            service_id__in={s for services in offered.values() for s in services},
            kind__in=computed_kinds(),
        )
        .order_by("pk")
        .values_list("pk", "pk", "service_id", "kind", "threshold", "clock", "target_pct")
    ):
        standards.setdefault(row[2], []).append(row)
    by_sla = {
        version.pk: version
        for version in versions_in_force(provider_ids=providers, first=first, after_last=after_last)
    }
    targets: dict[int, list] = {}  # provider -> (target, its SLA version)
    for *target, sla_id in (
        ServiceLevelTarget.objects.filter(line__sla_id__in=list(by_sla), kind__in=computed_kinds())
        .order_by("pk")
        .values_list(
            "pk",
            "standard_id",
            "line__offering__service_id",
            "kind",
            "threshold",
            "clock",
            "target_pct",
            "line__sla_id",
        )
    ):
        version = by_sla[sla_id]
        targets.setdefault(version.provider_id, []).append((target, version))

    measures = []
    for provider, calendar, months in batches:
        zone = calendar.zone
        thresholds: dict[tuple, int | None] = {}  # a few distinct ones, many measures

        def seconds(kind, clock, threshold, hours=calendar.working_day_hours, cache=thresholds):
            if kind != MeasureKind.TIMELINESS:
                return None
            if (clock, threshold) not in cache:
                cache[clock, threshold] = threshold_seconds(clock, threshold, hours)
            return cache[clock, threshold]

        pk = provider.pk
        mine = sorted(
            (row for service in offered.get(pk, ()) for row in standards.get(service, ())),
            key=lambda row: row[0],
        )
        mine = [(row, seconds(row[3], row[5], row[4])) for row in mine]
        theirs = [(row, sla, seconds(row[3], row[5], row[4])) for row, sla in targets.get(pk, ())]
        for month in months:
            after = next_month(month)
            last_day = after - dt.timedelta(days=1)
            bounds = local_bounds(month, after, zone)
            period = f"{month:%Y-%m}"
            for row, secs in mine:
                measures.append(
                    _measure(f"mss:{row[0]}:{pk}:{period}", pk, row, secs, month, bounds)
                )
            for row, sla, secs in theirs:
                start = max(sla.start_date, month)
                last = min(sla.last_day, last_day)
                if last < start:
                    continue
                full = start == month and last == last_day
                window = bounds if full else local_bounds(start, last + dt.timedelta(days=1), zone)
                measures.append(
                    _measure(f"sla:{row[0]}:{period}", pk, row, secs, month, window, full, sla)
                )
    return measures
