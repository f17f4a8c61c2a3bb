"""Reads of cost recovery: the rate card, statements (issued, or drafts computed from the
records), volumes against the SLAs, and value for money. Each owns its queries, so pages
and the API run a fixed number of them."""

from .rates import in_force_on, rate_queryset
from .statements import (
    Line,
    StatementView,
    Unpriced,
    current_month,
    month_has_ended,
    statement_for,
    statement_queryset,
)
from .value import ValueRow, value_for_money
from .volumes import LineVolume, line_volumes

__all__ = [
    "Line",
    "LineVolume",
    "StatementView",
    "Unpriced",
    "ValueRow",
    "current_month",
    "in_force_on",
    "line_volumes",
    "month_has_ended",
    "rate_queryset",
    "statement_for",
    "statement_queryset",
    "value_for_money",
]
