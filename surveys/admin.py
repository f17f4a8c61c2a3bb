"""Curation by catalogue managers: survey template versions and campaigns (with their
history). Individual answers are deliberately not in the admin: nobody but their author
reads them."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import ApplicationError

from .choices import CampaignStatus
from .models import Campaign, SurveyTemplate
from .services import campaign_close, campaign_open


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("version", "title")
    search_fields = ("title",)


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ("name", "opens_on", "closes_on", "status", "is_demo")
    list_filter = ("status", "is_demo")
    search_fields = ("name",)
    filter_horizontal = ("offerings", "clients")
    readonly_fields = ("status", "opened_at", "closed_at", "created_by", "created_at")
    actions = ["open_campaigns", "close_campaigns"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != CampaignStatus.DRAFT:
            fields += ["template", "opens_on", "offerings", "clients"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _run(self, request, queryset, service, done):
        for campaign in queryset:
            try:
                service(campaign=campaign, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{campaign}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{campaign}: {done}.")

    @admin.action(description="Open and invite the focal points")
    def open_campaigns(self, request, queryset):
        self._run(request, queryset, campaign_open, "opened, focal points invited")

    @admin.action(description="Close")
    def close_campaigns(self, request, queryset):
        self._run(request, queryset, campaign_close, "closed")
