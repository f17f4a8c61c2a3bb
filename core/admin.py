from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DutyStation, Holiday


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model the admin shows but never writes: it changes only through the portal's
    services (imports, the SLA life cycle, the compliance engine), which keep its rules."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(DutyStation)
class DutyStationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "country", "timezone", "working_day_hours")
    search_fields = ("code", "name", "timezone")
    list_filter = ("country",)
    inlines = [HolidayInline]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ("duty_station", "date", "name")
    list_filter = ("duty_station",)
    date_hierarchy = "date"
