"""The duplication analysis of support capacities, for management and catalogue managers
(``UserScope.reads_duplication_analysis``):

- **local sharing**: duty stations where two or more entities each run their own team for
  the same functional area (they could share one), with the posts involved and their total;
- **consolidation**: location-independent catalogue services of an area in which an entity
  runs its own team, while a global provider (or a regional one serving the duty station's
  country) offers them; the providers named;
- **hardship**: in-house teams at duty stations whose hardship class (ICSC, A–E and H) is
  one of ``HARDSHIP_CLASSES``.

Each analysis runs a fixed number of queries whatever the number of entities, capacities
or stations (aggregation in SQL; the rows read once are only grouped here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum

from catalogue.choices import Lifecycle, OfferingScope
from catalogue.models import FunctionalArea
from core.currencies import round_amount
from core.models import DutyStation

from ..choices import HARDSHIP_CLASSES, POSTS_DECIMAL_PLACES
from ..models import HardshipClassification, SupportCapacity

ANALYSES = ("local-sharing", "consolidation", "hardship")
POSTS_QUANTUM = Decimal(1).scaleb(-POSTS_DECIMAL_PLACES)


@dataclass(frozen=True)
class Filters:
    """What an analysis is narrowed to (each optional)."""

    area: FunctionalArea | None = None
    duty_station: DutyStation | None = None

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        if self.area is not None:
            condition &= Q(**{f"{prefix}area": self.area})
        if self.duty_station is not None:
            condition &= Q(**{f"{prefix}duty_station": self.duty_station})
        return condition


def _hardship_illustrative(verification: str | None) -> bool:
    return HardshipClassification(verification=verification or "").is_illustrative


def _in_house():
    return SupportCapacity.objects.filter(served_by__isnull=True)


# --- (a) local sharing -----------------------------------------------------------------


@dataclass(frozen=True)
class TeamRef:
    """One entity's own team in a finding."""

    capacity_id: int
    client_code: str
    client_name: str
    posts: Decimal
    annual_cost: Decimal | None
    currency: str
    illustrative: bool


@dataclass
class LocalSharing:
    """Two or more entities each running their own team for ``area`` at a duty station.

    ``total_cost`` adds the costs given, when they are in one currency (``currency``);
    ``costed`` says how many of the teams gave one. With several currencies it is None
    and ``currency`` lists them."""

    duty_station_code: str
    duty_station_name: str
    hardship_class: str
    hardship_illustrative: bool
    area_code: str
    area_name: str
    entities: int
    total_posts: Decimal
    total_cost: Decimal | None
    currency: str
    costed: int
    illustrative: bool
    teams: list[TeamRef] = field(default_factory=list)


def local_sharing(*, filters: Filters = Filters()) -> list[LocalSharing]:
    """Duty stations × areas with two or more entities' own teams, most posts first
    (two queries)."""
    groups = (
        _in_house()
        .filter(filters.q())
        .values(
            "duty_station__code",
            "duty_station__name",
            "duty_station__hardship__hardship_class",
            "duty_station__hardship__verification",
            "area__code",
            "area__name",
        )
        .annotate(
            entities=Count("client", distinct=True),
            total_posts=Sum("posts"),
            total_cost=Sum("annual_cost"),
            costed=Count("annual_cost"),
            currencies=Count("currency", distinct=True, filter=~Q(currency="")),
            currency=Max("currency"),
            demo=Count("pk", filter=Q(is_demo=True)),
        )
        .filter(entities__gte=2)
        .order_by("-total_posts", "duty_station__code", "area__code")
    )
    findings: dict[tuple[str, str], LocalSharing] = {}
    for row in groups:
        several = row["currencies"] > 1
        findings[(row["duty_station__code"], row["area__code"])] = LocalSharing(
            duty_station_code=row["duty_station__code"],
            duty_station_name=row["duty_station__name"],
            hardship_class=row["duty_station__hardship__hardship_class"] or "",
            hardship_illustrative=_hardship_illustrative(
                row["duty_station__hardship__verification"]
            ),
            area_code=row["area__code"],
            area_name=row["area__name"],
            entities=row["entities"],
            # Sums typed alike on every database: posts in hundredths, a cost in its
            # currency's minor unit.
            total_posts=Decimal(row["total_posts"]).quantize(POSTS_QUANTUM),
            total_cost=None
            if several or not row["costed"]
            else round_amount(Decimal(row["total_cost"]), row["currency"]),
            currency="several" if several else (row["currency"] or ""),
            costed=row["costed"],
            illustrative=row["demo"] > 0,
        )
    if not findings:
        return []
    others = (
        _in_house()
        .filter(duty_station=OuterRef("duty_station"), area=OuterRef("area"))
        .exclude(client=OuterRef("client"))
    )
    teams = (
        _in_house()
        .filter(filters.q())
        .filter(Exists(others))
        .values_list(
            "duty_station__code",
            "area__code",
            "pk",
            "client__code",
            "client__name",
            "posts",
            "annual_cost",
            "currency",
            "is_demo",
        )
        .order_by("client__code")
    )
    for station, area, *team in teams:
        finding = findings.get((station, area))
        if finding is not None:
            finding.teams.append(TeamRef(*team))
    return list(findings.values())


# --- (b) consolidation candidates ------------------------------------------------------


@dataclass(frozen=True)
class OfferedBy:
    code: str
    name: str
    scope: str


@dataclass
class Consolidation:
    """An entity's own team for the area of a location-independent service that global or
    regional providers offer at its duty station."""

    capacity_id: int
    client_code: str
    client_name: str
    duty_station_code: str
    duty_station_name: str
    area_code: str
    posts: Decimal
    annual_cost: Decimal | None
    currency: str
    illustrative: bool
    service_code: str
    service_name: str
    providers: list[OfferedBy] = field(default_factory=list)

    @property
    def provider_codes(self) -> str:
        return "; ".join(p.code for p in self.providers)


def consolidation(*, filters: Filters = Filters()) -> list[Consolidation]:
    """Each (own team, location-independent service of its area) that a global provider,
    or a regional one whose offering covers the duty station's country, offers; the
    entity's own provider units left out (one query)."""
    offered = Q(area__services__offerings__scope=OfferingScope.GLOBAL) | Q(
        area__services__offerings__scope=OfferingScope.REGIONAL,
        area__services__offerings__countries__country=F("duty_station__country"),
    )
    rows = (
        _in_house()
        .filter(filters.q())
        .filter(
            offered,
            area__services__location_independent=True,
            area__services__lifecycle=Lifecycle.LIVE,
        )
        .values_list(
            "pk",
            "client_id",
            "client__code",
            "client__name",
            "duty_station__code",
            "duty_station__name",
            "area__code",
            "posts",
            "annual_cost",
            "currency",
            "is_demo",
            "area__services__code",
            "area__services__name",
            "area__services__offerings__provider__code",
            "area__services__offerings__provider__name",
            "area__services__offerings__scope",
            "area__services__offerings__provider__entity_id",
        )
        .distinct()
        .order_by(
            "client__code",
            "duty_station__code",
            "area__code",
            "area__services__code",
            "area__services__offerings__provider__code",
        )
    )
    findings: dict[tuple[int, str], Consolidation] = {}
    for (pk, client_id, client_code, client_name, station, station_name, area, posts, cost,
         currency, demo, service, service_name, provider, provider_name, scope,
         provider_entity) in rows:  # fmt: skip
        if provider_entity == client_id:
            continue  # an entity does not consolidate into its own provider unit
        finding = findings.get((pk, service))
        if finding is None:
            finding = findings[(pk, service)] = Consolidation(
                pk, client_code, client_name, station, station_name, area, posts, cost,
                currency, demo, service, service_name,
            )  # fmt: skip
        offer = OfferedBy(provider, provider_name, scope)
        if offer not in finding.providers:
            finding.providers.append(offer)
    return list(findings.values())


# --- (c) hardship duty stations --------------------------------------------------------


@dataclass(frozen=True)
class HardshipTotals:
    capacities: int
    entities: int
    duty_stations: int
    posts: Decimal


def hardship_capacities(*, filters: Filters = Filters()):
    """Own teams at duty stations of a hardship class in ``HARDSHIP_CLASSES``, the most
    difficult class first (one query, read as the page or the export goes)."""
    return (
        _in_house()
        .filter(filters.q(), duty_station__hardship__hardship_class__in=HARDSHIP_CLASSES)
        .select_related("client", "duty_station__hardship", "area")
        .order_by(
            "-duty_station__hardship__hardship_class",
            "duty_station__code",
            "area__code",
            "client__code",
        )
    )


def hardship_totals(*, filters: Filters = Filters()) -> HardshipTotals:
    """The teams, entities, duty stations and posts of ``hardship_capacities`` (one
    query)."""
    totals = (
        hardship_capacities(filters=filters)
        .order_by()
        .aggregate(
            capacities=Count("pk"),
            entities=Count("client", distinct=True),
            duty_stations=Count("duty_station", distinct=True),
            posts=Sum("posts"),
        )
    )
    return HardshipTotals(
        capacities=totals["capacities"],
        entities=totals["entities"],
        duty_stations=totals["duty_stations"],
        posts=totals["posts"] or Decimal(0),
    )
