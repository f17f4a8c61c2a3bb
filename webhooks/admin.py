from django.contrib import admin

from .models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Read here; kept on the portal's pages (which check the URL and keep the secret)."""

    list_display = ("id", "provider", "client", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    exclude = ("secret",)
    readonly_fields = ("provider", "client", "url", "events", "created_by")

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "event_type", "event_id", "subscription", "status", "attempts")
    list_filter = ("status", "event_type")
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False
