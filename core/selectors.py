from django.db.models import Prefetch, QuerySet

from .models import AuditEntry, DutyStation, Holiday


def duty_station_queryset() -> QuerySet[DutyStation]:
    """Duty stations with their holidays (one extra query, whatever the number of rows)."""
    return DutyStation.objects.prefetch_related(
        Prefetch("holidays", queryset=Holiday.objects.order_by("date"))
    )


def holiday_queryset() -> QuerySet[Holiday]:
    return Holiday.objects.select_related("duty_station")


def audit_entry_queryset(*, user) -> QuerySet[AuditEntry]:
    """The audit trail: all of it for catalogue managers and management, nothing for others."""
    from accounts.selectors import user_scope

    if not user_scope(user).sees_everything:
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor").order_by("-at", "-id")
