"""An SLA's lines and targets, checked against the minimum service standards (never
weaker), its period, and overlap with the agreements in force."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering
from catalogue.selectors import designated_providers, rates_in_force
from core.exceptions import ApplicationError
from core.zones import portal_today

from ..choices import BINDING_STATUSES
from ..models import ServiceLevelTarget, Sla, SlaLine

# --- targets and lines -------------------------------------------------------------------


@dataclass
class TargetInput:
    standard: MinimumServiceStandard
    threshold: Decimal | None = None
    clock: str = ""
    target_pct: Decimal | None = None


@dataclass
class LineInput:
    offering: Offering
    expected_volume: int
    targets: list[TargetInput] | None = None  # None: the service's standards as they are


def weaker_than_standard(
    *, standard: MinimumServiceStandard, threshold, clock: str, target_pct
) -> str | None:
    """Why a target is weaker than its standard, or None when it is as strict or stricter."""
    statement = f"{standard.code} ({standard.statement})"
    if target_pct is None or Decimal(target_pct) < standard.target_pct:
        return f"the target share is below {statement}"
    if standard.kind == MeasureKind.TIMELINESS:
        if clock != standard.clock:
            return f"the clock must be {standard.get_clock_display()}, as in {statement}"
        if threshold is None or Decimal(threshold) > standard.threshold:
            return f"the threshold is longer than in {statement}"
    return None


def _decimal(value, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ApplicationError(
            f"{name}: '{value}' is not a number.", {name: ["not a number"]}
        ) from None
    if not number.is_finite() or number < 0 or number > Decimal("1000000"):
        raise ApplicationError(f"{name}: {value} is out of range.", {name: ["out of range"]})
    return number


def target_inputs(*, offering: Offering, raw: list[dict] | None) -> list[TargetInput]:
    """Targets for a line from raw values (standard code, threshold, target_pct), checked;
    standards not mentioned keep their own figures."""
    standards = {s.code: s for s in offering.service.standards.all()}
    given = {}
    for index, item in enumerate(raw or []):
        code = str(item.get("standard", "")).strip()
        where = f"lines.targets[{index}]"
        if code not in standards:
            raise ApplicationError(
                f"{where}: '{code[:40]}' is not a standard of {offering.service.code}.",
                {"targets": [f"unknown standard '{code[:40]}'"]},
            )
        standard = standards[code]
        given[code] = TargetInput(
            standard=standard,
            threshold=_decimal(item.get("threshold", standard.threshold), "threshold"),
            clock=str(item.get("clock", standard.clock) or ""),
            target_pct=_decimal(item.get("target_pct", standard.target_pct), "target_pct"),
        )
    return [
        given.get(code)
        or TargetInput(standard=s, threshold=s.threshold, clock=s.clock, target_pct=s.target_pct)
        for code, s in sorted(standards.items())
    ]


def _check_targets(targets: list[TargetInput], *, service) -> None:
    for target in targets:
        if target.standard.service_id != service.pk:
            raise ApplicationError(
                f"{target.standard.code} is a standard of another service, not of {service.code}.",
                {"targets": [f"{target.standard.code}: not a standard of {service.code}"]},
            )
        if target.target_pct is not None and target.target_pct > 100:
            raise ApplicationError(
                f"{target.standard.code}: a target share cannot exceed 100%.",
                {"target_pct": ["at most 100"]},
            )
        reason = weaker_than_standard(
            standard=target.standard,
            threshold=target.threshold,
            clock=target.clock,
            target_pct=target.target_pct,
        )
        if reason:
            raise ApplicationError(
                f"A target may be stricter than the minimum service standard, never weaker: "
                f"{reason}.",
                {"targets": [f"{target.standard.code}: {reason}"]},
            )


def create_row(model, user, **fields):
    """Create a row with the acting user recorded in its history."""
    row = model(**fields)
    row._history_user = user
    row.save()
    return row


def write_lines(sla: Sla, lines: list[LineInput], user) -> None:
    if not lines:
        raise ApplicationError("An SLA covers at least one service.", {"lines": ["required"]})
    seen = set()
    for line in lines:
        offering = line.offering
        if offering.provider_id != sla.agreement.provider_id:
            raise ApplicationError(
                f"{offering} is not an offering of {sla.agreement.provider.code}.",
                {"lines": [f"{offering.service.code}: not offered by this provider"]},
            )
        if offering.pk in seen:
            raise ApplicationError(
                f"{offering.service.code} is listed twice.", {"lines": ["duplicate service"]}
            )
        seen.add(offering.pk)
        if line.expected_volume is None or not 0 <= int(line.expected_volume) <= 10**9:
            raise ApplicationError(
                "expected_volume must be a whole number from 0.",
                {"expected_volume": ["out of range"]},
            )
        targets = (
            line.targets if line.targets is not None else target_inputs(offering=offering, raw=None)
        )
        _check_targets(targets, service=offering.service)
    # The rates in force when the agreement is registered, from the rate card.
    today = portal_today()
    rates = rates_in_force(offering_ids=[line.offering.pk for line in lines], on=today)
    unpriced = [line.offering.service.code for line in lines if line.offering.pk not in rates]
    if unpriced:
        raise ApplicationError(
            f"No rate is in force today for {', '.join(unpriced)}: the provider's managers "
            "or a catalogue manager add it under Cost recovery → Rates.",
            {"lines": [f"{code}: no rate in force on {today}" for code in unpriced]},
        )
    sla.lines.all().delete()
    for line in lines:
        offering = line.offering
        rate, currency = rates[offering.pk]
        stored = create_row(
            SlaLine,
            user,
            sla=sla,
            offering=offering,
            expected_volume=int(line.expected_volume),
            cost_recovery_rate=rate,
            currency=currency,
            rate_unit=offering.rate_unit,
        )
        targets = (
            line.targets if line.targets is not None else target_inputs(offering=offering, raw=None)
        )
        for target in targets:
            create_row(
                ServiceLevelTarget,
                user,
                line=stored,
                standard=target.standard,
                kind=target.standard.kind,
                threshold=target.threshold
                if target.standard.kind == MeasureKind.TIMELINESS
                else None,
                clock=target.clock if target.standard.kind == MeasureKind.TIMELINESS else "",
                target_pct=target.target_pct,
            )


def recheck_targets(sla: Sla) -> None:
    """Targets against the standards as they are now (a standard may have been tightened
    since the draft was written, or an amendment copied older targets)."""
    for line in sla.lines.select_related("offering__service").prefetch_related("targets__standard"):
        _check_targets(
            [
                TargetInput(
                    standard=t.standard,
                    threshold=t.threshold,
                    clock=t.clock,
                    target_pct=t.target_pct,
                )
                for t in line.targets.all()
            ],
            service=line.offering.service,
        )


def find_overlap(*, sla: Sla) -> Sla | None:
    """An approved or active SLA of the same provider and client covering one of this
    SLA's services during an overlapping period (the version it amends excepted)."""
    service_ids = list(sla.lines.values_list("offering__service_id", flat=True))
    agreement = sla.agreement
    return (
        Sla.objects.filter(
            agreement__provider_id=agreement.provider_id,
            agreement__client_id=agreement.client_id,
            status__in=BINDING_STATUSES,
            lines__offering__service_id__in=service_ids,
            start_date__lte=sla.end_date,
            end_date__gte=sla.start_date,
        )
        .exclude(pk=sla.pk)
        .exclude(pk=sla.supersedes_id or 0)
        .exclude(termination_date__lt=sla.start_date)
        .select_related("agreement")
        .distinct()
        .first()
    )


def check_overlap(sla: Sla) -> None:
    other = find_overlap(sla=sla)
    if other is not None:
        raise ApplicationError(
            f"This SLA overlaps {other} ({other.get_status_display().lower()}, "
            f"{other.start_date} to {other.end_date}) for the same provider, client and "
            "service.",
            {"non_field_errors": [f"overlaps {other}"]},
        )


def check_designated(sla: Sla) -> None:
    """Refuse an SLA between a client and a provider not designated for each of its
    services on the SLA's start date (DOMAIN §9), naming each such service and who, if
    anyone, is designated for it instead."""
    agreement = sla.agreement
    services = [line.offering.service for line in sla.lines.select_related("offering__service")]
    chosen = designated_providers(
        client_ids=[agreement.client_id], services=services, on=sla.start_date
    )
    problems = []
    for service in services:
        found = chosen.get((agreement.client_id, service.pk))
        if found is None or found.provider_id != agreement.provider_id:
            who = f"{found.provider.code} is" if found else "no provider is"
            problems.append(
                f"{service.code}: {agreement.provider.code} is not designated for "
                f"{agreement.client.code} on {sla.start_date} ({who} designated)"
            )
    if problems:
        raise ApplicationError(
            f"An SLA is registered only with the provider designated for the client and "
            f"each service on its start date: {'; '.join(problems)}. The client's focal "
            "points request a designation under Designations.",
            {"lines": problems},
        )


def check_period(start_date: dt.date, end_date: dt.date) -> None:
    if end_date < start_date:
        raise ApplicationError(
            "The end date is before the start date.", {"end_date": ["before the start date"]}
        )
    if (end_date - start_date).days > 366 * 10:
        raise ApplicationError(
            "An SLA runs for ten years at most.", {"end_date": ["more than ten years"]}
        )
