"""Reads of the sla app: records and imports (``records``), agreements (``agreements``)."""

from .agreements import (
    agreement_sections,
    sla_comparison,
    sla_detail,
    sla_history,
    sla_queryset,
)
from .records import Deadline, record_deadlines, record_import_queryset, record_queryset

__all__ = [
    "Deadline",
    "agreement_sections",
    "record_deadlines",
    "record_import_queryset",
    "record_queryset",
    "sla_comparison",
    "sla_detail",
    "sla_history",
    "sla_queryset",
]
