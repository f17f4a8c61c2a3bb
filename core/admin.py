from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DutyStation, Holiday


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
