from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ServiceProvider


@admin.register(ServiceProvider)
class ServiceProviderAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "duty_station")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("duty_station", "entity")
