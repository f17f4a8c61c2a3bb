"""Reads of the support network (DOMAIN §9): the designation advisor and the network map.

Designations are read through the catalogue's rule of which designations count
(``catalogue.selectors.in_force_on``: approved, within their dates) and of who is
designated for a service (``designated_providers``).
Each selector runs a fixed number of queries whatever the number of providers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.selectors import user_scope
from catalogue.choices import MeasureKind, OfferingScope
from catalogue.models import Designation, FunctionalArea, Offering, Service
from catalogue.selectors import designated_providers, in_force_on, with_rate_on
from clients.models import ClientEntity
from compliance.choices import MIN_ANSWERS_SHOWN, ComplianceScope
from compliance.models import ComplianceResult
from core.clock import WorkCalendar, iso_week_bounds, working_overlap_seconds
from core.figures import duration_hm
from core.models import DutyStation, Holiday
from core.months import add_months, local_month, month_start, months_up_to
from core.zones import portal_today
from providers.models import ServiceProvider
from surveys.choices import SATISFIED_FROM
from surveys.models import Answer

from . import geo
from .scoring import NO_DATA, Candidate, Factor, cost_factors, percent, rank, ratio

# The advisor's window: this many complete months, in each provider's own zone.
ADVISOR_MONTHS = 6
ONE, ZERO = Decimal("1.0000"), Decimal("0.0000")

# --------------------------------------------------------------------------------------
# Designations (the one place that reads them)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DesignationLink:
    """A designation in force: who serves whom, for a service or a whole area."""

    client: ClientEntity
    provider: ServiceProvider
    service: Service | None
    area: FunctionalArea | None
    valid_from: dt.date
    valid_to: dt.date | None

    @property
    def what(self) -> str:
        return self.service.code if self.service is not None else self.area.code

    @property
    def area_id(self) -> int:
        return self.service.area_id if self.service is not None else self.area.pk


def designations_in_force(*, on: dt.date, client_ids=None) -> list[DesignationLink]:
    """The designations in force on ``on`` (of ``client_ids`` when given), by client, area,
    service, provider (one query)."""
    rows = Designation.objects.select_related(
        "client__duty_station__location",
        "provider__duty_station__location",
        "service",
        "area",
    ).filter(in_force_on(on))
    if client_ids is not None:
        rows = rows.filter(client_id__in=list(client_ids))
    return [
        DesignationLink(d.client, d.provider, d.service, d.area, d.valid_from, d.valid_to)
        for d in rows.order_by("client__code", "area__code", "service__code", "provider__code")
    ]


# --------------------------------------------------------------------------------------
# Months and weeks
# --------------------------------------------------------------------------------------


def last_complete_month(zone: ZoneInfo, now: dt.datetime) -> dt.date:
    """The last month that is over in ``zone`` (the month before the current local one)."""
    return add_months(local_month(now, zone), -1)


def reference_week(today: dt.date) -> str:
    """The last complete ISO week before ``today``'s, as ``YYYY-Www``."""
    year, week, _ = (today - dt.timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def _calendars(stations: list[DutyStation]) -> dict[int, WorkCalendar]:
    """The work calendars of ``stations`` with their holidays (one query)."""
    holidays = defaultdict(list)
    for station_id, day in Holiday.objects.filter(
        duty_station_id__in={s.pk for s in stations}
    ).values_list("duty_station_id", "date"):
        holidays[station_id].append(day.isoformat())
    return {
        s.pk: WorkCalendar.from_json(s.calendar_json(holidays=holidays[s.pk])) for s in stations
    }


# --------------------------------------------------------------------------------------
# The designation advisor
# --------------------------------------------------------------------------------------


@dataclass
class Advice:
    """The ranking of the providers of a service for a client entity."""

    client: ClientEntity
    service: Service
    week: str
    client_week_seconds: int | None
    candidates: list[Candidate] = field(default_factory=list)
    message: str = ""

    @property
    def week_days(self) -> tuple[dt.date, dt.date]:
        """The Monday and the Sunday of the reference week."""
        start, end = iso_week_bounds(self.week)
        return start.date(), end.date() - dt.timedelta(days=1)


def _per_week(seconds: int) -> str:
    """Working time of a week as the page shows it: ``28 h 30 min a week``."""
    return f"{duration_hm(seconds)} a week"


def designation_advice(
    *, client: ClientEntity, service: Service, week: str | None = None, now=None
) -> Advice:
    """Every provider offering ``service``, scored and ranked for ``client`` (see
    ``network.scoring``). ``week`` (``YYYY-Www``) is the reference week of the overlap, by
    default the last complete one. Seven queries whatever the number of providers.

    Note: the attainment and satisfaction read here are provider-wide figures (minimum
    service standards, anonymous survey shares), never another client's SLA figures."""
    now = now or timezone.now()
    today = portal_today(now)
    week = week or reference_week(today)
    offerings = list(
        with_rate_on(
            Offering.objects.filter(service=service)
            .select_related("provider__duty_station")
            .prefetch_related("countries"),
            today,
        ).order_by("provider__code")
    )
    if not offerings:
        return Advice(
            client, service, week, None, [], f"No provider offers {service.code} in the catalogue."
        )
    providers = [o.provider for o in offerings]
    windows = {
        p.pk: months_up_to(
            last_complete_month(ZoneInfo(p.duty_station.timezone), now), ADVISOR_MONTHS
        )
        for p in providers
    }
    months = sorted({m for window in windows.values() for m in window})
    provider_ids = [p.pk for p in providers]
    attainment = _attainment(provider_ids, service, months, windows)
    satisfaction = _satisfaction(provider_ids, service, months, windows)
    stations = [p.duty_station for p in providers]
    if client.duty_station_id:
        stations.append(client.duty_station)
    calendars = _calendars(stations)
    start, end = iso_week_bounds(week)
    client_seconds = None
    if client.duty_station_id:
        mine = calendars[client.duty_station_id]
        client_seconds = working_overlap_seconds(mine, mine, start, end)
    chosen = designated_providers(client_ids=[client.pk], services=[service], on=today)
    designated = {d.provider_id for d in chosen.values()}
    costs = cost_factors({o.pk: (o.cost_recovery_rate, o.currency) for o in offerings})
    candidates = []
    for offering in offerings:
        provider = offering.provider
        window = windows[provider.pk]
        overlap, seconds = _overlap_factor(calendars, provider, client, client_seconds, start, end)
        candidates.append(
            Candidate(
                code=provider.code,
                name=provider.name,
                designated=provider.pk in designated,
                factors={
                    "attainment": attainment[provider.pk],
                    "satisfaction": satisfaction[provider.pk],
                    "cost": costs[offering.pk],
                    "overlap": overlap,
                    "scope": _scope_factor(offering, client),
                },
                extra={
                    "first_month": window[0],
                    "last_month": window[-1],
                    "duty_station": provider.duty_station.code,
                    "overlap_seconds": seconds,
                },
            )
        )
    return Advice(client, service, week, client_seconds, rank(candidates))


def _attainment(provider_ids, service, months, windows) -> dict[int, Factor]:
    """met ÷ eligible of the timeliness and accuracy standards' results (one query)."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for provider_id, period, eligible, met in (
        ComplianceResult.objects.filter(
            scope=ComplianceScope.MSS,
            provider_id__in=provider_ids,
            service=service,
            period__in=months,
        )
        .exclude(kind=MeasureKind.SATISFACTION)
        .order_by()
        .values("provider_id", "period")
        .annotate(eligible=Sum("eligible"), met=Sum("met"))
        .values_list("provider_id", "period", "eligible", "met")
    ):
        if period in windows[provider_id]:
            sums[provider_id][0] += eligible or 0
            sums[provider_id][1] += met or 0
    factors = {}
    for provider_id in provider_ids:
        eligible, met = sums[provider_id]
        score = ratio(met, eligible)
        if score is None:
            factors[provider_id] = Factor(
                "attainment", None, NO_DATA, "no eligible record in these months"
            )
        else:
            factors[provider_id] = Factor(
                "attainment",
                score,
                percent(score),
                f"{met} of {eligible} records met the standards",
                {"eligible": eligible, "met": met},
            )
    return factors


def _satisfaction(provider_ids, service, months, windows) -> dict[int, Factor]:
    """Satisfied ÷ answers of the survey (one query); withheld below the threshold."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for provider_id, month, answers, satisfied in (
        Answer.objects.filter(
            provider_id__in=provider_ids, service=service, answer_month__in=months
        )
        .order_by()
        .values("provider_id", "answer_month")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(overall__gte=SATISFIED_FROM)))
        .values_list("provider_id", "answer_month", "n", "satisfied")
    ):
        if month in windows[provider_id]:
            sums[provider_id][0] += answers
            sums[provider_id][1] += satisfied
    factors = {}
    for provider_id in provider_ids:
        answers, satisfied = sums[provider_id]
        if answers == 0:
            factors[provider_id] = Factor("satisfaction", None, NO_DATA, "no survey answer")
        elif answers < MIN_ANSWERS_SHOWN:
            factors[provider_id] = Factor(
                "satisfaction",
                None,
                NO_DATA,
                f"fewer than {MIN_ANSWERS_SHOWN} answers (withheld to keep answers anonymous)",
            )
        else:
            score = ratio(satisfied, answers)
            factors[provider_id] = Factor(
                "satisfaction",
                score,
                percent(score),
                f"{satisfied} of {answers} answers scored 4 or 5",
                {"answers": answers, "satisfied": satisfied},
            )
    return factors


def _overlap_factor(calendars, provider, client, client_seconds, start, end):
    if not client.duty_station_id:
        return Factor("overlap", None, NO_DATA, "the client entity has no duty station"), None
    seconds = working_overlap_seconds(
        calendars[provider.duty_station_id], calendars[client.duty_station_id], start, end
    )
    figures = {"seconds": seconds, "client_seconds": client_seconds}
    if not client_seconds:
        note = "the client's duty station does not work that week"
        return Factor("overlap", None, _per_week(seconds), note, figures), seconds
    score = ratio(seconds, client_seconds)
    note = f"{percent(score)} of the client's {duration_hm(client_seconds)}"
    return Factor("overlap", score, _per_week(seconds), note, figures), seconds


def _scope_factor(offering: Offering, client: ClientEntity) -> Factor:
    countries = [c.country for c in offering.countries.all()]
    figures = {"scope": offering.scope, "countries": countries, "client_country": client.country}
    label = OfferingScope(offering.scope).label
    if offering.scope == OfferingScope.GLOBAL:
        return Factor("scope", ONE, label, "serves every country", figures)
    if client.country in countries:
        return Factor("scope", ONE, label, f"serves {client.country}", figures)
    served = ", ".join(countries) or "no country listed"
    return Factor(
        "scope", ZERO, label, f"does not serve {client.country} (serves {served})", figures
    )


# --------------------------------------------------------------------------------------
# The network map
# --------------------------------------------------------------------------------------

# Attainment bands of the map's provider markers (met ÷ eligible, last complete month).
BANDS = (
    ("high", Decimal("0.95"), "95% or more"),
    ("mid", Decimal("0.80"), "80% to under 95%"),
    ("low", Decimal(0), "under 80%"),
)
NO_DATA_BAND = ("none", None, "no data")
# A provider whose figures the viewer may not see (``UserScope.sees_provider``): drawn
# uncoloured, its attainment left out of the page and the API alike.
NOT_SHOWN_BAND = ("hidden", None, "not shown")
# The widest scope of a provider's offerings comes first.
SCOPE_ORDER = (OfferingScope.GLOBAL, OfferingScope.REGIONAL, OfferingScope.LOCAL)


def band_of(attainment: Decimal | None) -> str:
    """The band (css suffix) of an attainment: high, mid, low, or none (no data)."""
    if attainment is None:
        return NO_DATA_BAND[0]
    return next(name for name, floor, _ in BANDS if attainment >= floor)


@dataclass
class Point:
    """A provider or a client entity on the map; ``x``/``y`` None when its duty station
    has no known location. A provider's attainment is that of its last complete month;
    ``shown`` is False when the viewer may not see it (its figures are then empty)."""

    code: str
    name: str
    station: DutyStation | None
    x: float | None = None
    y: float | None = None
    attainment: Decimal | None = None
    eligible: int = 0
    met: int = 0
    month: dt.date | None = None
    band: str = NO_DATA_BAND[0]
    shown: bool = True
    provisional: bool = False
    scope: str = ""  # the widest scope of its offerings ("" when it offers nothing here)
    countries: tuple[str, ...] = ()  # the countries its offerings of that scope serve

    @property
    def located(self) -> bool:
        return self.x is not None

    @property
    def location(self):
        """The duty station's ``DutyStationLocation`` (None when not known)."""
        return getattr(self.station, "location", None) if self.station else None

    @property
    def corner(self) -> tuple[float, float]:
        """The top-left corner of a client's square marker (6 × 6, centred on it)."""
        return round(self.x - 3, 1), round(self.y - 3, 1)


@dataclass
class NetworkMap:
    providers: list[Point]
    clients: list[Point]
    designations: list[DesignationLink]
    lines: list[tuple[Point, Point]]
    area: FunctionalArea | None
    on: dt.date
    width: int = geo.WIDTH
    height: int = geo.HEIGHT

    @property
    def hides_some(self) -> bool:
        """Whether some provider's attainment is not shown to this viewer."""
        return any(not p.shown for p in self.providers)


def _place(point: Point) -> Point:
    if point.location is not None:
        point.x, point.y = geo.project(
            float(point.location.longitude), float(point.location.latitude)
        )
    return point


def map_month(zone: ZoneInfo, on: dt.date, now: dt.datetime) -> dt.date:
    """The month whose attainment the map shows for a provider in ``zone`` on the day
    ``on``: the last month complete on that day (from today on: in the provider's zone,
    now)."""
    if on >= portal_today(now):
        return last_complete_month(zone, now)
    return add_months(month_start(on), -1)


def _scopes(provider_ids, area) -> dict[int, tuple[str, tuple[str, ...]]]:
    """{provider id: (widest scope of its offerings, of ``area`` when given; the countries
    its offerings of that scope serve)} (one query)."""
    rows = Offering.objects.filter(provider_id__in=provider_ids)
    if area is not None:
        rows = rows.filter(service__area=area)
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for provider_id, scope, country in rows.order_by().values_list(
        "provider_id", "scope", "countries__country"
    ):
        countries = found[provider_id][scope]
        if country:
            countries.add(country)
    scopes = {}
    for provider_id, by_scope in found.items():
        widest = next(s for s in SCOPE_ORDER if s in by_scope)
        countries = () if widest == OfferingScope.GLOBAL else tuple(sorted(by_scope[widest]))
        scopes[provider_id] = (str(widest), countries)
    return scopes


def network_map(
    *, user, area: FunctionalArea | None = None, on: dt.date | None = None, now=None
) -> NetworkMap:
    """Providers (coloured by attainment in their last complete month), the client entities
    they are designated to serve, and the designations in force on ``on`` (today by
    default), of ``area`` or all, as ``user`` may see them: a provider's attainment only
    where ``UserScope.sees_provider`` allows (as on the compliance pages), else not shown.
    The page and the API both draw from here. Four queries whatever the number of rows
    (and the user's scope, read once per request)."""
    scope = user_scope(user)
    now = now or timezone.now()
    on = on or portal_today(now)
    links = [d for d in designations_in_force(on=on) if area is None or d.area_id == area.pk]
    providers = ServiceProvider.objects.select_related("duty_station__location")
    if area is not None:
        providers = providers.filter(
            Q(offerings__service__area=area) | Q(pk__in={d.provider.pk for d in links})
        ).distinct()
    providers = list(providers.order_by("code"))
    months = {p.pk: map_month(ZoneInfo(p.duty_station.timezone), on, now) for p in providers}
    shown = {p.pk for p in providers if scope.sees_provider(p.pk)}
    results = ComplianceResult.objects.filter(
        scope=ComplianceScope.MSS,
        provider_id__in=sorted(shown),
        period__in=set(months.values()),
    ).exclude(kind=MeasureKind.SATISFACTION)
    if area is not None:
        results = results.filter(service__area=area)
    sums: dict[int, tuple[int, int, bool]] = {}
    for provider_id, period, eligible, met, provisional in (
        results.order_by()
        .values("provider_id", "period")
        .annotate(
            eligible=Sum("eligible"),
            met=Sum("met"),
            provisional=Count("id", filter=Q(provisional=True)),
        )
        .values_list("provider_id", "period", "eligible", "met", "provisional")
    ):
        if months[provider_id] == period:
            sums[provider_id] = (eligible or 0, met or 0, bool(provisional))
    scopes = _scopes([p.pk for p in providers], area)
    provider_points = {}
    for provider in providers:
        offered, countries = scopes.get(provider.pk, ("", ()))
        point = Point(
            provider.code,
            provider.name,
            provider.duty_station,
            month=months[provider.pk],
            scope=offered,
            countries=countries,
        )
        if provider.pk in shown:
            eligible, met, provisional = sums.get(provider.pk, (0, 0, False))
            point.eligible, point.met, point.provisional = eligible, met, provisional
            point.attainment = ratio(met, eligible)
            point.band = band_of(point.attainment)
        else:
            point.shown, point.band = False, NOT_SHOWN_BAND[0]
        provider_points[provider.pk] = _place(point)
    client_points = {}
    for d in links:
        if d.client.pk not in client_points:
            client_points[d.client.pk] = _place(
                Point(d.client.code, d.client.name, d.client.duty_station)
            )
    lines, drawn = [], set()
    for d in links:
        pair = (d.provider.pk, d.client.pk)
        start, end = provider_points.get(d.provider.pk), client_points[d.client.pk]
        if pair in drawn or start is None or not (start.located and end.located):
            continue
        drawn.add(pair)
        lines.append((start, end))
    return NetworkMap(
        providers=list(provider_points.values()),
        clients=sorted(client_points.values(), key=lambda p: p.code),
        designations=links,
        lines=lines,
        area=area,
        on=on,
    )
