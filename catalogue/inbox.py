"""The catalogue's source of the work inbox (``core.inbox``): designation requests for a
catalogue manager to decide.

Designations become requests with a ``status`` (requested, then approved or refused) in a
change of their own; until ``Designation`` has that field, ``_requests_to_decide`` returns
None and the source shows nothing. Once it exists, this function is where the requests
are selected: nothing else here needs to change.
"""

from django.urls import reverse

from core.inbox import InboxItem, InboxSource, register_source

from .models import Designation

# The status of a designation waiting for a decision, once designations have one.
REQUESTED = "requested"


def _has_status() -> bool:
    return any(field.name == "status" for field in Designation._meta.get_fields())


def _requests_to_decide(user, scope):
    """Designation requests waiting for a catalogue manager's decision (None until
    designations have a ``status``)."""
    if not scope.is_catalogue_manager or not _has_status():
        return None
    return Designation.objects.filter(status=REQUESTED)


def _items(user, scope, limit):
    rows = (
        _requests_to_decide(user, scope)
        .select_related("client", "provider", "service", "area")
        .order_by("pk")[:limit]
    )
    return [
        InboxItem(
            f"{row.provider.code} to serve {row.client.code} for "
            f"{(row.service or row.area).name}, from {row.effective_from:%Y-%m-%d}",
            reverse("admin:catalogue_designation_change", args=[row.pk]),
        )
        for row in rows
    ]


def register() -> None:
    register_source(
        InboxSource(
            key="catalogue.designation_requests",
            title="Designation requests to decide",
            nav="catalogue",
            more_url="/admin/catalogue/designation/",
            pending=_requests_to_decide,
            items=_items,
            order=60,
        )
    )
