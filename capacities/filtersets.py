"""Filters of support capacities and of their duplication analysis, shared by the pages
and the API."""

import django_filters
from django import forms

from catalogue.models import FunctionalArea
from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, YesNoAnySelect
from core.models import DutyStation
from providers.models import ServiceProvider

from .choices import HardshipClass
from .models import SupportCapacity
from .selectors import Filters

# A choice of an object by its code (``?area=HR``), refusing NUL like the list filters.
CodeField = CodeChoiceFilter.field_class


class SupportCapacityFilterSet(django_filters.FilterSet):
    client = CodeChoiceFilter(queryset=ClientEntity.objects, label="Client entity")
    duty_station = CodeChoiceFilter(queryset=DutyStation.objects, label="Duty station")
    area = CodeChoiceFilter(queryset=FunctionalArea.objects, label="Functional area")
    served_by = CodeChoiceFilter(queryset=ServiceProvider.objects, label="Served by")
    in_house = django_filters.BooleanFilter(
        field_name="served_by", lookup_expr="isnull", label="Run in-house", widget=YesNoAnySelect
    )
    hardship_class = django_filters.ChoiceFilter(
        field_name="duty_station__hardship__hardship_class",
        choices=HardshipClass.choices,
        label="Hardship class",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("client__code", "client"),
            ("duty_station__code", "duty_station"),
            ("area__code", "area"),
            ("posts", "posts"),
            ("annual_cost", "annual_cost"),
        )
    )

    class Meta:
        model = SupportCapacity
        fields = ["client", "duty_station", "area", "served_by", "in_house", "hardship_class"]


class AnalysisFilterForm(forms.Form):
    """What a duplication analysis is narrowed to: an area, a duty station (codes)."""

    area = CodeField(
        queryset=FunctionalArea.objects.all(),
        to_field_name="code",
        required=False,
        label="Functional area",
        empty_label="Any",
    )
    duty_station = CodeField(
        queryset=DutyStation.objects.all(),
        to_field_name="code",
        required=False,
        label="Duty station",
        empty_label="Any",
    )

    def filters(self) -> Filters:
        return Filters(
            area=self.cleaned_data.get("area"), duty_station=self.cleaned_data.get("duty_station")
        )
