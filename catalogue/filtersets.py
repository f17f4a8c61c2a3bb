"""One FilterSet per model, shared by the pages and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from clients.models import ClientEntity
from core.filters import CodeChoiceFilter, CountrySelect, KeywordFilter, YesNoAnySelect
from providers.models import ServiceProvider

from .choices import (
    Clock,
    DeliveryMode,
    DesignationStatus,
    Lifecycle,
    MeasureKind,
    OfferingScope,
)
from .models import (
    Designation,
    FunctionalArea,
    MinimumServiceStandard,
    Offering,
    OfferingCountry,
    Service,
)


class FunctionalAreaFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("code", "name", "description"))
    ordering = django_filters.OrderingFilter(fields=("code", "name"))

    class Meta:
        model = FunctionalArea
        fields = ["q"]


class ServiceFilterSet(django_filters.FilterSet):
    """Catalogue search: keywords, area, provider, delivery mode, location, country served."""

    q = KeywordFilter(search_fields=("code", "name", "description"))
    area = CodeChoiceFilter(queryset=FunctionalArea.objects.all())
    provider = CodeChoiceFilter(
        field_name="offerings__provider",
        queryset=ServiceProvider.objects.all(),
        distinct=True,
        label="Offered by",
    )
    delivery_mode = django_filters.ChoiceFilter(choices=DeliveryMode.choices)
    location_independent = django_filters.BooleanFilter(widget=YesNoAnySelect)
    lifecycle = django_filters.ChoiceFilter(choices=Lifecycle.choices)
    country = django_filters.CharFilter(
        method="filter_country", max_length=2, label="Country served", widget=CountrySelect
    )
    ordering = django_filters.OrderingFilter(
        fields=(("code", "code"), ("name", "name"), ("area__name", "area")),
        field_labels={"code": "Code", "name": "Name", "area__name": "Area"},
    )

    class Meta:
        model = Service
        fields = ["q", "area", "provider", "delivery_mode", "location_independent", "lifecycle"]

    def filter_country(self, qs, name, value):
        """Services offered to that country: by a global offering or one that lists it."""
        if not value:
            return qs
        served = Offering.objects.filter(service=OuterRef("pk")).filter(
            Q(scope=OfferingScope.GLOBAL)
            | Exists(OfferingCountry.objects.filter(offering=OuterRef("pk"), country=value.upper()))
        )
        return qs.filter(Exists(served))


class OfferingFilterSet(django_filters.FilterSet):
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    service = CodeChoiceFilter(queryset=Service.objects.all())
    area = CodeChoiceFilter(field_name="service__area", queryset=FunctionalArea.objects.all())
    scope = django_filters.ChoiceFilter(choices=OfferingScope.choices)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("service__code", "service"),
            ("provider__code", "provider"),
            ("cost_recovery_rate", "rate"),
            ("lead_time_days", "lead_time"),
        )
    )

    class Meta:
        model = Offering
        fields = ["provider", "service", "area", "scope"]


class MinimumServiceStandardFilterSet(django_filters.FilterSet):
    q = KeywordFilter(search_fields=("code", "service__name", "source"))
    service = CodeChoiceFilter(queryset=Service.objects.all())
    area = CodeChoiceFilter(field_name="service__area", queryset=FunctionalArea.objects.all())
    kind = django_filters.ChoiceFilter(choices=MeasureKind.choices)
    clock = django_filters.ChoiceFilter(choices=Clock.choices)
    ordering = django_filters.OrderingFilter(
        fields=(("code", "code"), ("service__code", "service"), ("target_pct", "target_pct"))
    )

    class Meta:
        model = MinimumServiceStandard
        fields = ["q", "service", "area", "kind", "clock"]


ANY_STATUS = "any"


class DesignationFilterSet(django_filters.FilterSet):
    """Designations by client, provider, service, area (codes), the day they are in force
    (``on``, DOMAIN §9) and status: approved ones unless ``status`` says otherwise
    (``any`` for every status), since only approved designations count."""

    client = CodeChoiceFilter(queryset=ClientEntity.objects.all())
    provider = CodeChoiceFilter(queryset=ServiceProvider.objects.all())
    service = CodeChoiceFilter(queryset=Service.objects.all())
    area = CodeChoiceFilter(queryset=FunctionalArea.objects.all())
    on = django_filters.DateFilter(method="filter_on", label="In force on")
    status = django_filters.ChoiceFilter(
        choices=[*DesignationStatus.choices, (ANY_STATUS, "Any status")],
        method="filter_status",
        empty_label="Approved (default)",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("client__code", "client"),
            ("provider__code", "provider"),
            ("valid_from", "valid_from"),
            ("requested_at", "requested_at"),
        )
    )

    class Meta:
        model = Designation
        fields = ["client", "provider", "service", "area"]

    def filter_on(self, qs, name, value):
        return qs.filter(valid_from__lte=value).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=value)
        )

    def filter_status(self, qs, name, value):
        return qs if value == ANY_STATUS else qs.filter(status=value)

    @property
    def qs(self):
        # A page opened without a query is an unbound filter set: approved ones too.
        qs = super().qs
        return qs if self.is_bound else qs.filter(status=DesignationStatus.APPROVED)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=DesignationStatus.APPROVED)
        return queryset
