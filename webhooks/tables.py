"""The tables of webhooks, each column declared once (see ``core.tables``): the
subscriptions, the deliveries (each failed or delivered one with its redeliver button),
and a delivery's attempts."""

from django.urls import reverse

from core.tables import Action, Cell, Column, ListTable, Table
from core.zones import instant

from .choices import DeliveryStatus

STATUS_BADGES = {
    DeliveryStatus.PENDING: "badge-pipeline",
    DeliveryStatus.SUCCEEDED: "badge-import-done",
    DeliveryStatus.FAILED: "badge-import-failed",
}


def _when(value) -> Cell:
    return Cell(value, instant(value) if value else "—")


SUBSCRIPTIONS = ListTable(
    key="webhook-subscriptions",
    caption="Webhook subscriptions",
    css="data stack",
    columns=[
        Column(
            "Organisation",
            cell=lambda s: Cell(
                s.organisation_code,
                note="provider" if s.provider_id else "client entity",
            ),
        ),
        Column(
            "Endpoint",
            sort="endpoint",
            cell=lambda s: Cell(
                s.url, href=reverse("webhooks:subscription-edit", args=[s.pk]), note=s.description
            ),
        ),
        Column(
            "Events",
            cell=lambda s: Cell(", ".join(s.events)),
        ),
        Column(
            "Active",
            cell=lambda s: Cell(s.is_active, "Yes" if s.is_active else "Paused"),
        ),
        Column("Since", sort="created_at", css="nowrap", cell=lambda s: _when(s.created_at)),
        Column(
            "",
            cell=lambda s: Cell(
                "",
                "Deliveries",
                href=f"{reverse('webhooks:delivery-list')}?subscription={s.pk}",
            ),
        ),
    ],
    empty="No webhook yet: add one to have the portal tell your systems when something happens.",
    empty_filtered="No subscription matches these filters.",
)


def _status(delivery) -> Cell:
    action = None
    if delivery.status != DeliveryStatus.PENDING and delivery.subscription.is_active:
        action = Action(
            reverse("webhooks:delivery-redeliver", args=[delivery.pk]),
            "Redeliver",
            detail=f"{delivery.event_type} {delivery.event_id}",
        )
    return Cell(
        delivery.status,
        delivery.get_status_display(),
        badge=STATUS_BADGES.get(delivery.status, ""),
        action=action,
    )


DELIVERIES = ListTable(
    key="webhook-deliveries",
    caption="Webhook deliveries, newest first",
    css="data stack",
    columns=[
        Column("Created", sort="created_at", css="nowrap", cell=lambda d: _when(d.created_at)),
        Column(
            "Event",
            sort="event_type",
            cell=lambda d: Cell(
                d.event_type,
                href=reverse("webhooks:delivery-detail", args=[d.pk]),
                note=d.event_id + (f" · redelivery {d.sequence}" if d.sequence else ""),
            ),
        ),
        Column(
            "To",
            cell=lambda d: Cell(d.subscription.url, note=d.subscription.organisation_code),
        ),
        Column("Attempts", True, sort="attempts", cell=lambda d: Cell(d.attempts)),
        Column(
            "Last answer",
            True,
            cell=lambda d: Cell(d.last_status_code, str(d.last_status_code or "—")),
        ),
        Column("Status", sort="status", cell=_status),
    ],
    empty="Nothing sent yet: deliveries appear here when an event your subscriptions chose "
    "happens.",
    empty_filtered="No delivery matches these filters.",
)


def attempts_table(attempts) -> Table:
    columns = [
        Column("Attempt", True),
        Column("Started"),
        Column("Time (ms)", True),
        Column("Status code", True),
        Column("Outcome"),
        Column("Answer (first 1,000 characters)"),
    ]
    rows = [
        [
            Cell(a.number),
            _when(a.started_at),
            Cell(a.duration_ms),
            Cell(a.status_code, str(a.status_code or "—")),
            Cell(a.succeeded, "Delivered" if a.succeeded else (a.error or "Failed")),
            Cell(a.response_body, a.response_body or "—", css="small"),
        ]
        for a in attempts
    ]
    return Table(
        key="webhook-attempts",
        caption="Attempts",
        columns=columns,
        rows=rows,
        empty="Not attempted yet.",
        css="data stack",
        row_headers=False,
        figures=False,
    )
