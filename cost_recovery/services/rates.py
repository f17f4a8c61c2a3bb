"""Writes of the rate card: adding, changing and deleting an offering's rates (DOMAIN §10).

Provider managers keep their own provider's rates, catalogue managers every provider's.
Every write takes a lock on the provider first, so that two writes at once cannot leave
overlapping rates or two currencies behind, then checks the rate with the model's rules
(``Rate.clean``: not negative, a currency the portal accepts, no overlap, one currency per
provider) and refuses bad input with the field and the reason, storing nothing.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.selectors import user_scope
from catalogue.models import Offering
from core.exceptions import ApplicationError
from providers.models import ServiceProvider

from ..models import Rate

RATE_FIELDS = ("rate", "currency", "valid_from", "valid_to", "charge_defective")


class CostRecoveryPermissionDenied(ApplicationError):
    """An action the user's role does not allow (HTTP 403)."""

    status_code = 403


def require_rate_curator(user, provider_id: int | None = None) -> None:
    """Refuse (403) anyone who may not keep the rates (of this provider)."""
    scope = user_scope(user)
    allowed = (
        scope.curates_rates if provider_id is None else scope.may_curate_rates_for(provider_id)
    )
    if not allowed:
        raise CostRecoveryPermissionDenied(
            "Only the provider's managers and catalogue managers change its rates."
        )


def _lock_provider(provider_id: int) -> None:
    ServiceProvider.objects.select_for_update().filter(pk=provider_id).first()


def _save(rate: Rate, user, reason: str) -> Rate:
    try:
        rate.full_clean()
    except ValidationError as exc:
        errors = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"non_field_errors": [str(m) for m in exc.messages]}
        )
        first = next(iter(errors.values()))[0]
        raise ApplicationError(f"This rate cannot be saved: {first}", errors) from None
    rate._history_user = user
    rate._change_reason = reason
    rate.save()
    return rate


@transaction.atomic
def rate_create(
    *,
    user,
    offering: Offering,
    rate: Decimal,
    currency: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    charge_defective: bool = False,
    is_demo: bool = False,
    source: str = "",
    verification: str = "",
) -> Rate:
    """Add a rate to an offering's card, from ``valid_from`` (to ``valid_to``, or open)."""
    require_rate_curator(user, offering.provider_id)
    _lock_provider(offering.provider_id)
    return _save(
        Rate(
            offering=offering,
            rate=rate,
            currency=currency,
            valid_from=valid_from,
            valid_to=valid_to,
            charge_defective=charge_defective,
            is_demo=is_demo,
            source=source,
            verification=verification,
        ),
        user,
        "added",
    )


@transaction.atomic
def rate_update(*, user, rate: Rate, changes: dict) -> Rate:
    """Change a rate's fields (``changes``, of ``RATE_FIELDS``): to end one, give it a
    ``valid_to``. Months already issued are not changed: their difference becomes an
    adjustment of the next statement."""
    unknown = sorted(set(changes) - set(RATE_FIELDS))
    if unknown:
        raise ApplicationError(
            f"A rate has no field {', '.join(unknown)}.",
            {name: ["unknown field"] for name in unknown},
        )
    require_rate_curator(user, rate.offering.provider_id)
    _lock_provider(rate.offering.provider_id)
    rate = Rate.objects.select_related("offering__provider").get(pk=rate.pk)
    for name, value in changes.items():
        setattr(rate, name, value)
    return _save(rate, user, "changed")


@transaction.atomic
def rate_delete(*, user, rate: Rate) -> None:
    """Delete a rate (kept in its history). Records it priced become unpriced: a statement
    of theirs cannot be issued until a rate covers their days again."""
    require_rate_curator(user, rate.offering.provider_id)
    _lock_provider(rate.offering.provider_id)
    rate._history_user = user
    rate.delete()
