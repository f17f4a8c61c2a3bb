from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import Sla, SlaTemplate, SlaTemplateSection


class SlaTemplateSectionInline(admin.StackedInline):
    model = SlaTemplateSection
    extra = 0
    can_delete = False
    readonly_fields = ("order", "key", "title", "body")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SlaTemplate)
class SlaTemplateAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """The versions of the common SLA template: published with ``load_sla_template`` (a
    version is never overwritten: a change is a new version), shown here with history."""

    list_display = ("version", "title", "published_on", "is_current")
    inlines = [SlaTemplateSectionInline]


@admin.register(Sla)
class SlaAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """SLAs change only through their life cycle on the portal's pages and API (signatures,
    amendments, termination), which keep DOMAIN §6; the admin shows them and their history."""

    list_display = ("__str__", "provider_code", "client_code", "status", "start_date", "end_date")
    list_filter = ("status",)
    search_fields = ("agreement__number",)
    list_select_related = ("agreement__provider", "agreement__client")

    @admin.display(description="provider", ordering="agreement__provider__code")
    def provider_code(self, obj):
        return obj.agreement.provider.code

    @admin.display(description="client", ordering="agreement__client__code")
    def client_code(self, obj):
        return obj.agreement.client.code
