"""Reads of the audit trail."""

from django.db.models import QuerySet

from accounts.selectors import user_scope
from core.models import AuditEntry


def audit_entry_queryset(*, user) -> QuerySet[AuditEntry]:
    """The audit trail: all of it for catalogue managers and management, nothing for others."""
    if not user_scope(user).reads_audit_trail:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor").order_by("-at", "-id")
