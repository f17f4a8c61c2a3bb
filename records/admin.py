from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    PendingCompliance,
    PendingRemeasure,
    RecordImport,
    RecordImportError,
    ServiceRecord,
)
from .services import record_delete


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    """Read-only: records change only through imports, so every change is measured; a
    deletion goes through the service, which marks the record's month for recomputation."""

    list_display = ("external_ref", "provider", "client", "service", "status", "received_at")
    list_filter = ("status", "provider")
    search_fields = ("external_ref",)
    list_select_related = ("provider", "client", "service")

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request, obj):
        record_delete(record=obj)

    def delete_queryset(self, request, queryset):
        for record in queryset.select_related("calendar"):
            record_delete(record=record)


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
    list_display = ("provider", "month", "pending_since", "marked_at")
    list_filter = ("provider",)


@admin.register(PendingRemeasure)
class PendingRemeasureAdmin(admin.ModelAdmin):
    list_display = ("duty_station", "marked_at")
