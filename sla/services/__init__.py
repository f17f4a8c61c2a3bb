"""Writes of the sla app: record imports (``records``) and agreements (``agreements``)."""

from .records import (
    IMPORTING_ROLES,
    importable_provider_ids,
    mark_pending,
    mark_remeasure,
    record_delete,
    record_import_apply,
    record_import_confirm,
    record_import_create,
    record_import_not_started,
    record_import_validate,
    records_import,
    records_recompute_calendar,
)

__all__ = [
    "IMPORTING_ROLES",
    "importable_provider_ids",
    "mark_pending",
    "mark_remeasure",
    "record_delete",
    "record_import_apply",
    "record_import_confirm",
    "record_import_create",
    "record_import_not_started",
    "record_import_validate",
    "records_import",
    "records_recompute_calendar",
]
