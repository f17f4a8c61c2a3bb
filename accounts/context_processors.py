from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.inbox import inbox_counts, nav_counts

from .models import Notification
from .selectors import user_scope


def roles(request):
    """Expose the signed-in user's scope to templates so navigation adapts to the role,
    the number of their unread notifications and what waits for them by navigation entry
    (``core.inbox``; one query for all of them, only when shown), and the name of the
    time zone the page shows times in (``accounts.middleware``)."""
    user = getattr(request, "user", None)
    scope = user_scope(user)
    context = {"scope": scope, "time_zone_name": timezone.get_current_timezone_name()}
    if user is not None and user.is_authenticated:
        counts = SimpleLazyObject(lambda: _counts(user, scope))
        context["unread_notifications"] = SimpleLazyObject(lambda: counts["unread"])
        context["inbox_counts"] = SimpleLazyObject(lambda: counts["nav"])
    return context


def _counts(user, scope) -> dict:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    counts = inbox_counts(user, scope, unread=unread)
    unread_count = counts.pop("unread", 0)
    return {"unread": unread_count, "nav": nav_counts(counts), "total": sum(counts.values())}
