"""Who may do what to an SLA, by the roles a user holds towards its parties."""

from accounts.choices import Role
from accounts.selectors import REGISTERING_ROLES, user_scope
from core.exceptions import ApplicationError

from ..choices import BINDING_STATUSES, SlaStatus
from ..models import Sla


def sla_roles(*, sla: Sla, user) -> frozenset[str]:
    """The roles ``user`` holds towards this SLA's parties (``UserScope.roles_towards``)."""
    agreement = sla.agreement
    return user_scope(user).roles_towards(
        provider_id=agreement.provider_id, client_id=agreement.client_id
    )


def allowed_actions(*, sla: Sla, user) -> set[str]:
    """What ``user`` may do to ``sla`` now: edit, submit, approve, return, terminate, amend."""
    roles = sla_roles(sla=sla, user=user)
    provider_side = REGISTERING_ROLES & roles
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


def require_action(action: str, *, sla: Sla, user) -> None:
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
