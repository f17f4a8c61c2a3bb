import django_filters
from django import forms

from core.filters import CodeChoiceFilter, KeywordFilter

from .choices import AuditChannel, AuditKind
from .models import AuditEntry, DutyStation, Holiday


class DutyStationFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("code", "name", "timezone"))
    country = django_filters.CharFilter(max_length=2, method="filter_country")
    timezone = django_filters.CharFilter(max_length=64)
    ordering = django_filters.OrderingFilter(fields=(("code", "code"), ("name", "name")))

    class Meta:
        model = DutyStation
        fields = ["q", "country", "timezone"]

    def filter_country(self, qs, name, value):
        return qs.filter(country=value.upper()) if value else qs


class HolidayFilterSet(django_filters.FilterSet):
    duty_station = CodeChoiceFilter(queryset=DutyStation.objects.all())
    year = django_filters.NumberFilter(field_name="date__year", min_value=1900, max_value=2999)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    ordering = django_filters.OrderingFilter(fields=(("date", "date"),))

    class Meta:
        model = Holiday
        fields = ["duty_station", "year"]


class AuditSearchForm(forms.Form):
    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "Until must be on or after From.")
        return data


class AuditEntryFilterSet(django_filters.FilterSet):
    """Search the audit trail: who, which model or object, when, what kind of change."""

    actor = django_filters.CharFilter(
        field_name="actor_label", max_length=150, label="Who (username or system)"
    )
    model = django_filters.CharFilter(max_length=100, label="Model (e.g. sla.sla)")
    object_id = django_filters.CharFilter(max_length=64, label="Object id")
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices)
    channel = django_filters.ChoiceFilter(choices=AuditChannel.choices, label="Through")
    run_id = django_filters.CharFilter(max_length=64, label="Run id")
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="Until")
    q = KeywordFilter(search_fields=("object_repr", "action"))

    class Meta:
        model = AuditEntry
        form = AuditSearchForm
        fields = ["actor", "model", "object_id", "kind", "channel", "run_id", "since", "until"]
