"""The user's notifications as a list table, each column declared once (see
``core.tables``): unread ones marked, each with a button that marks it read. On narrow
screens each notification becomes a block headed by its title."""

from django.urls import reverse

from core.tables import Action, Cell, Column, ListTable
from core.zones import instant


def _notification(notification) -> Cell:
    # ``link``: the stored url, when it leads inside the portal (set by the view).
    return Cell(
        notification.title,
        href=getattr(notification, "link", ""),
        note=notification.message,
        css="notification-title",
    )


def _received(notification) -> Cell:
    return Cell(notification.created_at, instant(notification.created_at))


def _status(notification) -> Cell:
    if notification.read_at:
        return Cell("read", css="muted")
    return Cell(
        "unread",
        badge="badge-unread",
        action=Action(
            reverse("accounts:notification-read", args=[notification.pk]),
            "Mark as read",
            detail=notification.title,
        ),
    )


NOTIFICATIONS = ListTable(
    key="notifications",
    caption="Your notifications, newest first",
    css="data stack notifications",
    row_css=lambda n: "notification" if n.read_at else "notification unread",
    columns=[
        Column("Notification", cell=_notification),
        Column("Received", css="nowrap", cell=_received),
        Column("Status", cell=_status),
    ],
    empty="No notification yet. You hear here when an SLA of yours is submitted, approved, "
    "returned, terminated or about to expire.",
)
