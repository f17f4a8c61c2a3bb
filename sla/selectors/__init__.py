"""Reads of the sla app: records and imports (``records``), agreements (``agreements``)."""

from .agreements import (
    agreement_sections,
    sla_comparison,
    sla_detail,
    sla_history,
    sla_queryset,
)
from .compliance import (
    MATRIX_ROWS_PER_PAGE,
    compliance_matrix,
    compliance_queryset,
    compliance_summary,
    last_computed_at,
    open_breaches,
    pending_months,
    records_url,
    remeasure_pending_since,
)
from .records import (
    Deadline,
    calendars_to_remeasure,
    record_deadlines,
    record_import_queryset,
    record_queryset,
)

__all__ = [
    "MATRIX_ROWS_PER_PAGE",
    "Deadline",
    "agreement_sections",
    "calendars_to_remeasure",
    "compliance_matrix",
    "compliance_queryset",
    "compliance_summary",
    "last_computed_at",
    "open_breaches",
    "pending_months",
    "record_deadlines",
    "record_import_queryset",
    "record_queryset",
    "records_url",
    "remeasure_pending_since",
    "sla_comparison",
    "sla_detail",
    "sla_history",
    "sla_queryset",
]
