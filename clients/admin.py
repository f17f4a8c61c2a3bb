from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClientEntity


@admin.register(ClientEntity)
class ClientEntityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "type", "pillar", "country", "active")
    list_filter = ("type", "pillar", "active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "duty_station")
