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
    """Read-only: designations are requested and decided on their own pages
    (/designations/), so that every step has its who, when and why."""

    list_display = ("client", "service", "area", "provider", "status", "valid_from", "valid_to")
    list_filter = ("status", "provider", "area")
    search_fields = ("client__code", "client__name", "provider__code", "service__code")
    list_select_related = ("client", "service", "area", "provider")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
