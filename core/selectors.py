from django.db.models import Prefetch, QuerySet

from .models import DutyStation, Holiday


def duty_station_queryset() -> QuerySet[DutyStation]:
    """Duty stations with their holidays (one extra query, whatever the number of rows)."""
    return DutyStation.objects.prefetch_related(
        Prefetch("holidays", queryset=Holiday.objects.order_by("date"))
    )


def holiday_queryset() -> QuerySet[Holiday]:
    return Holiday.objects.select_related("duty_station")
