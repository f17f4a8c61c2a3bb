"""Creating and revoking integration tokens, and noting their use.

A token is 32 random bytes (URL-safe base64) after a visible prefix: the portal keeps its
SHA-256 digest only, so that the token cannot be read back from the database, a backup or
the audit trail; the person who creates it sees it once.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import user_scope
from core.exceptions import ApplicationError

from .choices import TOKEN_PREFIX, TokenScope
from .models import IntegrationToken


def token_digest(token: str) -> str:
    """The hex SHA-256 digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    """(prefix, token): the prefix (``sp_`` and 8 hex digits) names the token in lists."""
    prefix = f"{TOKEN_PREFIX}{secrets.token_hex(4)}"
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def check_expiry(expires_at: dt.datetime, *, now: dt.datetime) -> None:
    """An expiry is after now and at most ``PORTAL_TOKEN_MAX_DAYS`` days away."""
    if expires_at <= now:
        raise ApplicationError(
            "A token's expiry must be in the future.",
            {"expires_at": ["This moment is already past."]},
        )
    longest = settings.PORTAL_TOKEN_MAX_DAYS
    if expires_at > now + dt.timedelta(days=longest):
        raise ApplicationError(
            f"A token lasts at most {longest} days.",
            {"expires_at": [f"At most {longest} days from now."]},
        )


@transaction.atomic
def token_create(
    *,
    user,
    name: str,
    scope: str,
    expires_at: dt.datetime,
    provider=None,
    client=None,
) -> tuple[IntegrationToken, str]:
    """Create a token for ``user`` acting for one organisation (a provider or a client
    entity); returns it with the clear token, which is stored nowhere.

    Catalogue managers bind a token to any organisation, provider managers to the
    providers they manage and the client entities they belong to; a client entity's token
    reads only (records are written for a provider)."""
    rights = user_scope(user)
    if not rights.issues_tokens:
        raise ApplicationError(
            "Only catalogue managers and provider managers, signed in, create tokens."
        )
    if (provider is None) == (client is None):
        raise ApplicationError(
            "Name one organisation: a provider or a client entity.",
            {"provider": ["Give a provider or a client entity, not both."]},
        )
    field = "provider" if provider is not None else "client"
    if not rights.may_bind_token_to(
        provider_id=provider.pk if provider else None, client_id=client.pk if client else None
    ):
        raise ApplicationError(
            "You may create tokens only for an organisation you manage or belong to.",
            {field: ["You do not manage or belong to this organisation."]},
        )
    if scope not in TokenScope.values:
        raise ApplicationError("Unknown scope.", {"scope": [f"Use one of {TokenScope.values}."]})
    if client is not None and scope != TokenScope.READ_ONLY:
        raise ApplicationError(
            "A client entity's token reads only: records are written for a provider.",
            {"scope": ["Only read_only for a client entity."]},
        )
    check_expiry(expires_at, now=timezone.now())
    for _attempt in range(3):  # a prefix drawn twice (1 in 4 billion) draws again
        prefix, clear = _new_token()
        token = IntegrationToken(
            name=(name or "").strip(),
            user=user,
            scope=scope,
            provider=provider,
            client=client,
            prefix=prefix,
            digest=token_digest(clear),
            expires_at=expires_at,
        )
        token.full_clean()
        try:
            with transaction.atomic():
                token.save()
        except IntegrityError:
            continue
        return token, clear
    raise ApplicationError("No token could be made; try again.")


@transaction.atomic
def token_revoke(*, token: IntegrationToken, user) -> IntegrationToken:
    """Revoke a token: it opens nothing from now on. Revoking twice changes nothing."""
    if token.user_id != user.pk:
        raise ApplicationError("Only the token's creator revokes it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_note_use(*, token: IntegrationToken, now: dt.datetime) -> None:
    """Note that ``token`` was used, at most once per ``PORTAL_TOKEN_LAST_USE_SECONDS``
    (a write per request would make every read a write). A plain update: noting a use
    is not a change anyone audits."""
    every = dt.timedelta(seconds=settings.PORTAL_TOKEN_LAST_USE_SECONDS)
    if token.last_used_at is not None and now - token.last_used_at < every:
        return
    IntegrationToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - every), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
