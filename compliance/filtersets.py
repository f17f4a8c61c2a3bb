import django_filters
from django.db.models import Case, F, Value, When

from catalogue.choices import MeasureKind
from catalogue.models import FunctionalArea, MinimumServiceStandard, Service
from clients.choices import EntityType
from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, IdOrKeyFilter, MonthFilter
from providers.models import ServiceProvider
from providers.regions import REGION_CHOICES, region_q

from .choices import ComplianceScope, ComplianceStatus
from .models import WITHHELD_RESULTS, ComplianceResult


class WithheldLastOrdering(django_filters.OrderingFilter):
    """Sorting on eligible or status sorts withheld figures (survey anonymity) as blanks,
    last, so that the order does not give them away."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.lstrip("-")
        if name not in ("eligible", "status"):
            return value
        shown = Case(
            When(WITHHELD_RESULTS, then=Value(None)),
            default=F(name),
            output_field=ComplianceResult._meta.get_field(name),
        )
        return shown.desc(nulls_last=True) if value.startswith("-") else shown.asc(nulls_last=True)


class ComplianceResultFilterSet(django_filters.FilterSet):
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    client = CodeChoiceFilter(queryset=ClientEntity.objects.all())
    service = CodeChoiceFilter(queryset=Service.objects.all())
    measure = CodeChoiceFilter(
        field_name="standard",
        queryset=MinimumServiceStandard.objects.all(),
        label="Minimum service standard",
    )
    sla = IdOrKeyFilter(field_name="sla", key="sla__agreement__number", label="SLA")
    period = MonthFilter(field_name="period", label="Month")
    period_from = MonthFilter(field_name="period", lookup_expr="gte", label="From month")
    period_to = MonthFilter(field_name="period", lookup_expr="lte", label="To month")
    scope = django_filters.ChoiceFilter(choices=ComplianceScope.choices)
    status = django_filters.ChoiceFilter(choices=ComplianceStatus.choices, method="filter_status")
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices)
    area = CodeChoiceFilter(
        field_name="service__area", queryset=FunctionalArea.objects.all(), label="Area"
    )
    region = django_filters.ChoiceFilter(
        choices=REGION_CHOICES, method="filter_region", label="Region (provider)"
    )
    client_type = django_filters.ChoiceFilter(
        choices=EntityType.choices, field_name="client__type", label="Client type"
    )
    ordering = WithheldLastOrdering(
        fields=(("period", "period"), ("eligible", "eligible"), ("status", "status"))
    )

    class Meta:
        model = ComplianceResult
        fields = ["provider", "client", "service", "measure", "sla", "scope", "status", "kind"]

    def filter_region(self, qs, name, value):
        return qs.filter(region_q(value)) if value else qs

    def filter_status(self, qs, name, value):
        # Survey anonymity: a withheld status must not be found by filtering on it either.
        return qs.filter(status=value).exclude(WITHHELD_RESULTS) if value else qs
