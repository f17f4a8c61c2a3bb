"""Reads of compliance results: scoped, summarised, and the records behind a figure."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Sum, When
from django.urls import reverse
from django.utils.http import urlencode

from accounts.selectors import user_scope
from catalogue.choices import MeasureKind
from core.months import PROVISIONAL
from core.zones import portal_today
from records.models import PendingCompliance, PendingRemeasure

from .choices import ComplianceScope, ComplianceStatus
from .models import WITHHELD_RESULTS, ComplianceResult, ComplianceRun, figures_withheld

GROUPS = {
    "provider": ("provider__code", "provider__name"),
    "client": ("client__code", "client__name"),
    "service": ("service__code", "service__name"),
    "area": ("service__area__code", "service__area__name"),
    "standard": ("standard__code", "standard__service__name"),
}


def compliance_queryset(*, user) -> QuerySet[ComplianceResult]:
    """Results ``user`` may see. Providers see their own; a client sees its own SLA
    results and the standards of the providers designated to serve it; global roles see
    everything. A client never sees another client's SLA figures."""
    scope = user_scope(user)
    qs = ComplianceResult.objects.select_related(
        "provider", "client", "service", "standard", "sla__agreement"
    )
    if scope.sees_everything:
        return qs
    if not (scope.provider_ids or scope.client_ids):
        return qs.none()
    return qs.filter(
        Q(provider_id__in=scope.provider_ids)
        | Q(scope=ComplianceScope.SLA, client_id__in=scope.client_ids)
        | Q(scope=ComplianceScope.MSS, provider_id__in=scope.served_provider_ids)
    )


@dataclass(frozen=True)
class SummaryRow:
    code: str
    name: str
    results: int
    eligible: int
    met: int
    breached: int
    overdue_open: int
    only_satisfaction: bool = False
    provisional: bool = False  # a result of a month not over is among them

    @property
    def figures_withheld(self) -> bool:
        """Survey anonymity: a group of satisfaction results alone with too few answers."""
        return figures_withheld(only_satisfaction=self.only_satisfaction, eligible=self.eligible)

    @property
    def attainment(self) -> Decimal | None:
        if not self.eligible:
            return None
        return (Decimal(self.met) / Decimal(self.eligible)).quantize(Decimal("0.0001"))


# Breached results, less those whose status is withheld (survey anonymity), so that a count
# never reveals what the results it opens do not show.
BREACHED_SHOWN = Count("id", filter=Q(status=ComplianceStatus.BREACHED) & ~WITHHELD_RESULTS)


def compliance_summary(*, results: QuerySet[ComplianceResult], group_by: str) -> list[SummaryRow]:
    """Results grouped by provider, client, service, area or standard (one query)."""
    code, name = GROUPS[group_by]
    rows = (
        results.order_by()
        .values(code, name)
        .annotate(
            # Note: first, while "eligible" still names the field, not its sum.
            breached=BREACHED_SHOWN,
            results=Count("id"),
            eligible=Sum("eligible"),
            met=Sum("met"),
            overdue_open=Sum("overdue_open"),
            others=Count("id", filter=~Q(kind=MeasureKind.SATISFACTION)),
            provisional=Count("id", filter=Q(provisional=True)),
        )
        .order_by(code)
    )
    return [
        SummaryRow(
            code=row[code] or "—",
            name=row[name] or "(all clients)",
            results=row["results"],
            eligible=row["eligible"] or 0,
            met=row["met"] or 0,
            breached=row["breached"],
            overdue_open=row["overdue_open"] or 0,
            only_satisfaction=not row["others"],
            provisional=bool(row["provisional"]),
        )
        for row in rows
    ]


def last_computed_at(*, provider_ids=None) -> dt.datetime | None:
    """When a run last finished (for "computed N minutes ago")."""
    runs = ComplianceRun.objects.filter(finished_at__isnull=False)
    if provider_ids is not None:
        runs = runs.filter(provider_id__in=list(provider_ids))
    return runs.aggregate(last=Max("finished_at"))["last"]


def pending_months(*, provider_ids=None) -> list[dt.date]:
    """Months whose records changed since their figures were computed (the engine catches
    up on its own; until then the page says so)."""
    pending = PendingCompliance.objects.all()
    if provider_ids is not None:
        pending = pending.filter(provider_id__in=list(provider_ids))
    return sorted(set(pending.values_list("month", flat=True)))


def remeasure_pending_since(*, provider_ids=None) -> dt.datetime | None:
    """Since when the records of these providers' duty stations wait to be measured again
    after a calendar change (the figures will change once that is done), or None."""
    marks = PendingRemeasure.objects.all()
    if provider_ids is not None:
        marks = marks.filter(duty_station__providers__in=list(provider_ids))
    return marks.aggregate(since=Min("marked_at"))["since"]


def records_url(result: ComplianceResult) -> str:
    """The records page filtered to the records behind a result (its month, provider,
    service, and client for an SLA target); for satisfaction, the survey results."""
    if result.kind == "satisfaction":
        params = {
            "provider": result.provider.code,
            "service": result.service.code,
            "period": f"{result.period:%Y-%m}",
        }
        return f"{reverse('surveys:results')}?{urlencode(params)}"
    params = {
        "provider": result.provider.code,
        "service": result.service.code,
        "status": "completed",
        "completed_month": f"{result.period:%Y-%m}",
    }
    if result.client_id:
        params["client"] = result.client.code
    return f"{reverse('records:servicerecord-list')}?{urlencode(params)}"


@dataclass(frozen=True)
class MatrixRow:
    label: str
    detail: str
    cells: list  # ComplianceResult or None, one per month


@dataclass(frozen=True)
class Matrix:
    months: list[dt.date]
    rows: list[MatrixRow]
    hidden: int = 0  # measures without any record in these months
    page_obj: Page | None = None  # when the rows come a page at a time
    provisional: frozenset = frozenset()  # months shown with a provisional result

    # For templates: {{ matrix.PROVISIONAL }}.
    PROVISIONAL = PROVISIONAL


MATRIX_ROWS_PER_PAGE = 25


def compliance_matrix(
    *, results: QuerySet[ComplianceResult], months: int = 12, page=None, per_page: int | None = None
) -> Matrix:
    """Results month by month: one row per measure (a standard, or an SLA target), the
    latest ``months`` months that have results as columns. Measures without any record in
    these months are counted, not shown. With ``per_page``, the rows come a page at a time
    (``page``, as the pages give it), so that a provider with hundreds of SLA targets gets
    a page that answers at once. Three queries: the months, the measures, their results.

    Rows: by client and SLA (standards, which have neither, first), then measure code."""
    this_month = portal_today().replace(day=1)
    periods = sorted(
        results.filter(period__lte=this_month)
        .order_by()
        .values_list("period", flat=True)
        .distinct(),
        reverse=True,
    )[:months]
    periods.sort()
    if not periods:
        return Matrix(months=[], rows=[])
    in_months = results.filter(period__in=periods)
    measures = list(
        in_months.values("scope", "provider_id", "standard_id", "target_id")
        .annotate(
            code=Min("standard__code"),
            client=Min("client__code"),
            agreement=Min("sla__agreement__number"),
            measured=Max(Case(When(Q(eligible__gt=0) | Q(overdue_open__gt=0), then=1), default=0)),
        )
        .order_by(
            F("client").asc(nulls_first=True),
            F("agreement").asc(nulls_first=True),
            "code",
            "provider_id",
            "target_id",
        )
    )
    shown = [m for m in measures if m["measured"]]
    page_obj = None
    if per_page:
        page_obj = Paginator(shown, per_page).get_page(page)
        shown = list(page_obj.object_list)
    cells: dict[tuple, dict] = {}
    targets = [m["target_id"] for m in shown if m["target_id"]]
    standards = [m for m in shown if not m["target_id"]]
    wanted = Q(target_id__in=targets)
    if standards:
        wanted |= Q(
            target__isnull=True,
            standard_id__in={m["standard_id"] for m in standards},
            provider_id__in={m["provider_id"] for m in standards},
        )
    if shown:
        for result in in_months.filter(wanted):
            key = (result.scope, result.provider_id, result.standard_id, result.target_id)
            cells.setdefault(key, {})[result.period] = result
    rows = []
    for m in shown:
        by_month = cells.get((m["scope"], m["provider_id"], m["standard_id"], m["target_id"]), {})
        latest = by_month[max(by_month)]  # describes the measure as it stands now
        rows.append(
            MatrixRow(m["code"], _measure_detail(latest), [by_month.get(p) for p in periods])
        )
    return Matrix(
        months=periods,
        rows=rows,
        hidden=len(measures) - sum(m["measured"] for m in measures),
        page_obj=page_obj,
        provisional=frozenset(
            month for by_month in cells.values() for month, r in by_month.items() if r.provisional
        ),
    )


def _measure_detail(result: ComplianceResult) -> str:
    from catalogue.models import measure_statement

    statement = measure_statement(result.kind, result.threshold, result.clock, result.target_pct)
    where = f"{result.provider.code} · {result.service.code}"
    if result.sla_id:
        where += f" · {result.sla.agreement.number} v{result.sla.version}"
    return f"{where}: {statement}"


def open_breaches(*, results: QuerySet[ComplianceResult]) -> QuerySet[ComplianceResult]:
    """Breached results of months that are over (a provisional breach may still recover,
    and is not announced either), newest first. Satisfaction results from too few answers
    are left out (survey anonymity: their status is not shown)."""
    return (
        results.filter(status=ComplianceStatus.BREACHED, provisional=False)
        .exclude(WITHHELD_RESULTS)
        .order_by("-period", "provider__code", "standard__code")
    )
