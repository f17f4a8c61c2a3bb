"""The catalogue's source of the work inbox (``core.inbox``): designation requests waiting
for a catalogue manager's decision."""

from django.urls import reverse

from core.inbox import InboxItem, InboxSource, register_source

from .choices import DesignationStatus
from .models import Designation


def _requests_to_decide(user, scope):
    """Designation requests waiting for a decision, for those who decide them."""
    if not scope.decides_designations:
        return None
    return Designation.objects.filter(status=DesignationStatus.REQUESTED)


def _items(user, scope, limit):
    rows = (
        _requests_to_decide(user, scope)
        .select_related("client", "provider", "service", "area")
        .order_by("requested_at", "pk")[:limit]
    )
    return [
        InboxItem(
            f"{row.client.code} asks for {row.provider.code} to serve "
            f"{(row.service or row.area).name}, from {row.valid_from:%Y-%m-%d}",
            reverse("catalogue:designation-detail", args=[row.pk]),
        )
        for row in rows
    ]


def register() -> None:
    register_source(
        InboxSource(
            key="catalogue.designation_requests",
            title="Designation requests to decide",
            nav="designations",
            more_url="/designations/?status=requested",
            pending=_requests_to_decide,
            items=_items,
            order=60,
        )
    )
