from django.db.models import Count, Prefetch, QuerySet

from core.models import Holiday

from .models import ServiceProvider


def provider_queryset() -> QuerySet[ServiceProvider]:
    """Providers with duty station and the number of services each offers."""
    return (
        ServiceProvider.objects.select_related("duty_station", "entity")
        .annotate(service_count=Count("offerings", distinct=True))
        .order_by("code")
    )


def provider_detail(*, code: str) -> ServiceProvider:
    """One provider with its duty station and the station's holidays."""
    return (
        ServiceProvider.objects.select_related("duty_station", "entity")
        .prefetch_related(
            Prefetch("duty_station__holidays", queryset=Holiday.objects.order_by("date"))
        )
        .get(code=code)
    )
