import datetime as dt

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Case, F, Value, When
from django.utils import timezone

from catalogue.choices import MeasureKind
from catalogue.models import FunctionalArea, MinimumServiceStandard, Service
from clients.choices import EntityType
from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, KeywordFilter, UtcDateTimeFilter
from providers.models import ServiceProvider
from providers.regions import REGION_CHOICES, region_q

from .choices import (
    BINDING_STATUSES,
    ComplianceScope,
    ComplianceStatus,
    ImportStatus,
    RecordStatus,
    SlaStatus,
)
from .models import ComplianceResult, RecordImport, ServiceRecord, Sla
from .models.compliance import WITHHELD_RESULTS

MONTH_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "Use YYYY-MM, e.g. 2026-02.")


class MonthFilter(django_filters.CharFilter):
    """A month as ``YYYY-MM``, matched against a first-of-month date field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("validators", [MONTH_VALIDATOR])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        month = dt.date.fromisoformat(f"{value}-01")
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": month})


class ServiceRecordFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("external_ref",), label="Reference")
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    client = CodeChoiceFilter(queryset=ClientEntity.objects.all())
    service = CodeChoiceFilter(queryset=Service.objects.all())
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices)
    defective = django_filters.BooleanFilter()
    received_after = UtcDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = UtcDateTimeFilter(field_name="received_at", lookup_expr="lt")
    completed_after = UtcDateTimeFilter(field_name="completed_at", lookup_expr="gte")
    completed_before = UtcDateTimeFilter(field_name="completed_at", lookup_expr="lt")
    completed_month = MonthFilter(
        field_name="completed_month", label="Completed in (YYYY-MM, provider's time)"
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("received_at", "received_at"),
            ("completed_at", "completed_at"),
            ("external_ref", "external_ref"),
            ("elapsed_working_seconds", "elapsed_working_seconds"),
        )
    )

    class Meta:
        model = ServiceRecord
        fields = ["q", "provider", "client", "service", "status", "defective"]


class RecordImportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportStatus.choices)
    ordering = django_filters.OrderingFilter(fields=(("created_at", "created_at"),))

    class Meta:
        model = RecordImport
        fields = ["status"]


class SlaFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("agreement__number", "notes"), label="Number")
    provider = CodeChoiceFilter(
        field_name="agreement__provider", queryset=ServiceProvider.objects.all(), label="Provider"
    )
    client = CodeChoiceFilter(
        field_name="agreement__client", queryset=ClientEntity.objects.all(), label="Client entity"
    )
    service = CodeChoiceFilter(
        field_name="lines__offering__service",
        queryset=Service.objects.all(),
        distinct=True,
        label="Service",
    )
    status = django_filters.ChoiceFilter(choices=SlaStatus.choices)
    expiring_within = django_filters.NumberFilter(
        method="filter_expiring_within",
        min_value=0,
        max_value=3660,
        label="Expiring within (days)",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("agreement__number", "number"),
            ("start_date", "start_date"),
            ("end_date", "end_date"),
            ("status", "status"),
        )
    )

    class Meta:
        model = Sla
        fields = ["q", "provider", "client", "service", "status"]

    def filter_expiring_within(self, qs, name, value):
        if value is None:
            return qs
        today = timezone.localdate()
        return qs.filter(
            status__in=BINDING_STATUSES,
            end_date__gte=today,
            end_date__lte=today + dt.timedelta(days=int(value)),
        )


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
        label="Minimum service standard (code)",
    )
    sla = django_filters.NumberFilter(field_name="sla_id", min_value=1)
    period = MonthFilter(field_name="period", label="Month (YYYY-MM)")
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
