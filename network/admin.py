from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DutyStationLocation


@admin.register(DutyStationLocation)
class DutyStationLocationAdmin(SimpleHistoryAdmin):
    """Duty stations' coordinates (loaded from the reference data; correctable here)."""

    list_display = ("duty_station", "latitude", "longitude", "verification")
    list_select_related = ("duty_station",)
    search_fields = ("duty_station__code", "duty_station__name")
