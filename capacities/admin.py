from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import HardshipClassification, SupportCapacity


@admin.register(SupportCapacity)
class SupportCapacityAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Support capacities change on their own pages and through the API, which keep their
    rules (who may, one row per entity, station and area); the admin shows them."""

    list_display = ("client", "duty_station", "area", "served_by", "posts", "annual_cost",
                    "currency", "is_demo")  # fmt: skip
    list_filter = ("area", "is_demo")
    search_fields = ("client__code", "duty_station__code", "area__code")
    raw_id_fields = ("client", "duty_station", "area", "served_by")


@admin.register(HardshipClassification)
class HardshipClassificationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Reference data: loaded from reference/hardship_classes.csv by load_reference."""

    list_display = ("duty_station", "hardship_class", "as_of", "verification")
    list_filter = ("hardship_class",)
