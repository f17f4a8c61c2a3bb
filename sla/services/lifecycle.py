"""The life cycle of DOMAIN §6: submit, sign, return, terminate, amend; the daily
activation and expiry, and notices to both parties."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.services import notify, users_with_role
from core.exceptions import ApplicationError
from core.zones import portal_today

from ..choices import BINDING_STATUSES, SlaStatus
from ..models import ServiceLevelTarget, Sla, SlaLine, SlaTemplate
from ..signals import sla_in_force_changed
from .permissions import require_action, sla_roles
from .registration import save_sla
from .targets import check_designated, check_overlap, create_row, recheck_targets

EXPIRY_NOTICE_DAYS = 30


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
    require_action("submit", sla=sla, user=user)
    if not sla.lines.exists():
        raise ApplicationError("Add at least one service before submitting.")
    recheck_targets(sla)
    check_designated(sla)
    check_overlap(sla)
    save_sla(
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
    require_action("approve", sla=sla, user=user)
    roles = sla_roles(sla=sla, user=user)
    now = timezone.now()
    fields = {}
    if Role.CLIENT_FOCAL_POINT in roles and not sla.client_signed_at:
        fields.update(client_signed_by=user, client_signed_at=now)
    elif Role.PROVIDER_MANAGER in roles and not sla.provider_signed_at:
        fields.update(provider_signed_by=user, provider_signed_at=now)
    save_sla(sla, user, "signed", **fields)
    if not (sla.client_signed_at and sla.provider_signed_at):
        return sla
    recheck_targets(sla)
    check_designated(sla)
    check_overlap(sla)
    save_sla(sla, user, "approved", status=SlaStatus.APPROVED, approved_at=now)
    if sla.supersedes_id:
        original = Sla.objects.select_for_update().get(pk=sla.supersedes_id)
        if original.status in BINDING_STATUSES:
            save_sla(
                original, user, f"superseded by version {sla.version}", status=SlaStatus.SUPERSEDED
            )
    _refresh(sla, user, portal_today())
    # Its targets now count (and its original's window shrank).
    sla_in_force_changed.send(sender=Sla, sla=sla)
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
    require_action("return", sla=sla, user=user)
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError("Say why you return it.", {"comment": ["required"]})
    save_sla(
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
    require_action("terminate", sla=sla, user=user)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Give the reason for terminating.", {"reason": ["required"]})
    # Terminating before the start means the SLA never runs: it ends the day before.
    termination_date = termination_date or max(
        portal_today(), sla.start_date - dt.timedelta(days=1)
    )
    if not sla.start_date - dt.timedelta(days=1) <= termination_date <= sla.end_date:
        raise ApplicationError(
            f"The termination date must lie within the period ({sla.start_date} to "
            f"{sla.end_date}).",
            {"termination_date": ["outside the period"]},
        )
    save_sla(
        sla,
        user,
        "terminated",
        status=SlaStatus.TERMINATED,
        termination_date=termination_date,
        termination_reason=reason[:4000],
    )
    sla_in_force_changed.send(sender=Sla, sla=sla)
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
    require_action("amend", sla=sla, user=user)
    if portal_today() > sla.end_date:
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
        start_date=max(sla.start_date, portal_today()),
        end_date=sla.end_date,
        notes=sla.notes,
        supersedes=sla,
        created_by=user,
    )
    save_sla(amendment, user, f"amendment of version {sla.version}")
    for line in sla.lines.prefetch_related("targets"):
        copy = create_row(
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
            create_row(
                ServiceLevelTarget,
                user,
                line=copy,
                standard_id=target.standard_id,
                kind=target.kind,
                threshold=target.threshold,
                clock=target.clock,
                target_pct=target.target_pct,
            )
    # The amendment takes over from its own start date: the designation must hold then.
    check_designated(amendment)
    return amendment


def _refresh(sla: Sla, user, today: dt.date) -> None:
    if sla.status == SlaStatus.APPROVED and sla.start_date <= today <= sla.end_date:
        save_sla(sla, user, "active from its start date", status=SlaStatus.ACTIVE)
    elif sla.status in BINDING_STATUSES and sla.end_date < today:
        save_sla(sla, user, "expired after its end date", status=SlaStatus.EXPIRED)


def slas_update_lifecycle(*, today: dt.date | None = None) -> dict[str, int]:
    """Daily: approved SLAs become active on their start date, active ones expire after
    their end date, and the parties hear once when one expires within 30 days."""
    today = today or portal_today()
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
            save_sla(sla, None, "expiry notice sent", expiry_notified_at=timezone.now())
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
