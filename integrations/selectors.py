"""Reading integration tokens: a person's own, and the one a request presents."""

from dataclasses import replace

from django.utils import timezone

from accounts.choices import Role
from accounts.selectors import UserScope, user_scope
from clients.models import ClientEntity

from .choices import TokenScope
from .models import IntegrationToken
from .services import token_digest


def token_queryset(*, user):
    """The tokens ``user`` created, newest first, with their organisation (nobody lists
    or revokes anyone else's)."""
    return IntegrationToken.objects.filter(user=user).select_related("provider", "client")


def token_for(clear: str) -> IntegrationToken | None:
    """The token whose digest matches ``clear``, with its creator; None when none does."""
    return (
        IntegrationToken.objects.select_related("user").filter(digest=token_digest(clear)).first()
    )


def token_problem(token: IntegrationToken | None) -> str:
    """Why ``token`` opens nothing ("" when it may be used)."""
    if token is None:
        return "Invalid token."
    if token.revoked_at is not None:
        return "This token was revoked."
    if token.expires_at <= timezone.now():
        return "This token has expired."
    if not token.user.is_active:
        return "This token's creator can no longer sign in."
    return ""


def token_scope(token: IntegrationToken) -> UserScope | None:
    """The scope a request made with ``token`` acts in: its creator's, narrowed to the
    token's organisation (as an integration of the provider, or a focal point of the
    client entity) and to its scope; None when the creator may no longer create a token
    for that organisation (they stopped managing it, say)."""
    creator = user_scope(token.user)
    if not creator.may_bind_token_to(provider_id=token.provider_id, client_id=token.client_id):
        return None
    if token.provider_id is not None:
        memberships = frozenset({(Role.INTEGRATION, token.provider_id, None)})
        load_served = None
    else:
        memberships = frozenset({(Role.CLIENT_FOCAL_POINT, None, token.client_id)})
        client_id = token.client_id

        def load_served():
            # Note: through the client entity's designations, a relation the catalogue's
            # model declares (this app is below the catalogue).
            return (
                ClientEntity.objects.filter(pk=client_id, designations__isnull=False)
                .values_list("designations__provider_id", flat=True)
                .distinct()
            )

    return replace(
        creator,
        memberships=memberships,
        superuser=False,
        load_served=load_served,
        through_token=True,
        read_only=token.scope != TokenScope.RECORDS_WRITE,
    )
