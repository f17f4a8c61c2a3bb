"""Writes about SLAs: registration from the common template, targets checked against the
minimum service standards, the life cycle of DOMAIN §6, amendments and notifications.

Every change is recorded by django-simple-history with the acting user, so the page
can show who changed what and when.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.services import notify, users_with_role
from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering
from core.exceptions import ApplicationError

from ..choices import BINDING_STATUSES, SlaStatus
from ..models import Agreement, ServiceLevelTarget, Sla, SlaLine, SlaTemplate
from .compliance import mark_sla_months

EXPIRY_NOTICE_DAYS = 30


# --- who may do what --------------------------------------------------------------------


def _memberships(user) -> set[tuple[str, int | None, int | None]]:
    return set(user.memberships.values_list("role", "provider_id", "client_id"))


def sla_roles(*, sla: Sla, user) -> set[str]:
    """The roles ``user`` holds towards this SLA's parties."""
    agreement = sla.agreement
    roles = set()
    for role, provider_id, client_id in _memberships(user):
        if provider_id == agreement.provider_id and role in (
            Role.PROVIDER_STAFF,
            Role.PROVIDER_MANAGER,
        ):
            roles.add(role)
        if client_id == agreement.client_id and role == Role.CLIENT_FOCAL_POINT:
            roles.add(role)
    return roles


def allowed_actions(*, sla: Sla, user) -> set[str]:
    """What ``user`` may do to ``sla`` now: edit, submit, approve, return, terminate, amend."""
    roles = sla_roles(sla=sla, user=user)
    provider_side = {Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER} & roles
    actions = set()
    if sla.status == SlaStatus.DRAFT and provider_side:
        actions |= {"edit", "submit"}
    if sla.status == SlaStatus.SUBMITTED:
        if Role.CLIENT_FOCAL_POINT in roles and not sla.client_signed_at:
            actions |= {"approve", "return"}
        if Role.PROVIDER_MANAGER in roles and not sla.provider_signed_at:
            actions |= {"approve", "return"}
    if sla.status in BINDING_STATUSES:
        if Role.PROVIDER_MANAGER in roles or Role.CLIENT_FOCAL_POINT in roles:
            actions.add("terminate")
        if provider_side and not Sla.objects.filter(supersedes=sla).exists():
            actions.add("amend")
    return actions


# What each status allows to someone (the role decides who).
_POSSIBLE = {
    SlaStatus.DRAFT: {"edit", "submit"},
    SlaStatus.SUBMITTED: {"approve", "return"},
    SlaStatus.APPROVED: {"terminate", "amend"},
    SlaStatus.ACTIVE: {"terminate", "amend"},
}


def _require(action: str, *, sla: Sla, user) -> None:
    if action not in allowed_actions(sla=sla, user=user):
        by_role = action in _POSSIBLE.get(sla.status, set())
        raise PermissionDeniedForAction(action, sla, by_role=by_role)


class PermissionDeniedForAction(ApplicationError):
    """A transition the user's role or the SLA's status does not allow (HTTP 403)."""

    status_code = 403

    def __init__(self, action: str, sla: Sla, *, by_role: bool = False):
        status = sla.get_status_display().lower()
        if by_role:
            message = f"Your role does not allow you to {action} {sla} ({status})."
        else:
            message = f"You cannot {action} {sla} while it is {status}."
        super().__init__(message, {"status": [sla.status]})


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


def _create(model, user, **fields):
    """Create a row with the acting user recorded in its history."""
    row = model(**fields)
    row._history_user = user
    row.save()
    return row


def _write_lines(sla: Sla, lines: list[LineInput], user) -> None:
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
    sla.lines.all().delete()
    for line in lines:
        offering = line.offering
        stored = _create(
            SlaLine,
            user,
            sla=sla,
            offering=offering,
            expected_volume=int(line.expected_volume),
            cost_recovery_rate=offering.cost_recovery_rate,
            currency=offering.currency,
            rate_unit=offering.rate_unit,
        )
        targets = (
            line.targets if line.targets is not None else target_inputs(offering=offering, raw=None)
        )
        for target in targets:
            _create(
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


def _recheck_targets(sla: Sla) -> None:
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


def _check_overlap(sla: Sla) -> None:
    other = find_overlap(sla=sla)
    if other is not None:
        raise ApplicationError(
            f"This SLA overlaps {other} ({other.get_status_display().lower()}, "
            f"{other.start_date} to {other.end_date}) for the same provider, client and "
            "service.",
            {"non_field_errors": [f"overlaps {other}"]},
        )


def _check_period(start_date: dt.date, end_date: dt.date) -> None:
    if end_date < start_date:
        raise ApplicationError(
            "The end date is before the start date.", {"end_date": ["before the start date"]}
        )
    if (end_date - start_date).days > 366 * 10:
        raise ApplicationError(
            "An SLA runs for ten years at most.", {"end_date": ["more than ten years"]}
        )


# --- registration ----------------------------------------------------------------------


def _save(sla: Sla, user, reason: str, **fields) -> Sla:
    for name, value in fields.items():
        setattr(sla, name, value)
    sla._history_user = user
    sla._change_reason = reason
    sla.save()
    return sla


def _next_number(provider, client, year: int) -> str:
    prefix = f"SLA-{provider.code}-{client.code}-{year}-"
    taken = Agreement.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def sla_create(
    *,
    user,
    provider,
    client,
    start_date: dt.date,
    end_date: dt.date,
    lines: list[LineInput],
    notes: str = "",
) -> Sla:
    """Register a draft SLA from the current template (provider staff and managers)."""
    mine = {(r, p) for r, p, _ in _memberships(user)}
    if not {(Role.PROVIDER_STAFF, provider.pk), (Role.PROVIDER_MANAGER, provider.pk)} & mine:
        raise ApplicationError(
            f"Only {provider.code} staff register its SLAs.", {"provider": ["not yours"]}
        )
    _check_period(start_date, end_date)
    template = SlaTemplate.objects.filter(is_current=True).first()
    if template is None:
        raise ApplicationError("No current SLA template: ask a catalogue manager to publish one.")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                agreement = Agreement.objects.create(
                    number=_next_number(provider, client, start_date.year),
                    provider=provider,
                    client=client,
                )
            break
        except IntegrityError:
            continue
    else:
        raise ApplicationError("Could not number the agreement; try again.")
    sla = Sla(
        agreement=agreement,
        template=template,
        start_date=start_date,
        end_date=end_date,
        notes=notes,
        created_by=user,
    )
    _save(sla, user, "registered")
    _write_lines(sla, lines, user)
    _check_overlap(sla)
    return sla


@transaction.atomic
def sla_update_draft(
    *,
    sla: Sla,
    user,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    notes: str | None = None,
    lines: list[LineInput] | None = None,
) -> Sla:
    """Change a draft: period, notes, lines and targets. Only drafts can be edited."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    _require("edit", sla=sla, user=user)
    start_date = start_date or sla.start_date
    end_date = end_date or sla.end_date
    _check_period(start_date, end_date)
    _save(
        sla,
        user,
        "draft edited",
        start_date=start_date,
        end_date=end_date,
        notes=sla.notes if notes is None else notes,
    )
    if lines is not None:
        _write_lines(sla, lines, user)
    _check_overlap(sla)
    return sla


# --- life cycle -------------------------------------------------------------------------


def _url(sla: Sla) -> str:
    return reverse("sla:sla-detail", args=[sla.pk])


def _parties(sla: Sla, *roles: str) -> list:
    users = []
    for role in roles:
        if role == Role.CLIENT_FOCAL_POINT:
            users += users_with_role(role=role, client=sla.agreement.client)
        else:
            users += users_with_role(role=role, provider=sla.agreement.provider)
    return users


@transaction.atomic
def sla_submit(*, sla: Sla, user) -> Sla:
    """Send a draft to the client focal point and the provider manager for signature."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    _require("submit", sla=sla, user=user)
    if not sla.lines.exists():
        raise ApplicationError("Add at least one service before submitting.")
    _recheck_targets(sla)
    _check_overlap(sla)
    _save(
        sla,
        user,
        "submitted",
        status=SlaStatus.SUBMITTED,
        submitted_at=timezone.now(),
        return_comment="",
    )
    notify(
        users=_parties(sla, Role.CLIENT_FOCAL_POINT, Role.PROVIDER_MANAGER),
        verb="sla.submitted",
        title=f"{sla} submitted for your signature",
        message=f"{sla.agreement.provider.name} submitted {sla} for {sla.agreement.client.name}.",
        url=_url(sla),
    )
    return sla


@transaction.atomic
def sla_approve(*, sla: Sla, user) -> Sla:
    """Sign for the user's side; when both sides have signed the SLA is approved (and
    active at once if its period has begun; an amendment then supersedes its original)."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    _require("approve", sla=sla, user=user)
    roles = sla_roles(sla=sla, user=user)
    now = timezone.now()
    fields = {}
    if Role.CLIENT_FOCAL_POINT in roles and not sla.client_signed_at:
        fields.update(client_signed_by=user, client_signed_at=now)
    elif Role.PROVIDER_MANAGER in roles and not sla.provider_signed_at:
        fields.update(provider_signed_by=user, provider_signed_at=now)
    _save(sla, user, "signed", **fields)
    if not (sla.client_signed_at and sla.provider_signed_at):
        return sla
    _recheck_targets(sla)
    _check_overlap(sla)
    _save(sla, user, "approved", status=SlaStatus.APPROVED, approved_at=now)
    if sla.supersedes_id:
        original = Sla.objects.select_for_update().get(pk=sla.supersedes_id)
        if original.status in BINDING_STATUSES:
            _save(
                original, user, f"superseded by version {sla.version}", status=SlaStatus.SUPERSEDED
            )
    _refresh(sla, user, timezone.localdate())
    mark_sla_months(sla)  # its targets now count (and its original's window shrank)
    notify(
        users=_parties(sla, Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.CLIENT_FOCAL_POINT),
        verb="sla.approved",
        title=f"{sla} approved",
        message=f"Both parties signed {sla}; it runs from {sla.start_date} to {sla.end_date}.",
        url=_url(sla),
    )
    return sla


@transaction.atomic
def sla_return(*, sla: Sla, user, comment: str) -> Sla:
    """Send a submitted SLA back to draft with a comment; signatures are cleared."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    _require("return", sla=sla, user=user)
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError("Say why you return it.", {"comment": ["required"]})
    _save(
        sla,
        user,
        "returned to draft",
        status=SlaStatus.DRAFT,
        return_comment=comment[:4000],
        client_signed_by=None,
        client_signed_at=None,
        provider_signed_by=None,
        provider_signed_at=None,
    )
    notify(
        users=_parties(sla, Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER),
        verb="sla.returned",
        title=f"{sla} returned to draft",
        message=f"{user.get_full_name() or user.username}: {comment[:500]}",
        url=_url(sla),
    )
    return sla


@transaction.atomic
def sla_terminate(*, sla: Sla, user, reason: str, termination_date: dt.date | None = None) -> Sla:
    """End an approved or active SLA early, with a reason; it counts until that date."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    _require("terminate", sla=sla, user=user)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Give the reason for terminating.", {"reason": ["required"]})
    # Terminating before the start means the SLA never runs: it ends the day before.
    termination_date = termination_date or max(
        timezone.localdate(), sla.start_date - dt.timedelta(days=1)
    )
    if not sla.start_date - dt.timedelta(days=1) <= termination_date <= sla.end_date:
        raise ApplicationError(
            f"The termination date must lie within the period ({sla.start_date} to "
            f"{sla.end_date}).",
            {"termination_date": ["outside the period"]},
        )
    _save(
        sla,
        user,
        "terminated",
        status=SlaStatus.TERMINATED,
        termination_date=termination_date,
        termination_reason=reason[:4000],
    )
    mark_sla_months(sla)
    notify(
        users=_parties(sla, Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.CLIENT_FOCAL_POINT),
        verb="sla.terminated",
        title=f"{sla} terminated",
        message=f"Terminated as of {termination_date}: {reason[:500]}",
        url=_url(sla),
    )
    return sla


@transaction.atomic
def sla_amend(*, sla: Sla, user) -> Sla:
    """Start the next version of an approved or active SLA as a draft, copying its lines
    and targets; it supersedes this version once approved."""
    sla = Sla.objects.select_for_update().get(pk=sla.pk)
    _require("amend", sla=sla, user=user)
    if timezone.localdate() > sla.end_date:
        raise ApplicationError(
            f"{sla} ended on {sla.end_date}: register a new SLA instead of amending it.",
            {"end_date": ["in the past"]},
        )
    latest = sla.agreement.versions.order_by("-version").first()
    template = SlaTemplate.objects.filter(is_current=True).first() or sla.template
    amendment = Sla(
        agreement=sla.agreement,
        version=latest.version + 1,
        template=template,
        start_date=max(sla.start_date, timezone.localdate()),
        end_date=sla.end_date,
        notes=sla.notes,
        supersedes=sla,
        created_by=user,
    )
    _save(amendment, user, f"amendment of version {sla.version}")
    for line in sla.lines.prefetch_related("targets"):
        copy = _create(
            SlaLine,
            user,
            sla=amendment,
            offering=line.offering,
            expected_volume=line.expected_volume,
            cost_recovery_rate=line.cost_recovery_rate,
            currency=line.currency,
            rate_unit=line.rate_unit,
        )
        for target in line.targets.all():
            _create(
                ServiceLevelTarget,
                user,
                line=copy,
                standard_id=target.standard_id,
                kind=target.kind,
                threshold=target.threshold,
                clock=target.clock,
                target_pct=target.target_pct,
            )
    return amendment


def _refresh(sla: Sla, user, today: dt.date) -> None:
    if sla.status == SlaStatus.APPROVED and sla.start_date <= today <= sla.end_date:
        _save(sla, user, "active from its start date", status=SlaStatus.ACTIVE)
    elif sla.status in BINDING_STATUSES and sla.end_date < today:
        _save(sla, user, "expired after its end date", status=SlaStatus.EXPIRED)


def slas_update_lifecycle(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: approved SLAs become active on their start date, active ones expire after
    their end date, and the parties hear once when one expires within 30 days."""
    today = today or timezone.localdate()
    counts = {"activated": 0, "expired": 0, "expiry_notices": 0}
    due = Sla.objects.filter(
        Q(status=SlaStatus.APPROVED, start_date__lte=today)
        | Q(status__in=BINDING_STATUSES, end_date__lt=today)
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            sla = Sla.objects.select_for_update().get(pk=pk)
            before = sla.status
            _refresh(sla, None, today)
            if sla.status == SlaStatus.ACTIVE and before != SlaStatus.ACTIVE:
                counts["activated"] += 1
            if sla.status == SlaStatus.EXPIRED and before != SlaStatus.EXPIRED:
                counts["expired"] += 1
    expiring = Sla.objects.filter(
        status__in=BINDING_STATUSES,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
        expiry_notified_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(expiring):
        with transaction.atomic():
            sla = Sla.objects.select_for_update().select_related("agreement").get(pk=pk)
            if sla.expiry_notified_at:
                continue
            _save(sla, None, "expiry notice sent", expiry_notified_at=timezone.now())
            notify(
                users=_parties(
                    sla, Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER, Role.CLIENT_FOCAL_POINT
                ),
                verb="sla.expiring",
                title=f"{sla} expires on {sla.end_date}",
                message="Amend it to extend it, or let it expire.",
                url=_url(sla),
            )
            counts["expiry_notices"] += 1
    return counts
