from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "provider", "client")
    list_filter = ("role", "provider", "client")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user", "provider", "client")
