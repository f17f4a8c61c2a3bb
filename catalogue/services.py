"""Writes of the catalogue: the designation workflow (DOMAIN §9).

A client entity's focal point requests a provider for a catalogue service or a whole
functional area, with the dates it should hold; a catalogue manager approves it or
declines it with a reason; the requester may withdraw it while it waits; a catalogue
manager ends an approved one (sets its last day). Every step keeps who, when and why (on
the row and in its history) and is announced by ``designation_changed`` after commit.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import user_scope
from core.exceptions import ApplicationError
from core.zones import portal_today

from .choices import DesignationStatus
from .models import Designation, Offering
from .signals import designation_changed

REASON_MAX = 4000


class DesignationPermissionDenied(ApplicationError):
    """A step the user's role does not allow (HTTP 403)."""

    status_code = 403


def _announce(designation: Designation, action: str) -> None:
    transaction.on_commit(
        lambda: designation_changed.send(sender=Designation, designation=designation, action=action)
    )


def _save(designation: Designation, user, reason: str) -> Designation:
    try:
        designation.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            " ".join(exc.messages),
            {k: [str(m) for m in v] for k, v in getattr(exc, "message_dict", {}).items()},
        ) from None
    designation._history_user = user
    designation._change_reason = reason
    designation.save()
    return designation


def _text(value: str | None, name: str, *, required: bool, what: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(what, {name: ["required"]})
    if len(text) > REASON_MAX:
        raise ApplicationError(
            f"{name}: at most {REASON_MAX} characters.", {name: [f"longer than {REASON_MAX}"]}
        )
    if "\x00" in text:
        raise ApplicationError(f"{name}: contains a NUL character.", {name: ["NUL character"]})
    return text


def _lock(designation: Designation) -> Designation:
    return (
        Designation.objects.select_for_update(of=("self",))
        .select_related("client", "provider", "service", "area")
        .get(pk=designation.pk)
    )


def overlapping(
    *, client, service=None, area=None, valid_from: dt.date, valid_to: dt.date | None, exclude=None
) -> Designation | None:
    """An approved designation of the same client and the same service (or the same area)
    whose period meets [valid_from, valid_to]. A service-level designation and an
    area-level one never overlap: the first overrides the second for its service."""
    rows = Designation.objects.filter(client=client, status=DesignationStatus.APPROVED)
    rows = rows.filter(service=service) if service is not None else rows.filter(area=area)
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        rows = rows.filter(valid_from__lte=valid_to)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.select_related("provider", "service", "area").order_by("valid_from").first()


def _check_no_overlap(designation: Designation) -> None:
    other = overlapping(
        client=designation.client,
        service=designation.service,
        area=designation.area,
        valid_from=designation.valid_from,
        valid_to=designation.valid_to,
        exclude=designation,
    )
    if other is not None:
        until = f"to {other.valid_to}" if other.valid_to else "with no end date"
        what = other.service.code if other.service_id else f"the {other.area.code} area"
        raise ApplicationError(
            f"{designation.client.code} already has {other.provider.code} designated for "
            f"{what} from {other.valid_from} {until}; approved designations of one client "
            "for one service or area never overlap: end that one first (or choose dates "
            "after it).",
            {"valid_from": [f"overlaps the approved designation of {other.provider.code}"]},
        )


def _check_offered(*, provider, service, area) -> None:
    offerings = Offering.objects.filter(provider=provider)
    if service is not None and not offerings.filter(service=service).exists():
        raise ApplicationError(
            f"{provider.code} does not offer {service.code}: designate a provider that offers it.",
            {"provider": [f"does not offer {service.code}"]},
        )
    if area is not None and not offerings.filter(service__area=area).exists():
        raise ApplicationError(
            f"{provider.code} offers no service of the {area.code} area.",
            {"provider": [f"offers nothing in {area.code}"]},
        )


@transaction.atomic
def designation_request(
    *,
    user,
    client,
    provider,
    service=None,
    area=None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    basis: str = "",
) -> Designation:
    """Ask for ``provider`` to be designated for ``client`` and a service or a whole area
    (the client's focal points, and catalogue managers). It counts once approved."""
    if not user_scope(user).may_request_designation_for(client.pk):
        raise ApplicationError(
            f"Only focal points of {client.code} request its designations.",
            {"client": [f"you are not a focal point of {client.code}"]},
        )
    if (service is None) == (area is None):
        raise ApplicationError(
            "Designate either a service or a functional area, not both or neither.",
            {"service": ["give a service or an area"], "area": ["give a service or an area"]},
        )
    if valid_to is not None and valid_to < valid_from:
        raise ApplicationError(
            "The end date is before the start date.", {"valid_to": ["before valid_from"]}
        )
    if valid_to is not None and valid_to < portal_today():
        raise ApplicationError(
            f"The end date {valid_to} is in the past: a request is for a period still to come.",
            {"valid_to": ["in the past"]},
        )
    _check_offered(provider=provider, service=service, area=area)
    designation = Designation(
        client=client,
        provider=provider,
        service=service,
        area=area,
        valid_from=valid_from,
        valid_to=valid_to,
        basis=_text(basis, "basis", required=False, what=""),
        status=DesignationStatus.REQUESTED,
        requested_by=user,
        requested_at=timezone.now(),
    )
    _check_no_overlap(designation)
    _save(designation, user, "requested")
    _announce(designation, "requested")
    return designation


def _require_pending(designation: Designation, doing: str) -> None:
    if designation.status != DesignationStatus.REQUESTED:
        raise ApplicationError(
            f"This designation was already {designation.get_status_display().lower()}; "
            f"only a pending request can be {doing}.",
            {"status": [designation.status]},
        )


def _require_decider(user) -> None:
    if not user_scope(user).decides_designations:
        raise DesignationPermissionDenied("Only catalogue managers decide designations.")


@transaction.atomic
def designation_approve(*, user, designation: Designation, reason: str = "") -> Designation:
    """Approve a pending request (catalogue managers): from now on it counts. Refused when
    it would overlap an approved designation of the same client and service or area."""
    _require_decider(user)
    designation = _lock(designation)
    _require_pending(designation, "approved")
    _check_no_overlap(designation)
    designation.status = DesignationStatus.APPROVED
    designation.decided_by = user
    designation.decided_at = timezone.now()
    designation.decision_reason = _text(reason, "reason", required=False, what="")
    _save(designation, user, "approved")
    _announce(designation, "approved")
    return designation


@transaction.atomic
def designation_decline(*, user, designation: Designation, reason: str) -> Designation:
    """Decline a pending request, saying why (catalogue managers)."""
    _require_decider(user)
    reason = _text(reason, "reason", required=True, what="Say why you decline the request.")
    designation = _lock(designation)
    _require_pending(designation, "declined")
    designation.status = DesignationStatus.DECLINED
    designation.decided_by = user
    designation.decided_at = timezone.now()
    designation.decision_reason = reason
    _save(designation, user, "declined")
    _announce(designation, "declined")
    return designation


@transaction.atomic
def designation_withdraw(*, user, designation: Designation) -> Designation:
    """Withdraw a pending request (the client's focal points, catalogue managers)."""
    if not user_scope(user).may_request_designation_for(designation.client_id):
        raise DesignationPermissionDenied(
            "Only the client entity's focal points withdraw its requests."
        )
    designation = _lock(designation)
    _require_pending(designation, "withdrawn")
    designation.status = DesignationStatus.WITHDRAWN
    _save(designation, user, "withdrawn")
    _announce(designation, "withdrawn")
    return designation


@transaction.atomic
def designation_end(
    *, user, designation: Designation, valid_to: dt.date, reason: str
) -> Designation:
    """End an approved designation on ``valid_to`` (its last day), saying why (catalogue
    managers). Never retroactive (SLAs and records already rely on it), never later than
    an end it already has."""
    _require_decider(user)
    reason = _text(reason, "reason", required=True, what="Say why the designation ends.")
    designation = _lock(designation)
    if designation.status != DesignationStatus.APPROVED:
        raise ApplicationError(
            "Only an approved designation can be ended; a pending request is declined or "
            "withdrawn.",
            {"status": [designation.status]},
        )
    today = portal_today()
    if valid_to < today:
        raise ApplicationError(
            f"{valid_to} is in the past: a designation ends today at the earliest.",
            {"valid_to": ["in the past"]},
        )
    if valid_to < designation.valid_from:
        raise ApplicationError(
            f"{valid_to} is before the designation starts ({designation.valid_from}).",
            {"valid_to": ["before valid_from"]},
        )
    if designation.valid_to is not None and valid_to > designation.valid_to:
        raise ApplicationError(
            f"The designation already ends on {designation.valid_to}.",
            {"valid_to": [f"after its end {designation.valid_to}"]},
        )
    designation.valid_to = valid_to
    designation.ended_by = user
    designation.ended_at = timezone.now()
    designation.end_reason = reason
    _save(designation, user, f"ended on {valid_to}")
    _announce(designation, "ended")
    return designation
