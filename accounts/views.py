"""Pages of the signed-in user's own things: their notifications."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from core.audit import audit_action
from core.views import TableMixin

from .models import Notification
from .tables import NOTIFICATIONS


def notification_queryset(*, user):
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


class NotificationListView(TableMixin, LoginRequiredMixin, ListView):
    """The user's notifications, newest first, unread ones marked; paginated."""

    template_name = "accounts/notification_list.html"
    context_object_name = "notifications"
    table = NOTIFICATIONS
    paginate_by = 25

    def get_queryset(self):
        return notification_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        host = {self.request.get_host()}
        for notification in context["notifications"]:
            # Only links inside the portal are followed (the url is stored text).
            notification.link = (
                notification.url
                if notification.url.startswith("/")
                and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=host)
                else ""
            )
        context["query_without_page"] = ""
        context["table"] = self.get_table(context["notifications"])
        return context


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    """POST: mark every unread notification of the user as read."""

    def post(self, request):
        count = (
            notification_queryset(user=request.user)
            .filter(read_at__isnull=True)
            .update(read_at=timezone.now())
        )
        if count:  # a bulk update (no per-row signal): one audit entry
            audit_action(action="notifications.read", target=request.user, changes={"count": count})
        messages.success(
            request, f"{count} notification{'s' if count != 1 else ''} marked as read."
        )
        return redirect("accounts:notification-list")


class NotificationMarkReadView(LoginRequiredMixin, View):
    """POST: mark one of the user's notifications as read (another user's is a 404)."""

    def post(self, request, pk):
        notification = get_object_or_404(notification_queryset(user=request.user), pk=pk)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return redirect("accounts:notification-list")
