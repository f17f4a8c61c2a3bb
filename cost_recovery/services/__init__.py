"""Writes of cost recovery: the rate card, the statements' life cycle, the volume notices
and the reference rates."""

from .rates import (
    RATE_FIELDS,
    CostRecoveryPermissionDenied,
    rate_create,
    rate_delete,
    rate_update,
    require_rate_curator,
)
from .reference import load_reference_rates
from .statements import (
    check_period,
    statement_acknowledge,
    statement_dispute,
    statement_issue,
    statement_url,
)
from .volumes import volume_notices_send

__all__ = [
    "RATE_FIELDS",
    "CostRecoveryPermissionDenied",
    "check_period",
    "load_reference_rates",
    "rate_create",
    "rate_delete",
    "rate_update",
    "require_rate_curator",
    "statement_acknowledge",
    "statement_dispute",
    "statement_issue",
    "statement_url",
    "volume_notices_send",
]
