"""Writes of support capacities: adding, changing and deleting what a client entity runs
itself (or who serves it) at a duty station for a functional area (DOMAIN §9).

The entity's focal points and catalogue managers keep them (``UserScope.
may_edit_capacities_of``). Every write checks the row with the model's rules
(``SupportCapacity.clean``: posts above 0 and at most ``POSTS_MAX``, or a provider and no
posts; a cost with an accepted currency in its minor unit; one row per entity × duty
station × area) and refuses bad input with the field and the reason, storing nothing.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.selectors import user_scope
from catalogue.models import FunctionalArea
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.models import DutyStation
from providers.models import ServiceProvider

from .models import SupportCapacity

CAPACITY_FIELDS = (
    "client",
    "duty_station",
    "area",
    "served_by",
    "posts",
    "annual_cost",
    "currency",
    "source",
)


class CapacityPermissionDenied(ApplicationError):
    """An action the user's role does not allow (HTTP 403)."""

    status_code = 403


def require_capacity_editor(user, client_id: int | None = None) -> None:
    """Refuse (403) anyone who may not keep the support capacities (of this entity)."""
    scope = user_scope(user)
    allowed = (
        scope.edits_capacities if client_id is None else scope.may_edit_capacities_of(client_id)
    )
    if not allowed:
        raise CapacityPermissionDenied(
            "Only the entity's focal points and catalogue managers change its support capacities."
        )


def _save(capacity: SupportCapacity, user, reason: str) -> SupportCapacity:
    try:
        capacity.full_clean()
    except ValidationError as exc:
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        if "__all__" in errors:
            errors["non_field_errors"] = errors.pop("__all__")
        first = next(iter(errors.values()))[0]
        raise ApplicationError(f"This support capacity cannot be saved: {first}", errors) from None
    capacity._history_user = user
    capacity._change_reason = reason
    capacity.save()
    return capacity


@transaction.atomic
def capacity_create(
    *,
    user,
    client: ClientEntity,
    duty_station: DutyStation,
    area: FunctionalArea,
    served_by: ServiceProvider | None = None,
    posts: Decimal | None = None,
    annual_cost: Decimal | None = None,
    currency: str = "",
    source: str = "",
    is_demo: bool = False,
) -> SupportCapacity:
    """Record an entity's own team (``posts``, optionally ``annual_cost`` in ``currency``)
    or the provider that serves it (``served_by``) for ``area`` at ``duty_station``."""
    require_capacity_editor(user, client.pk)
    # One writer at a time per entity: two requests at once cannot both pass the
    # one-row-per-station-and-area check.
    ClientEntity.objects.select_for_update().filter(pk=client.pk).first()
    return _save(
        SupportCapacity(
            client=client,
            duty_station=duty_station,
            area=area,
            served_by=served_by,
            posts=posts,
            annual_cost=annual_cost,
            currency=currency or "",
            source=source or "",
            is_demo=is_demo,
        ),
        user,
        "added",
    )


@transaction.atomic
def capacity_update(*, user, capacity: SupportCapacity, changes: dict) -> SupportCapacity:
    """Change a capacity's fields (``changes``, of ``CAPACITY_FIELDS``). Moving it to
    another entity needs the right to edit both."""
    unknown = sorted(set(changes) - set(CAPACITY_FIELDS))
    if unknown:
        raise ApplicationError(
            f"A support capacity has no field {', '.join(unknown)}.",
            {name: ["unknown field"] for name in unknown},
        )
    require_capacity_editor(user, capacity.client_id)
    new_client = changes.get("client")
    if new_client is not None and new_client.pk != capacity.client_id:
        require_capacity_editor(user, new_client.pk)
    ClientEntity.objects.select_for_update().filter(pk=capacity.client_id).first()
    capacity = SupportCapacity.objects.select_related("client", "duty_station", "area").get(
        pk=capacity.pk
    )
    for name, value in changes.items():
        if name in ("currency", "source") and value is None:
            value = ""
        setattr(capacity, name, value)
    return _save(capacity, user, "changed")


@transaction.atomic
def capacity_delete(*, user, capacity: SupportCapacity) -> None:
    """Delete a capacity (kept in its history)."""
    require_capacity_editor(user, capacity.client_id)
    capacity._history_user = user
    capacity.delete()
