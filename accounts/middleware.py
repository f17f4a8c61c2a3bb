"""Each page in the time zone of the person reading it."""

from django.utils import timezone

from core.zones import zone_of

from .selectors import viewer_zone

# The API answers the same instants to every caller, in ISO 8601 with their offset, and
# its naive filter values stay UTC: no viewer's zone there.
API_PREFIX = "/api/"


class ViewerZoneMiddleware:
    """Activates the signed-in user's time zone (``accounts.selectors.viewer_zone``: their
    preference, else their organisation's duty station, else UTC) for the request, so that
    pages show instants in it; the API is left in UTC. Goes after the authentication
    middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path_info.startswith(API_PREFIX) or user is None:
            return self.get_response(request)
        zone = zone_of(viewer_zone(user).name)
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
