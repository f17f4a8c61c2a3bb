from django.contrib import admin

from .models import (
    PendingCompliance,
    PendingRemeasure,
    RecordImport,
    RecordImportError,
    ServiceRecord,
)


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    """Read-only: records change only through imports, so every change is measured."""

    list_display = ("external_ref", "provider", "client", "service", "status", "received_at")
    list_filter = ("status", "provider")
    search_fields = ("external_ref",)
    list_select_related = ("provider", "client", "service")
    readonly_fields = [f.name for f in ServiceRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordImportErrorInline(admin.TabularInline):
    model = RecordImportError
    extra = 0
    can_delete = False
    readonly_fields = ("line", "column", "message")


@admin.register(RecordImport)
class RecordImportAdmin(admin.ModelAdmin):
    list_display = ("pk", "filename", "provider", "status", "rows_total", "error_count")
    list_filter = ("status",)
    readonly_fields = [f.name for f in RecordImport._meta.fields]
    inlines = [RecordImportErrorInline]

    def has_add_permission(self, request):
        return False


@admin.register(PendingCompliance)
class PendingComplianceAdmin(admin.ModelAdmin):
    list_display = ("provider", "month", "marked_at")
    list_filter = ("provider",)


@admin.register(PendingRemeasure)
class PendingRemeasureAdmin(admin.ModelAdmin):
    list_display = ("duty_station", "marked_at")
