from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ComplianceResult, ComplianceRun


@admin.register(ComplianceRun)
class ComplianceRunAdmin(ReadOnlyAdmin):
    """The log of the engine's runs: when, what it wrote, how it ended (for operators)."""

    list_display = ("provider", "period", "trigger", "status", "started_at", "finished_at")
    list_filter = ("status", "trigger", "provider")
    list_select_related = ("provider",)
    date_hierarchy = "started_at"


# Survey anonymity: these figures are withheld when they come from too few answers.
WITHHELD_FIELDS = ("eligible", "met", "status")


@admin.register(ComplianceResult)
class ComplianceResultAdmin(ReadOnlyAdmin):
    """Results are computed by the engine only; the portal's compliance pages read them.
    A satisfaction result from too few answers shows no figure here either; a month not
    over is marked as on the pages."""

    list_display = ("key", "provider", "month_shown", "scope", "eligible_shown", "met_shown")
    list_filter = ("scope", "kind", "provisional", "provider")
    search_fields = ("key",)
    list_select_related = ("provider",)

    def get_readonly_fields(self, request, obj=None):
        fields = [f for f in super().get_readonly_fields(request, obj) if f not in WITHHELD_FIELDS]
        return [*fields, "eligible_shown", "met_shown", "status_shown"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description="month", ordering="period")
    def month_shown(self, obj):
        month = f"{obj.period:%Y-%m}"
        return f"{month} ({obj.PROVISIONAL})" if obj.provisional else month

    @admin.display(description="eligible")
    def eligible_shown(self, obj):
        return obj.WITHHELD_NOTE if obj.figures_withheld else obj.eligible

    @admin.display(description="met")
    def met_shown(self, obj):
        return obj.WITHHELD_NOTE if obj.figures_withheld else obj.met

    @admin.display(description="status")
    def status_shown(self, obj):
        return obj.WITHHELD_NOTE if obj.figures_withheld else obj.get_status_display()
