"""Reads of the catalogue: each selector owns its joins so callers get a fixed query count."""

import datetime as dt

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet

from core.zones import portal_today

from .models import (
    Designation,
    FunctionalArea,
    MinimumServiceStandard,
    Offering,
    OfferingCountry,
    Service,
)


def area_queryset() -> QuerySet[FunctionalArea]:
    return FunctionalArea.objects.annotate(service_count=Count("services")).order_by("name")


def service_queryset() -> QuerySet[Service]:
    """Services with their area and the number of providers offering each."""
    return (
        Service.objects.select_related("area")
        .annotate(provider_count=Count("offerings", distinct=True))
        .order_by("code")
    )


def with_rate_on(offerings: QuerySet[Offering], day: dt.date) -> QuerySet[Offering]:
    """Offerings with the rate in force on ``day`` as ``cost_recovery_rate`` and
    ``currency`` (None when none is): read from the rate card the cost-recovery app keeps,
    through the ``rates`` relation its model declares (no import upwards). The rates of
    one offering never overlap, so this joins at most one row per offering."""
    in_force = Q(rates__valid_from__lte=day) & (
        Q(rates__valid_to__isnull=True) | Q(rates__valid_to__gte=day)
    )
    return offerings.annotate(rate_today=FilteredRelation("rates", condition=in_force)).annotate(
        cost_recovery_rate=F("rate_today__rate"),
        currency=F("rate_today__currency"),
        charge_defective=F("rate_today__charge_defective"),
    )


def offering_queryset(*, on: dt.date | None = None) -> QuerySet[Offering]:
    """Offerings with their provider, service, countries and the rate in force on ``on``
    (today, by default)."""
    return with_rate_on(
        Offering.objects.select_related(
            "provider", "provider__duty_station", "service", "service__area"
        ).prefetch_related(
            Prefetch("countries", queryset=OfferingCountry.objects.order_by("country"))
        ),
        on or portal_today(),
    )


def rates_in_force(*, offering_ids, on: dt.date) -> dict[int, tuple]:
    """{offering id: (rate, currency)} of the rates in force on ``on`` (one query)."""
    return {
        pk: (rate, currency)
        for pk, rate, currency in with_rate_on(Offering.objects.filter(pk__in=offering_ids), on)
        .filter(cost_recovery_rate__isnull=False)
        .values_list("pk", "cost_recovery_rate", "currency")
    }


def standard_queryset() -> QuerySet[MinimumServiceStandard]:
    return MinimumServiceStandard.objects.select_related("service", "service__area")


def designation_queryset() -> QuerySet[Designation]:
    return Designation.objects.select_related("client", "service", "area", "provider")


def in_force_on(day: dt.date) -> Q:
    """Designations in force on ``day``."""
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def service_detail(*, code: str) -> Service:
    """One service with its standards and the offerings of every provider."""
    return (
        Service.objects.select_related("area")
        .prefetch_related(
            Prefetch("standards", queryset=MinimumServiceStandard.objects.order_by("kind", "code")),
            Prefetch("offerings", queryset=offering_queryset().order_by("provider__code")),
        )
        .get(code=code)
    )


def designations_for_service(
    *, service: Service, client_ids, on: dt.date | None = None
) -> list[Designation]:
    """The designation in force for each of ``client_ids`` and ``service``.

    A designation for the service itself wins over one for the service's area.
    """
    on = on or portal_today()
    rows = (
        designation_queryset()
        .filter(in_force_on(on), client_id__in=list(client_ids))
        .filter(Q(service=service) | Q(area_id=service.area_id))
        .order_by("client__code", "-effective_from")
    )
    chosen: dict[int, Designation] = {}
    for row in rows:
        current = chosen.get(row.client_id)
        if current is None or (row.service_id and not current.service_id):
            chosen[row.client_id] = row
    return list(chosen.values())


def designations_for_client(*, client, on: dt.date | None = None) -> list[Designation]:
    """Designated providers of a client entity, in force on ``on``, by area then service."""
    on = on or portal_today()
    return list(
        designation_queryset()
        .filter(in_force_on(on), client=client)
        .order_by("area__name", "service__code", "provider__code")
    )


def designations_for_provider(*, provider, on: dt.date | None = None) -> list[Designation]:
    """Client entities a provider is designated to serve, in force on ``on``."""
    on = on or portal_today()
    return list(
        designation_queryset()
        .filter(in_force_on(on), provider=provider)
        .order_by("client__code", "area__name", "service__code")
    )
