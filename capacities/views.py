"""Pages of support capacities: the list (scoped, filtered, sorted, exported as CSV), a
capacity's page with its history, adding, changing and deleting one (the entity's focal
points, catalogue managers), and the duplication analysis (management and catalogue
managers), each of its three tables paginated and downloadable as CSV or XLSX.

Every page asks the user's scope (``UserScope``) what they may see and do: a capacity the
user may not read is a 404, an action the role does not allow a 403. Every change goes
through ``capacities.services``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from accounts.selectors import user_scope
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.exports import csv_response, xlsx_response
from core.forms import add_refusal
from core.views import CappedPaginator, FilteredListView

from .choices import HARDSHIP_CLASSES
from .filtersets import AnalysisFilterForm, SupportCapacityFilterSet
from .forms import FIELDS, SupportCapacityForm
from .models import SupportCapacity
from .selectors import (
    Filters,
    capacity_queryset,
    consolidation,
    hardship_capacities,
    hardship_totals,
    local_sharing,
)
from .services import capacity_create, capacity_delete, capacity_update
from .tables import (
    capacities_table,
    consolidation_table,
    hardship_table,
    local_sharing_table,
    money_text,
    posts_text,
)

PER_PAGE = 25
EXPORTS = ("csv", "xlsx")


class CapacityListView(FilteredListView):
    """The support capacities the user may read; ``?export=csv`` downloads them."""

    filterset_class = SupportCapacityFilterSet
    template_name = "capacities/capacity_list.html"
    default_ordering = ("client__code", "duty_station__code", "area__code")
    export_filename = "support-capacities.csv"
    table = capacities_table(may_change=lambda c: False)  # the export's columns

    def get_base_queryset(self):
        return capacity_queryset(user=self.request.user)

    def get_table(self, objects, *, filtered=False):
        scope = user_scope(self.request.user)
        self.table = capacities_table(
            may_change=lambda c: scope.may_edit_capacities_of(c.client_id)
        )
        return super().get_table(objects, filtered=filtered)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        context["edits"] = scope.edits_capacities
        context["reads_analysis"] = scope.reads_duplication_analysis
        return context


def _visible(request, pk) -> SupportCapacity:
    """The capacity, if the user may read it (404 otherwise)."""
    return get_object_or_404(capacity_queryset(user=request.user), pk=pk)


def _editable(request, pk) -> SupportCapacity:
    capacity = _visible(request, pk)
    if not user_scope(request.user).may_edit_capacities_of(capacity.client_id):
        raise PermissionDenied(
            "Only the entity's focal points and catalogue managers change its capacities."
        )
    return capacity


def _editable_clients(user):
    scope = user_scope(user)
    clients = ClientEntity.objects.order_by("code")
    if scope.is_catalogue_manager:
        return clients
    return clients.filter(pk__in=scope.focal_point_client_ids)


class CapacityDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        capacity = _visible(request, pk)
        history = capacity.history.select_related("history_user").order_by("-history_date")[:20]
        return render(
            request,
            "capacities/capacity_detail.html",
            {
                "capacity": capacity,
                "posts": posts_text(capacity.posts),
                "cost": money_text(capacity.annual_cost, capacity.currency),
                "history": history,
                "may_edit": user_scope(request.user).may_edit_capacities_of(capacity.client_id),
            },
        )


class CapacityCreateView(LoginRequiredMixin, View):
    """Record a support capacity (the entity's focal points, catalogue managers)."""

    template_name = "capacities/capacity_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).edits_capacities:
            raise PermissionDenied(
                "Only client focal points and catalogue managers record support capacities."
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        clients = _editable_clients(request.user)
        initial = {}
        code = request.GET.get("client", "")
        if code and "\x00" not in code:
            initial["client"] = clients.filter(code=code[:64]).first()
        form = SupportCapacityForm(initial=initial, clients=clients)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = SupportCapacityForm(request.POST, clients=_editable_clients(request.user))
        if form.is_valid():
            try:
                capacity = capacity_create(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Support capacity recorded: {capacity}.")
                return redirect("capacities:capacity-detail", pk=capacity.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class CapacityEditView(LoginRequiredMixin, View):
    template_name = "capacities/capacity_form.html"

    def get(self, request, pk):
        capacity = _editable(request, pk)
        initial = {name: getattr(capacity, name) for name in FIELDS}
        form = SupportCapacityForm(initial=initial, clients=_editable_clients(request.user))
        return render(request, self.template_name, {"form": form, "capacity": capacity})

    def post(self, request, pk):
        capacity = _editable(request, pk)
        form = SupportCapacityForm(request.POST, clients=_editable_clients(request.user))
        if form.is_valid():
            try:
                capacity = capacity_update(
                    user=request.user, capacity=capacity, changes=form.cleaned_data
                )
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Support capacity changed: {capacity}.")
                return redirect("capacities:capacity-detail", pk=capacity.pk)
        context = {"form": form, "capacity": capacity}
        return render(request, self.template_name, context, status=400)


class CapacityDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        capacity = _editable(request, pk)
        label = str(capacity)
        capacity_delete(user=request.user, capacity=capacity)
        messages.success(request, f"Support capacity deleted: {label}.")
        return redirect("capacities:capacity-list")


# --- the duplication analysis ----------------------------------------------------------


def _analysis(name: str, filters):
    """(table builder, findings, extra context) of one analysis."""
    if name == "local-sharing":
        return local_sharing_table, local_sharing(filters=filters), {}
    if name == "consolidation":
        return consolidation_table, consolidation(filters=filters), {}
    return (
        hardship_table,
        hardship_capacities(filters=filters),
        {"totals": hardship_totals(filters=filters)},
    )


class DuplicationView(LoginRequiredMixin, View):
    """One analysis of the duplication of support capacities (management and catalogue
    managers): its findings a page at a time; ``?export=csv`` or ``xlsx`` downloads all."""

    def get(self, request, analysis):
        if not user_scope(request.user).reads_duplication_analysis:
            raise PermissionDenied(
                "The duplication analysis is for management and catalogue managers."
            )
        form = AnalysisFilterForm(request.GET)
        valid = form.is_valid()
        filters = form.filters() if valid else Filters()
        build, findings, extra = _analysis(analysis, filters)
        export = request.GET.get("export")
        if export:
            if export not in EXPORTS or not valid:
                raise Http404("Unknown export format or invalid filters.")
            table = build(findings)
            name = f"duplication-{analysis}.{export}"
            if export == "csv":
                return csv_response(name, table.header(), table.values())
            return xlsx_response(name, [(table.caption, table.header(), table.values())])
        if not valid:
            findings = []
        paginator = (CappedPaginator if analysis == "hardship" else Paginator)(findings, PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        for key in ("page", "export"):
            query.pop(key, None)
        return render(
            request,
            "capacities/duplication.html",
            {
                "analysis": analysis,
                "filterset": {"form": form},
                "valid": valid,
                "table": build(page.object_list),
                "page_obj": page,
                "paginator": paginator,
                "is_paginated": paginator.num_pages > 1,
                "query": query.urlencode(),
                "query_without_page": query.urlencode(),
                "is_filtered": any(v for k, v in request.GET.items() if k != "page"),
                "hardship_classes": ", ".join(HARDSHIP_CLASSES),
                **extra,
            },
        )
