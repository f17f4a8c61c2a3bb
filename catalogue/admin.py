from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Designation,
    FunctionalArea,
    MinimumServiceStandard,
    Offering,
    OfferingCountry,
    Service,
)


@admin.register(FunctionalArea)
class FunctionalAreaAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "area", "delivery_mode", "location_independent", "lifecycle")
    list_filter = ("area", "delivery_mode", "location_independent", "lifecycle")
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("area",)


class OfferingCountryInline(admin.TabularInline):
    model = OfferingCountry
    extra = 1


@admin.register(Offering)
class OfferingAdmin(SimpleHistoryAdmin):
    list_display = (
        "service",
        "provider",
        "scope",
        "rate_unit",
        "lead_time_days",
    )
    list_filter = ("scope", "provider", "service__area")
    search_fields = ("service__code", "service__name", "provider__code")
    autocomplete_fields = ("provider", "service")
    list_select_related = ("service", "provider")
    inlines = [OfferingCountryInline]


@admin.register(MinimumServiceStandard)
class MinimumServiceStandardAdmin(SimpleHistoryAdmin):
    list_display = ("code", "service", "kind", "threshold", "clock", "target_pct")
    list_filter = ("kind", "clock", "service__area")
    search_fields = ("code", "service__code", "service__name")
    autocomplete_fields = ("service",)
    list_select_related = ("service",)


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("client", "service", "area", "provider", "effective_from", "effective_to")
    list_filter = ("provider", "area")
    search_fields = ("client__code", "client__name", "provider__code", "service__code")
    autocomplete_fields = ("client", "service", "area", "provider")
    list_select_related = ("client", "service", "area", "provider")
