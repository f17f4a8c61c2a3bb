"""The API's integration tokens: authentication and throttling (both named in the
settings' ``REST_FRAMEWORK``).

``Authorization: Bearer sp_…``: the token's creator, acting in the scope of the token
(``selectors.token_scope``). A read-only token is refused any write here, once for every
endpoint; what a records-write token may write is the scope's answer, endpoint by
endpoint, as for everyone.
"""

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from .models import IntegrationToken
from .selectors import token_for, token_problem, token_scope
from .services import token_note_use

KEYWORD = "Bearer"
# A token is ``sp_`` + 8 hex digits + ``_`` + 43 characters; anything much longer is not one.
LONGEST = 100


class IntegrationTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``; any other header is left to the other classes."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2 or len(words[1]) > LONGEST:
            raise exceptions.AuthenticationFailed("Give one token after 'Bearer'.")
        try:
            clear = words[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        token = token_for(clear)
        problem = token_problem(token)
        if problem:
            raise exceptions.AuthenticationFailed(problem)
        scope = token_scope(token)
        if scope is None:
            raise exceptions.AuthenticationFailed(
                "This token's creator no longer manages or belongs to its organisation."
            )
        user = token.user
        user._portal_scope = scope  # every access question of this request asks it
        token_note_use(token=token, now=timezone.now())
        if request.method not in SAFE_METHODS and not scope.may_write:
            raise exceptions.PermissionDenied("This token reads only.")
        return user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class IntegrationTokenThrottle(SimpleRateThrottle):
    """At most ``PORTAL_TOKEN_RATE`` requests per token (e.g. "600/minute"), counted in
    the ``PORTAL_THROTTLE_CACHE`` cache (Redis when the settings name one, so that every
    web process counts together); sessions are not throttled here. Over the rate: 429
    with ``Retry-After``."""

    scope = "integration_token"

    def __init__(self):
        # Read at each request, not at import, so that the settings decide.
        self.rate = settings.PORTAL_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)

    @property
    def cache(self):
        return caches[settings.PORTAL_THROTTLE_CACHE]

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, IntegrationToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
