"""Pages of cost recovery: the rate card (kept by provider managers and catalogue managers),
the statements (issued ones listed, drafts computed, each printable and downloadable as
CSV or XLSX, issued, acknowledged or disputed from its page), the volumes against the SLAs
(and their section on the SLA page) and value for money (central roles).

Every page asks the user's scope (``UserScope``) what they may see and do: a statement of
another organisation is a 404, an action the role does not allow a 403. Every change goes
through ``cost_recovery.services``.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.selectors import user_scope
from catalogue.models import Offering
from clients.models import ClientEntity
from core.exceptions import ApplicationError
from core.exports import csv_response, xlsx_response
from core.forms import add_refusal
from core.months import months_between
from core.sections import PageSection
from core.views import FilteredListView
from core.zones import portal_today
from providers.models import ServiceProvider
from sla.choices import BINDING_STATUSES, IN_FORCE_STATUSES
from sla.models import SlaLine
from sla.selectors import sla_queryset

from .exports import statement_file
from .filtersets import (
    FIRST_MONTH,
    LAST_MONTH,
    RateFilterSet,
    SlaLineVolumeFilterSet,
    StatementFilterSet,
    ValueForMoneyForm,
)
from .forms import AnswerForm, RateForm
from .models import Rate, Statement
from .selectors import (
    line_volumes,
    rate_queryset,
    statement_for,
    statement_queryset,
    value_for_money,
)
from .selectors.statements import months_waiting
from .services import (
    check_period,
    rate_create,
    rate_update,
    statement_acknowledge,
    statement_dispute,
    statement_issue,
)
from .tables import (
    STATEMENTS,
    rates_table,
    statement_lines,
    value_table,
    volumes_table,
    waiting_table,
)

ACTIONS = ("issue", "acknowledge", "dispute")

# --- statements ------------------------------------------------------------------------


class StatementListView(FilteredListView):
    """Issued statements the user may read, and the months of the last half-year with
    completed records whose statement has not been issued yet (their drafts)."""

    filterset_class = StatementFilterSet
    template_name = "cost_recovery/statement_list.html"
    table = STATEMENTS
    default_ordering = ("-month", "provider__code", "client__code")

    def get_base_queryset(self):
        return statement_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        context["waiting"] = waiting_table(
            months_waiting(user=self.request.user, now=timezone.now()),
            issuer_ids=scope.managed_provider_ids,
        )
        return context


def _statement_parties(user, provider_code: str, client_code: str, period: str):
    """(provider, client, month) of a statement the user may read, or 404."""
    provider = ServiceProvider.objects.select_related("duty_station").filter(code=provider_code)
    client = ClientEntity.objects.filter(code=client_code)
    provider, client = provider.first(), client.first()
    try:
        month = dt.date.fromisoformat(f"{period}-01")
    except ValueError:
        raise Http404("No such month.") from None
    if provider is None or client is None or not FIRST_MONTH <= month <= LAST_MONTH:
        raise Http404("No such statement.")
    if not user_scope(user).sees_statements_of(provider_id=provider.pk, client_id=client.pk):
        raise Http404("No such statement.")
    try:
        check_period(provider, month)
    except ApplicationError:
        raise Http404("This month has not begun.") from None
    return provider, client, month


class StatementDetailView(LoginRequiredMixin, View):
    """A statement: issued, or the draft as the records give it now. Printable;
    ``?export=csv`` or ``?export=xlsx`` downloads its lines."""

    def get(self, request, provider, client, period):
        provider, client, month = _statement_parties(request.user, provider, client, period)
        view = statement_for(provider=provider, client=client, month=month)
        export = request.GET.get("export")
        if export:
            if export not in ("csv", "xlsx"):
                raise Http404("Unknown export format.")
            return statement_file(view, statement_lines(view), export)
        return render(request, "cost_recovery/statement_detail.html", _context(request, view))


def _context(request, view, **forms) -> dict:
    scope = user_scope(request.user)
    issuable = view.is_draft and view.month_ended
    return {
        "statement": view,
        "table": statement_lines(view),
        "may_issue": issuable and scope.may_issue_statements_for(view.provider.pk),
        "may_answer": view.stored is not None
        and view.status == "issued"
        and scope.may_answer_statements_for(view.client.pk),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "generated_at": timezone.now(),
    }


class StatementActionView(LoginRequiredMixin, View):
    """POST issue (provider managers), acknowledge or dispute (client focal points)."""

    def post(self, request, provider, client, period, action):
        if action not in ACTIONS:
            raise Http404("No such action.")
        provider, client, month = _statement_parties(request.user, provider, client, period)
        scope = user_scope(request.user)
        here = reverse(
            "cost_recovery:statement-detail", args=[provider.code, client.code, f"{month:%Y-%m}"]
        )
        if action == "issue":
            if not scope.may_issue_statements_for(provider.pk):
                messages.error(request, f"Only {provider.code}'s managers issue its statements.")
                raise PermissionDenied("Only the provider's managers issue its statements.")
            try:
                statement = statement_issue(
                    user=request.user, provider=provider, client=client, month=month
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect(here)
            messages.success(
                request,
                f"Statement issued: {statement.total.normalize():f} {statement.currency}. "
                f"{client.code}'s focal points have been told.",
            )
            return redirect(here)
        if not scope.may_answer_statements_for(client.pk):
            messages.error(request, f"Only {client.code}'s focal points answer its statements.")
            raise PermissionDenied("Only the client's focal points answer its statements.")
        stored = Statement.objects.filter(provider=provider, client=client, month=month).first()
        if stored is None:
            messages.error(request, "This statement has not been issued yet.")
            return redirect(here)
        form = AnswerForm(request.POST)
        if form.is_valid():
            service = statement_acknowledge if action == "acknowledge" else statement_dispute
            try:
                service(user=request.user, statement=stored, comment=form.cleaned_data["comment"])
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                done = "acknowledged" if action == "acknowledge" else "disputed"
                messages.success(
                    request, f"Statement {done}: {provider.code}'s managers have been told."
                )
                return redirect(here)
        view = statement_for(provider=provider, client=client, month=month)
        return render(
            request,
            "cost_recovery/statement_detail.html",
            _context(request, view, answer_form=form),
            status=400,
        )


# --- rates -----------------------------------------------------------------------------


class RateListView(FilteredListView):
    """The rate card: every offering's rates, past, present and future."""

    filterset_class = RateFilterSet
    template_name = "cost_recovery/rate_list.html"
    default_ordering = ("offering__provider__code", "offering__service__code", "valid_from")

    def get_base_queryset(self):
        return rate_queryset()

    def get_table(self, objects, *, filtered=False):
        scope = user_scope(self.request.user)
        self.table = rates_table(
            may_change=lambda r: scope.may_curate_rates_for(r.offering.provider_id)
        )
        return super().get_table(objects, filtered=filtered)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["curates"] = user_scope(self.request.user).curates_rates
        return context


def _rates_of(rate: Rate) -> str:
    return f"{reverse('cost_recovery:rate-list')}?provider={rate.offering.provider.code}"


def _curated_offerings(user):
    scope = user_scope(user)
    offerings = Offering.objects.select_related("provider", "service").order_by(
        "provider__code", "service__code"
    )
    if scope.is_catalogue_manager:
        return offerings
    return offerings.filter(provider_id__in=scope.managed_provider_ids)


class RateCreateView(LoginRequiredMixin, View):
    """Add a rate to an offering's card (provider managers, catalogue managers)."""

    template_name = "cost_recovery/rate_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).curates_rates:
            raise PermissionDenied("Only provider managers and catalogue managers add rates.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = RateForm(offerings=_curated_offerings(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = RateForm(request.POST, offerings=_curated_offerings(request.user))
        if form.is_valid():
            try:
                rate = rate_create(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Rate added: {rate}.")
                return redirect(
                    f"{reverse('cost_recovery:rate-list')}?provider={rate.offering.provider.code}"
                )
        return render(request, self.template_name, {"form": form}, status=400)


class RateEditView(LoginRequiredMixin, View):
    """Change a rate, or end it with a last day (its offering stays)."""

    template_name = "cost_recovery/rate_form.html"

    def setup_rate(self, request, pk) -> Rate:
        rate = get_object_or_404(rate_queryset(), pk=pk)
        if not user_scope(request.user).may_curate_rates_for(rate.offering.provider_id):
            raise PermissionDenied("Only the provider's managers and catalogue managers change it.")
        return rate

    def get(self, request, pk):
        rate = self.setup_rate(request, pk)
        initial = {
            "rate": rate.rate,
            "currency": rate.currency,
            "valid_from": rate.valid_from,
            "valid_to": rate.valid_to,
            "charge_defective": rate.charge_defective,
        }
        form = RateForm(initial=initial, rate=rate)
        return render(request, self.template_name, {"form": form, "rate": rate})

    def post(self, request, pk):
        rate = self.setup_rate(request, pk)
        form = RateForm(request.POST, rate=rate)
        if form.is_valid():
            try:
                rate = rate_update(user=request.user, rate=rate, changes=form.cleaned_data)
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, f"Rate changed: {rate}.")
                return redirect(
                    f"{reverse('cost_recovery:rate-list')}?provider={rate.offering.provider.code}"
                )
        return render(request, self.template_name, {"form": form, "rate": rate}, status=400)


# --- volumes against the SLAs ----------------------------------------------------------


def _lines_in_force(user):
    """The lines of the SLA versions in force (approved or active) the user may see."""
    slas = sla_queryset(user=user).filter(status__in=BINDING_STATUSES).values("pk")
    return SlaLine.objects.filter(sla__in=slas).select_related(
        "sla__agreement__provider__duty_station",
        "sla__agreement__client",
        "offering__service",
    )


class VolumeListView(FilteredListView):
    """Each line of the SLAs in force the user may see: expected volume, volume and amount
    to date, variance (lines 20% or more over are marked)."""

    filterset_class = SlaLineVolumeFilterSet
    template_name = "cost_recovery/volume_list.html"
    default_ordering = ("sla__agreement__number", "offering__service__code")

    def get_base_queryset(self):
        return _lines_in_force(self.request.user)

    def get_table(self, objects, *, filtered=False):
        table = volumes_table(line_volumes(lines=list(objects)))
        if filtered:
            table.empty = "No SLA line in force matches these filters."
            table.empty_link = ("Clear the filters", self.request.path)
        return table


def sla_volumes_section(request, sla):
    """The SLA page's section: each line's expected volume beside the volume and the amount
    to date (versions in force only)."""
    if sla.status not in IN_FORCE_STATUSES:
        return None
    lines = list(sla.lines.all())
    for line in lines:
        line.sla = sla
    volumes = line_volumes(lines=lines)
    return PageSection(
        "cost_recovery/includes/sla_volumes.html",
        {"table": volumes_table(volumes, key="sla-volumes", caption=f"Volumes of {sla} to date")},
    )


# --- value for money -------------------------------------------------------------------


class ValueForMoneyView(LoginRequiredMixin, View):
    """Per service, each provider's cost per unit beside its attainment and satisfaction
    over the same months (management and catalogue managers); CSV and XLSX."""

    def get(self, request):
        if not user_scope(request.user).reads_value_for_money:
            raise PermissionDenied("Value for money is for management and catalogue managers.")
        form = ValueForMoneyForm(request.GET or None, today=portal_today())
        if not form.is_bound:
            form = ValueForMoneyForm({}, today=portal_today())
        rows, months = [], []
        if form.is_valid():
            data = form.cleaned_data
            months = months_between(data["first_month"], data["last_month"])
            rows = value_for_money(
                user=request.user, months=months, service=data.get("service"), area=data.get("area")
            )
        table = value_table(rows)
        export = request.GET.get("export")
        if export:
            if export not in ("csv", "xlsx") or not form.is_valid():
                raise Http404("Unknown export format or invalid filters.")
            stamp = f"{months[0]:%Y-%m}-{months[-1]:%Y-%m}"
            if export == "csv":
                return csv_response(f"value-for-money-{stamp}.csv", table.header(), table.values())
            return xlsx_response(
                f"value-for-money-{stamp}.xlsx", [(table.caption, table.header(), table.values())]
            )
        query = request.GET.copy()
        query.pop("export", None)
        return render(
            request,
            "cost_recovery/value_for_money.html",
            {
                "filterset": {"form": form},
                "table": table,
                "months": months,
                "query": query.urlencode(),
                "is_filtered": any(v for v in request.GET.values()),
            },
        )
