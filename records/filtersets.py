import django_filters

from catalogue.models import Service
from clients.models import ClientEntity
from core.filters import (
    CodeChoiceFilter,
    KeywordFilter,
    MonthFilter,
    UtcDateTimeFilter,
    YesNoAnySelect,
)
from providers.models import ServiceProvider

from .choices import ImportStatus, RecordStatus
from .models import RecordImport, ServiceRecord


class ServiceRecordFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("external_ref",), label="Reference")
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    client = CodeChoiceFilter(queryset=ClientEntity.objects.all())
    service = CodeChoiceFilter(queryset=Service.objects.all())
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices)
    defective = django_filters.BooleanFilter(widget=YesNoAnySelect)
    received_after = UtcDateTimeFilter(
        field_name="received_at", lookup_expr="gte", label="Received from (date and time)"
    )
    received_before = UtcDateTimeFilter(
        field_name="received_at", lookup_expr="lt", label="Received before (date and time)"
    )
    completed_after = UtcDateTimeFilter(
        field_name="completed_at", lookup_expr="gte", label="Completed from (date and time)"
    )
    completed_before = UtcDateTimeFilter(
        field_name="completed_at", lookup_expr="lt", label="Completed before (date and time)"
    )
    completed_month = MonthFilter(
        field_name="completed_month", label="Completed in (month, provider's time)"
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
