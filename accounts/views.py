"""Pages of the signed-in user's own things: their notifications and their time zone."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from core.audit import audit_action
from core.exceptions import ApplicationError
from core.forms import add_refusal
from core.views import TableMixin
from core.zones import format_instant, zone_of

from .forms import TimeZoneForm
from .models import Notification
from .selectors import viewer_zone
from .services import set_time_zone
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


class TimeZoneView(LoginRequiredMixin, View):
    """The time zone the signed-in user reads times in: what it is and where it comes from
    (their choice, their organisation's duty station, or UTC), and a form to change it."""

    template_name = "accounts/time_zone.html"

    def get(self, request):
        zone = viewer_zone(request.user)
        form = TimeZoneForm(initial={"timezone": zone.chosen}, default=zone.default)
        return self.render_page(request, form, zone)

    def post(self, request):
        zone = viewer_zone(request.user)
        form = TimeZoneForm(request.POST, default=zone.default)
        if form.is_valid():
            try:
                set_time_zone(user=request.user, name=form.cleaned_data["timezone"])
            except ApplicationError as exc:
                add_refusal(form, exc)
            else:
                name = viewer_zone(request.user, fresh=True).name
                messages.success(
                    request,
                    f"Saved. Times are now shown in {name}: it is "
                    f"{format_instant(timezone.now(), zone_of(name))} there.",
                )
                return redirect("accounts:time-zone")
        return self.render_page(request, form, zone, status=400)

    def render_page(self, request, form, zone, status=200):
        context = {
            "form": form,
            "zone": zone,
            "now": format_instant(timezone.now(), zone_of(zone.name)),
        }
        return render(request, self.template_name, context, status=status)
