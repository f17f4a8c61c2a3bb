"""Filters of cost recovery, shared by the pages and the API."""

import datetime as dt

import django_filters
from django import forms

from catalogue.models import FunctionalArea, Service
from clients.models import ClientEntity
from core.currencies import currency_choices
from core.filters import (
    MONTH_VALIDATOR,
    CodeChoiceFilter,
    MonthFilter,
    MonthInput,
    NaturalKeyChoiceField,
    YesNoAnySelect,
)
from core.months import add_months, month_start
from providers.models import ServiceProvider
from sla.models import SlaLine

from .choices import STORED_STATUSES
from .models import Rate, Statement
from .selectors import in_force_on

# Months a page or the API may name: from 2000 to 2100 (beyond, no record can be).
FIRST_MONTH, LAST_MONTH = dt.date(2000, 1, 1), dt.date(2100, 12, 1)
# Value for money compares at most this many months at once.
MAX_MONTHS = 24


def month_of(text: str) -> dt.date:
    """``YYYY-MM`` (already checked by ``MONTH_VALIDATOR``) as its first day."""
    return dt.date.fromisoformat(f"{text}-01")


class RateFilterSet(django_filters.FilterSet):
    provider = CodeChoiceFilter(
        field_name="offering__provider", queryset=ServiceProvider.objects, label="Provider"
    )
    service = CodeChoiceFilter(
        field_name="offering__service", queryset=Service.objects, label="Service"
    )
    area = CodeChoiceFilter(
        field_name="offering__service__area", queryset=FunctionalArea.objects, label="Area"
    )
    currency = django_filters.ChoiceFilter(choices=currency_choices)
    in_force_on = django_filters.DateFilter(method="filter_in_force_on", label="In force on")
    charge_defective = django_filters.BooleanFilter(
        label="Defective deliveries charged", widget=YesNoAnySelect
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("offering__provider__code", "provider"),
            ("offering__service__code", "service"),
            ("valid_from", "valid_from"),
            ("rate", "rate"),
        )
    )

    class Meta:
        model = Rate
        fields = ["provider", "service", "area", "currency", "charge_defective"]

    def filter_in_force_on(self, qs, name, value):
        return qs.filter(in_force_on(value)) if value else qs


class StatementFilterSet(django_filters.FilterSet):
    """Issued statements (drafts are computed, not listed)."""

    provider = CodeChoiceFilter(queryset=ServiceProvider.objects)
    client = CodeChoiceFilter(queryset=ClientEntity.objects, label="Client entity")
    status = django_filters.ChoiceFilter(choices=[(s.value, s.label) for s in STORED_STATUSES])
    period = MonthFilter(field_name="month", label="Month")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("month", "month"),
            ("provider__code", "provider"),
            ("client__code", "client"),
            ("total", "total"),
        )
    )

    class Meta:
        model = Statement
        fields = ["provider", "client", "status", "period"]


class SlaLineVolumeFilterSet(django_filters.FilterSet):
    """SLA lines in force, for the volumes page."""

    provider = CodeChoiceFilter(
        field_name="sla__agreement__provider", queryset=ServiceProvider.objects, label="Provider"
    )
    client = CodeChoiceFilter(
        field_name="sla__agreement__client", queryset=ClientEntity.objects, label="Client entity"
    )
    service = CodeChoiceFilter(
        field_name="offering__service", queryset=Service.objects, label="Service"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("sla__agreement__number", "sla"), ("offering__service__code", "service"))
    )

    class Meta:
        model = SlaLine
        fields = ["provider", "client", "service"]


class _CodeField(NaturalKeyChoiceField):
    """A provider or client entity by code (or id)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset=queryset, **kwargs)
        self.error_messages["invalid_choice"] = "No such code."


def _month(value: str, name: str) -> dt.date:
    month = month_of(value)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise forms.ValidationError(f"Give a month from 2000-01 to 2100-12 for {name}.")
    return month


class StatementQueryForm(forms.Form):
    """Which statement: ``provider``, ``client`` (codes) and ``period`` (YYYY-MM), all
    required (the API's ``/api/v1/statements/`` and its actions)."""

    provider = _CodeField(ServiceProvider.objects.select_related("duty_station"))
    client = _CodeField(ClientEntity.objects.all())
    period = forms.CharField(max_length=7, validators=[MONTH_VALIDATOR])

    def clean_period(self):
        return _month(self.cleaned_data["period"], "period")


class ValueForMoneyForm(forms.Form):
    """The months compared (``first`` to ``last``, YYYY-MM; by default the six months
    before this one), and optionally a service or a functional area."""

    first = forms.CharField(
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        label="From month",
        widget=MonthInput,
    )
    last = forms.CharField(
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        label="To month",
        widget=MonthInput,
    )
    area = _CodeField(FunctionalArea.objects.order_by("code"), required=False, empty_label="Any")
    service = _CodeField(Service.objects.order_by("code"), required=False, empty_label="Any")

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["area"].label_from_instance = lambda a: f"{a.code} – {a.name}"
        self.fields["service"].label_from_instance = lambda s: f"{s.code} – {s.name}"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        this_month = month_start(self.today)
        last = _month(data["last"], "To") if data.get("last") else add_months(this_month, -1)
        first = _month(data["first"], "From") if data.get("first") else add_months(last, -5)
        if last > this_month:
            raise forms.ValidationError({"last": "This month has not begun."})
        if first > last:
            raise forms.ValidationError({"first": "The first month is after the last."})
        if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
            raise forms.ValidationError({"first": f"Compare at most {MAX_MONTHS} months."})
        data["first_month"], data["last_month"] = first, last
        return data
