"""Pages of the compliance results: the filtered list, and a provider's months."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts.selectors import user_scope
from core.sections import PageSection
from core.views import FilteredListView, LateRowPaginator
from providers.models import ServiceProvider

from .choices import ComplianceScope
from .filtersets import ComplianceResultFilterSet
from .selectors import (
    MATRIX_ROWS_PER_PAGE,
    compliance_matrix,
    compliance_queryset,
    last_computed_at,
    open_breaches,
    pending_months,
    remeasure_pending_since,
)
from .tables import RESULTS


class ComplianceListView(FilteredListView):
    """Compliance results the user may see, filtered (e.g. the open breaches)."""

    filterset_class = ComplianceResultFilterSet
    template_name = "compliance/compliance_list.html"
    table = RESULTS
    paginate_by = 50
    paginator_class = LateRowPaginator  # ordered by the provider's and standard's codes

    def get_base_queryset(self):
        return compliance_queryset(user=self.request.user).order_by(
            "-period", "provider__code", "standard__code"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        provider_ids = scope.followed_provider_ids
        context["last_computed"] = last_computed_at(provider_ids=provider_ids)
        context["pending_months"] = pending_months(provider_ids=provider_ids)
        context["remeasure_since"] = remeasure_pending_since(provider_ids=provider_ids)
        return context


BREACHES_SHOWN = 50  # on a provider's compliance page; the list page has them all


class ProviderComplianceView(LoginRequiredMixin, TemplateView):
    """A provider's standards and SLA targets, month by month, and its open breaches."""

    template_name = "compliance/provider_compliance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider = get_object_or_404(ServiceProvider, code=self.kwargs["code"])
        if not user_scope(self.request.user).sees_provider(provider.pk):
            raise Http404("No such provider among those whose figures you may see.")
        results = compliance_queryset(user=self.request.user).filter(provider=provider)
        breaches = list(open_breaches(results=results)[: BREACHES_SHOWN + 1])
        context.update(
            provider=provider,
            standards=compliance_matrix(results=results.filter(scope=ComplianceScope.MSS)),
            targets=compliance_matrix(
                results=results.filter(scope=ComplianceScope.SLA),
                page=self.request.GET.get("page"),
                per_page=MATRIX_ROWS_PER_PAGE,
            ),
            breaches=breaches[:BREACHES_SHOWN],
            more_breaches=len(breaches) > BREACHES_SHOWN,
            last_computed=last_computed_at(provider_ids=[provider.pk]),
            pending_months=pending_months(provider_ids=[provider.pk]),
            remeasure_since=remeasure_pending_since(provider_ids=[provider.pk]),
        )
        return context


def sla_compliance_section(request, sla) -> PageSection:
    """The SLA page's compliance section: its targets month by month, paged."""
    return PageSection(
        "compliance/includes/sla_compliance.html",
        {
            "matrix": compliance_matrix(
                results=compliance_queryset(user=request.user).filter(sla=sla),
                page=request.GET.get("page"),
                per_page=MATRIX_ROWS_PER_PAGE,
            ),
            "last_computed": last_computed_at(provider_ids=[sla.agreement.provider_id]),
        },
    )
