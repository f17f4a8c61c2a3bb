"""The home page, and the dashboard pages: management, provider, client and the
semi-annual review pack.

Each page validates its filters, builds its tables from the queries, and renders them; with
``?export=csv|xlsx&table=<key>`` it answers that table as a file instead, with the same
filters (the review pack also exports every table in one workbook: ``?export=xlsx``).
Out-of-scope providers and clients are answered with 404.

A page opens on the last complete month (the review pack on the last complete half-year),
says which month it shows and whether its figures are provisional, and links to the
current month (``periods``); a figure of a month not over is marked in its cell and in the
exports, whose file name then says "provisional" too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.selectors import memberships_of, user_scope
from clients.models import ClientEntity
from compliance.selectors import compliance_queryset, last_computed_at
from core.exports import csv_response, xlsx_response
from core.inbox import inbox_sections
from core.months import half_label, local_month, months_between, months_up_to
from core.zones import portal_today
from cost_recovery.selectors import value_for_money
from cost_recovery.tables import value_table
from providers.models import ServiceProvider
from records.selectors import record_queryset

from . import periods, queries
from .filtersets import (
    ClientDashboardFilterSet,
    DashboardFilterSet,
    ProviderDashboardFilterSet,
    ReviewFilterSet,
)
from .tables import client, deadlines, management, provider, review
from .tables.cells import open_records_url

EXPORT_FORMATS = ("csv", "xlsx")


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page: the signed-in person's work inbox (``core.inbox``: what waits
    for them, each item linking to where it is done), then where to go, by role."""

    template_name = "dashboards/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["memberships"] = memberships_of(user)
        context["inbox"] = inbox_sections(user, user_scope(user))
        return context


class DashboardView(LoginRequiredMixin, TemplateView):
    """Filters, tables and exports shared by every dashboard."""

    filterset_class = DashboardFilterSet
    slug = "dashboard"

    def base_results(self):
        return compliance_queryset(user=self.request.user)

    def get(self, request, *args, **kwargs):
        self.check_scope()
        self.filterset = self.filterset_class(
            request.GET or None, queryset=self.base_results(), request=request
        )
        self.valid = not self.filterset.is_bound or self.filterset.is_valid()
        self.month, self.months, self.half = None, [], None
        self.provisional: set[dt.date] = set()  # months shown with a provisional result
        self.now = timezone.now()
        self.last_computed = self.computed_at()
        self.tables = self.cached_tables() if self.valid else []
        shown = self.shown()
        if shown is not None and shown.provisional:
            for table in self.tables:  # their exports carry the provisional column
                table.provisional = not table.undated
        export = request.GET.get("export")
        if export:
            return self.export(export, request.GET.get("table"))
        return super().get(request, *args, **kwargs)

    def check_scope(self) -> None:
        pass

    def audience(self) -> str:
        """Who the page's figures are for, when they differ by user (part of the cache
        key): everyone who may open this page sees the same, unless a view says otherwise."""
        return "all"

    def computed_at(self):
        """When compliance was last computed (shown, and part of the cache key)."""
        return last_computed_at()

    def cached_tables(self) -> list:
        """The page's tables, kept ``DASHBOARD_CACHE_SECONDS`` and built again after every
        compliance run. Note: the scope was checked before; what a page shows depends on
        its path, its filters and its audience (``audience``), and the key holds just that.
        The times in the tables are ``core.zones.Instant``, formatted in the viewer's zone
        when the page is rendered: the key holds no time zone."""
        seconds = settings.DASHBOARD_CACHE_SECONDS
        if not seconds:
            return self.build_tables()
        query = sorted((k, v) for k, v in self.request.GET.lists() if k not in ("export", "table"))
        stamp = self.last_computed.isoformat() if self.last_computed else "-"
        key = (self.request.path, query, stamp, self.audience())
        digest = hashlib.sha256(repr(key).encode()).hexdigest()
        key = f"dashboards:{digest}"
        state = cache.get(key)
        if state is None:
            tables = self.build_tables()
            state = (tables, self.month, self.months, self.half, self.provisional)
            cache.set(key, state, seconds)
        tables, self.month, self.months, self.half, self.provisional = state
        return tables

    def drill(self) -> dict:
        """Filters that follow a figure to the results page."""
        if not self.valid or not self.filterset.is_bound:
            return {}
        data = self.filterset.form.cleaned_data
        drill = {}
        for name in ("region", "client_type"):
            if data.get(name):
                drill[name] = data[name]
        if data.get("area"):
            drill["area"] = data["area"].code
        if data.get("provider"):
            drill["provider"] = data["provider"].code
        return drill

    def results(self):
        return self.filterset.qs if self.valid else self.base_results().none()

    def build_tables(self) -> list:
        raise NotImplementedError

    def export(self, kind: str, key: str | None):
        if kind not in EXPORT_FORMATS:
            raise Http404("Unknown export format.")
        if not self.valid:
            raise Http404("Invalid filters.")
        tables = {t.key: t for t in self.tables}
        stamp = self.file_stamp()
        shown = self.shown()
        if shown is not None and shown.provisional:
            stamp += "-provisional"
        if key is None and kind == "xlsx" and self.whole_workbook:
            return xlsx_response(
                f"{self.slug}-{stamp}.xlsx",
                [(t.caption, t.header(), t.values()) for t in self.tables],
            )
        table = tables.get(key)
        if table is None:
            raise Http404("Unknown table.")
        filename = f"{self.slug}-{table.key}-{stamp}.{kind}"
        if kind == "csv":
            return csv_response(filename, table.header(), table.values())
        return xlsx_response(filename, [(table.caption, table.header(), table.values())])

    whole_workbook = False

    def file_stamp(self) -> str:
        return f"{self.month:%Y-%m}" if self.month else "all"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("export", "table", "page"):
            query.pop(name, None)
        context["shown"] = self.shown()
        context.update(
            filterset=self.filterset,
            tables={t.key: t for t in self.tables},
            table_list=self.tables,
            query=query.urlencode(),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in ("export",)),
            month=self.month,
            months=self.months,
            last_computed=self.last_computed,
        )
        return context

    def current_month(self) -> dt.date:
        """The month now: in the portal's time zone for a page over many providers (each
        provider's own month is in its results' ``provisional``)."""
        return local_month(self.now, timezone.get_current_timezone())

    zone_note = " in every provider's time zone"

    def load_facts(self, results, count: int = 12) -> queries.Facts:
        """The facts of the month shown and the ``count`` - 1 before it (one query), and
        that month: the one chosen, or by default the last complete month (the facts then
        also cover the month after it, to tell)."""
        chosen = self.filterset.chosen_month
        latest = chosen or queries.latest_month(results)
        if latest is None:
            return queries.Facts([], queries.Names())
        window = months_up_to(latest, count if chosen else count + 1)
        data = queries.Facts.load(results, months=window)
        if chosen:
            self.month = chosen
        else:
            self.month = periods.default_month(latest, data.months, data.provisional_months)
        self.months = months_up_to(self.month, count)
        self.provisional = data.provisional_months & set(self.months)
        return data

    def link(self, name: str, value: str | None) -> str:
        """This page's address with ``name`` set to ``value`` (removed when None), the
        other filters kept."""
        query = self.request.GET.copy()
        for key in ("export", "table", "page", name):
            query.pop(key, None)
        if value is not None:
            query[name] = value
        return f"{self.request.path}?{query.urlencode()}" if query else self.request.path

    def shown(self) -> periods.Shown | None:
        """What the page says about the month it shows."""
        if not self.valid or self.month is None:
            return None
        return periods.shown_month(
            month=self.month,
            current=self.current_month(),
            provisional=self.provisional,
            chosen=self.filterset.chosen_month is not None,
            zone_note=self.zone_note,
            link=lambda m: self.link("month", f"{m:%Y-%m}" if m else None),
        )


class ManagementDashboardView(DashboardView):
    """Management: every provider, a month's heatmap, trends, breaches, the backlog."""

    template_name = "dashboards/management.html"
    slug = "management"

    def get(self, request, *args, **kwargs):
        scope = user_scope(request.user)
        if not scope.reads_management_dashboard:
            # Provider and client users have a dashboard of their own.
            providers = ServiceProvider.objects.filter(pk__in=scope.provider_ids)
            entities = ClientEntity.objects.filter(pk__in=scope.client_ids)
            if own := providers.order_by("code").first():
                return redirect("dashboards:provider", code=own.code)
            if own := entities.order_by("code").first():
                return redirect("dashboards:client", code=own.code)
            raise Http404
        return super().get(request, *args, **kwargs)

    def build_tables(self):
        results = self.results()
        data = self.load_facts(results)
        if not self.month:
            return []
        drill = self.drill()
        month = [self.month]
        return [
            management.heatmap(data, months=month, drill=drill),
            management.trend(data, months=self.months, by="provider", drill=drill),
            management.by_kind(data, months=month, drill=drill),
            management.most_breached(data, months=self.months, drill=drill),
            management.breaches_table(results, months=self.months, drill=drill),
            management.overdue_backlog(data, months=self.months),
        ]


class ProviderDashboardView(DashboardView):
    """A provider's standards and SLAs by month, where it misses most, its overdue open
    records with their deadlines and its volumes by service."""

    template_name = "dashboards/provider.html"
    filterset_class = ProviderDashboardFilterSet
    slug = "provider"

    def check_scope(self):
        scope = user_scope(self.request.user)
        self.provider = get_object_or_404(
            ServiceProvider.objects.select_related("duty_station"), code=self.kwargs["code"]
        )
        if not scope.sees_provider(self.provider.pk):
            raise Http404
        self.slug = f"provider-{self.provider.code}"

    def base_results(self):
        return super().base_results().filter(provider=self.provider)

    def audience(self) -> str:
        # A served client's focal points see the provider through their own entities.
        scope = user_scope(self.request.user)
        if scope.sees_all_of_provider(self.provider.pk):
            return "all"
        return "clients:" + ",".join(str(pk) for pk in sorted(scope.client_ids))

    def build_tables(self):
        results = self.results()
        data = self.load_facts(results)
        # The provider's records this user may see: all of them for the provider's people
        # and global roles, a served client's own for its focal points.
        records = record_queryset(user=self.request.user).filter(provider=self.provider)
        drill = {"provider": self.provider.code, **self.drill()}
        overdue = deadlines.overdue_records(records, now=timezone.now())
        overdue.note_href = open_records_url(provider=self.provider.code)
        if not self.month:
            return [overdue]
        return [
            management.trend(data, months=self.months, by="kind", drill=drill),
            management.by_kind(data, months=[self.month], drill=drill),
            provider.misses_by_client(results, months=self.months, drill=drill),
            provider.misses_by_service(data, months=self.months, drill=drill),
            overdue,
            provider.volumes(data, months=self.months, by="service"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provider"] = self.provider
        return context

    def computed_at(self):
        return last_computed_at(provider_ids=[self.provider.pk])

    def current_month(self) -> dt.date:
        return local_month(self.now, ZoneInfo(self.provider.duty_station.timezone))

    @property
    def zone_note(self) -> str:
        return f" in the provider's time zone ({self.provider.duty_station.timezone})"


class ClientDashboardView(DashboardView):
    """A client entity's providers and SLAs, compliance by service, the open breaches that
    affect it and what is due soon."""

    template_name = "dashboards/client.html"
    filterset_class = ClientDashboardFilterSet
    slug = "client"

    def check_scope(self):
        scope = user_scope(self.request.user)
        self.client = get_object_or_404(ClientEntity, code=self.kwargs["code"])
        if not scope.sees_client(self.client.pk):
            raise Http404
        self.slug = f"client-{self.client.code}"

    def base_results(self):
        return queries.client_results(super().base_results(), client=self.client)

    def build_tables(self):
        results = self.results()
        data = self.load_facts(results)
        today = portal_today()
        now = timezone.now()
        records = queries.client_records(self.request.user, self.client)
        drill = self.drill()
        due = deadlines.due_soon(records, now=now)
        due.note_href = open_records_url(client=self.client.code)
        tables = [
            client.client_providers(client=self.client, today=today),
            client.client_slas(client=self.client),
        ]
        if self.month:
            tables += [
                client.compliance_by_service(data, months=self.months, drill=drill),
                management.breaches_table(results, months=self.months, drill=drill),
            ]
        tables.append(due)
        return tables

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entity"] = self.client
        return context


class ReviewPackView(DashboardView):
    """The semi-annual review pack for the Management Committee: a half-year's compliance
    by provider and area, trends, breaches, satisfaction and volumes. Printable; the
    whole pack downloads as one workbook."""

    template_name = "dashboards/review.html"
    filterset_class = ReviewFilterSet
    slug = "review-pack"
    whole_workbook = True

    def check_scope(self):
        # Not an object that may or may not exist for the caller: the page is for the
        # central roles, so anyone else is told they may not (403), not "not found".
        if not user_scope(self.request.user).reads_review_pack:
            raise PermissionDenied("The review pack is for management and catalogue managers.")

    def build_tables(self):
        results = self.results()
        half = self.filterset.chosen_half
        if half is None:
            # The last complete half-year: the facts of the latest month's half and the
            # one before tell which it is (one query, as for a chosen half).
            latest = queries.latest_month(results)
            if latest is None:
                self.half = None
                return []
            data = queries.Facts.load(results, months=periods.half_window(latest))
            half = periods.default_half(latest, data.months, data.provisional_months)
        else:
            data = queries.Facts.load(results, months=months_between(*half))
        self.half = half
        self.months = months_between(*half)
        self.month = None
        self.provisional = data.provisional_months & set(self.months)
        drill = self.drill()
        provider_area = management.heatmap(
            data, months=self.months, drill=drill, key="by-provider-area"
        )
        provider_area.caption = "Compliance by provider and functional area (half-year)"
        return [
            provider_area,
            management.trend(data, months=self.months, by="provider", drill=drill),
            management.by_kind(data, months=self.months, drill=drill),
            review.breaches_by_month(data, months=self.months, drill=drill),
            management.most_breached(data, months=self.months, drill=drill),
            review.satisfaction(data, months=self.months, drill=drill),
            provider.volumes(data, months=self.months, by="provider"),
            self.value_for_money(),
        ]

    def value_for_money(self):
        """Per service, each provider's cost per unit beside its attainment and
        satisfaction over the half-year (the area, provider and region filters apply)."""
        data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        rows = value_for_money(
            user=self.request.user,
            months=self.months,
            area=data.get("area"),
            provider=data.get("provider"),
            region=data.get("region") or "",
        )
        return value_table(
            rows, caption="Value for money: cost per unit beside performance (half-year)"
        )

    def file_stamp(self) -> str:
        half = self.half
        if not half:
            return "none"
        return half_label(half[0])

    def shown(self) -> periods.Shown | None:
        if not self.valid or self.half is None:
            return None
        return periods.shown_half(
            half=self.half,
            current=self.current_month(),
            provisional=self.provisional,
            chosen=self.filterset.chosen_half is not None,
            link=lambda label: self.link("half", label),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["half"] = self.half
        context["half_label"] = self.file_stamp()
        context["generated_at"] = timezone.now()
        return context
