"""Integration tokens for tests: made through the service, as people make them."""

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from integrations.choices import TokenScope
from integrations.services import token_create


def issue_token(
    *, user, provider=None, client=None, scope=TokenScope.RECORDS_WRITE, days=30, name="Test ERP"
):
    """(token, clear token) of a new token of ``user`` (a provider manager or catalogue
    manager) for one organisation."""
    return token_create(
        user=user,
        name=name,
        scope=scope,
        provider=provider,
        client=client,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )


def bearer(clear: str) -> APIClient:
    """An API client that sends ``clear`` as its bearer token."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    return api
