"""Reads of the catalogue: each selector owns its joins so callers get a fixed query count."""

import datetime as dt

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet

from core.zones import portal_today

from .choices import DesignationStatus
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
    return Designation.objects.select_related(
        "client", "service", "area", "provider", "requested_by", "decided_by"
    )


def visible_designations(scope) -> QuerySet[Designation]:
    """Designations a user may read (``UserScope.sees_designation``): approved ones for
    every signed-in user; requests for the central roles, the client entity's people and
    the requested provider's people."""
    rows = designation_queryset()
    if scope.sees_everything:
        return rows
    return rows.filter(
        Q(status=DesignationStatus.APPROVED)
        | Q(client_id__in=scope.client_ids)
        | Q(provider_id__in=scope.provider_ids)
    )


def in_force_on(day: dt.date) -> Q:
    """Designations that count on ``day``: approved, and ``day`` within their period."""
    return Q(status=DesignationStatus.APPROVED, valid_from__lte=day) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _pick(rows, service_id: int, area_id: int):
    """Of the designations of one client in force on one day, the one for a service: its
    own (service-level) designation, else its area's. Overlaps are refused on approval; if
    old data had one, the latest start wins."""
    own = [r for r in rows if r.service_id == service_id]
    if own:
        return max(own, key=lambda r: r.valid_from)
    area = [r for r in rows if r.area_id == area_id]
    return max(area, key=lambda r: r.valid_from) if area else None


def designated_providers(
    *, client_ids, services, on: dt.date
) -> dict[tuple[int, int], Designation]:
    """{(client id, service id): the designation in force on ``on``} for every pair of
    ``client_ids`` × ``services`` that has one (one query).

    The one rule of "who serves whom" (DOMAIN §9): a designation for the service itself
    wins over one for the service's area; only approved designations count. The catalogue
    pages, the client entity pages, SLA registration and the import report all ask here.
    """
    services = list(services)
    client_ids = list(client_ids)
    if not services or not client_ids:
        return {}
    rows = list(
        designation_queryset()
        .filter(in_force_on(on), client_id__in=client_ids)
        .filter(
            Q(service_id__in=[s.pk for s in services])
            | Q(area_id__in={s.area_id for s in services})
        )
    )
    by_client: dict[int, list[Designation]] = {}
    for row in rows:
        by_client.setdefault(row.client_id, []).append(row)
    chosen = {}
    for client_id, own in by_client.items():
        for service in services:
            found = _pick(own, service.pk, service.area_id)
            if found is not None:
                chosen[(client_id, service.pk)] = found
    return chosen


def designated_provider(*, client, service, on: dt.date | None = None) -> Designation | None:
    """Who is designated for ``client`` and ``service`` on ``on`` (today by default): the
    approved designation in force, service-level first, else the service's area; ``None``
    when nobody is."""
    on = on or portal_today()
    return designated_providers(client_ids=[client.pk], services=[service], on=on).get(
        (client.pk, service.pk)
    )


class DesignationIndex:
    """Every approved designation, loaded once (one query), to answer the same question as
    ``designated_providers`` for many (client, service, day) triples, e.g. each row of an
    import. ``provider_id(...)`` gives the designated provider's id or ``None``."""

    def __init__(self):
        self.rows: dict[int, list[Designation]] = {}
        for row in Designation.objects.filter(status=DesignationStatus.APPROVED).only(
            "client_id", "service_id", "area_id", "provider_id", "valid_from", "valid_to"
        ):
            self.rows.setdefault(row.client_id, []).append(row)
        self.area_of = dict(Service.objects.values_list("pk", "area_id"))
        self._answers: dict[tuple[int, int, dt.date], int | None] = {}

    def provider_id(self, *, client_id: int, service_id: int, on: dt.date) -> int | None:
        key = (client_id, service_id, on)
        if key not in self._answers:
            self._answers[key] = self._find(client_id, service_id, on)
        return self._answers[key]

    def _find(self, client_id: int, service_id: int, on: dt.date) -> int | None:
        rows = [
            r
            for r in self.rows.get(client_id, ())
            if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on)
        ]
        found = _pick(rows, service_id, self.area_of.get(service_id))
        return found.provider_id if found else None


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
    """The designation in force for each of ``client_ids`` and ``service`` (by client
    code): ``designated_providers`` for one service."""
    chosen = designated_providers(
        client_ids=client_ids, services=[service], on=on or portal_today()
    )
    return sorted(chosen.values(), key=lambda d: d.client.code)


def designations_for_client(*, client, on: dt.date | None = None) -> list[Designation]:
    """Designated providers of a client entity, in force on ``on``, by area then service:
    the rows ``designated_providers`` chooses from."""
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


def pending_designation_count(scope) -> int:
    """Requests waiting for a decision that the user may see."""
    return visible_designations(scope).filter(status=DesignationStatus.REQUESTED).count()
