from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import Rate, Statement, StatementLine


@admin.register(Rate)
class RateAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """The rate card changes on its own pages and through the API (Cost recovery → Rates),
    which keep its rules (no overlap, one currency per provider) under a lock; the admin
    shows it and its history."""

    list_display = ("offering", "rate", "currency", "valid_from", "valid_to", "charge_defective")
    list_filter = ("currency", "charge_defective", "offering__provider")
    search_fields = ("offering__provider__code", "offering__service__code")
    list_select_related = ("offering__provider", "offering__service")


class StatementLineInline(admin.TabularInline):
    model = StatementLine
    extra = 0
    can_delete = False
    readonly_fields = ("service", "rate", "quantity", "amount", "adjusts")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Issued statements never change (DOMAIN §10): shown here, with their history."""

    list_display = ("__str__", "status", "total", "currency", "issued_at", "answered_at")
    list_filter = ("status", "provider")
    search_fields = ("provider__code", "client__code")
    list_select_related = ("provider", "client")
    inlines = [StatementLineInline]
