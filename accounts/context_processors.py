from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Notification
from .selectors import user_scope


def roles(request):
    """Expose the signed-in user's scope to templates so navigation adapts to the role,
    the number of their unread notifications (one count query, only when shown), and the
    name of the time zone the page shows times in (``accounts.middleware``)."""
    user = getattr(request, "user", None)
    context = {"scope": user_scope(user), "time_zone_name": timezone.get_current_timezone_name()}
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
        )
    return context
