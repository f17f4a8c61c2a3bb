from django.contrib import admin

from .models import IntegrationToken


@admin.register(IntegrationToken)
class IntegrationTokenAdmin(admin.ModelAdmin):
    """Tokens seen from the admin: listed and revocable (by deleting), never made here
    (the token would have to be shown once: the portal's Integration tokens page does)."""

    list_display = ("name", "prefix", "user", "scope", "provider", "client", "expires_at",
                    "last_used_at", "revoked_at")  # fmt: skip
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("name", "prefix", "user", "scope", "provider", "client", "created_at",
                       "expires_at", "last_used_at", "revoked_at")  # fmt: skip
    exclude = ("digest",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
