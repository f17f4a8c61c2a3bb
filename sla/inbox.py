"""The SLAs' sources of the work inbox (``core.inbox``): SLAs waiting for the user's
signature, and drafts returned to the user's provider with a comment."""

from django.db.models import Q
from django.urls import reverse

from core.inbox import InboxItem, InboxSource, register_source

from .choices import SlaStatus
from .models import Sla


def _to_sign(user, scope):
    """Submitted SLAs that a party the user signs for has not signed yet: a client focal
    point for their entity, a provider manager for their provider."""
    clients, providers = scope.focal_point_client_ids, scope.managed_provider_ids
    if not (clients or providers):
        return None
    waiting = Q(agreement__client_id__in=clients, client_signed_at__isnull=True) | Q(
        agreement__provider_id__in=providers, provider_signed_at__isnull=True
    )
    return Sla.objects.filter(waiting, status=SlaStatus.SUBMITTED)


def _returned(user, scope):
    """Drafts a client returned with a comment, for the provider people who register
    them."""
    if not scope.registering_provider_ids:
        return None
    return Sla.objects.filter(
        status=SlaStatus.DRAFT, agreement__provider_id__in=scope.registering_provider_ids
    ).exclude(return_comment="")


def _items(rows, sentence, detail=lambda sla: ""):
    rows = rows.select_related("agreement__provider", "agreement__client")
    return [
        InboxItem(sentence(sla), reverse("sla:sla-detail", args=[sla.pk]), detail(sla))
        for sla in rows
    ]


def _to_sign_items(user, scope, limit):
    return _items(
        _to_sign(user, scope).order_by("start_date", "pk")[:limit],
        lambda sla: (
            f"{sla} between {sla.agreement.provider.code} and {sla.agreement.client.code},"
            f" from {sla.start_date:%Y-%m-%d}"
        ),
    )


def _returned_items(user, scope, limit):
    return _items(
        _returned(user, scope).order_by("start_date", "pk")[:limit],
        lambda sla: f"{sla} with {sla.agreement.client.code}",
        lambda sla: f"Comment: {sla.return_comment[:200]}",
    )


def register() -> None:
    register_source(
        InboxSource(
            key="sla.to_sign",
            title="SLAs waiting for your signature",
            nav="sla",
            more_url="/slas/?status=submitted",
            pending=_to_sign,
            items=_to_sign_items,
            order=10,
        )
    )
    register_source(
        InboxSource(
            key="sla.returned",
            title="SLAs returned to you with a comment",
            nav="sla",
            more_url="/slas/?status=draft",
            pending=_returned,
            items=_returned_items,
            order=11,
        )
    )
