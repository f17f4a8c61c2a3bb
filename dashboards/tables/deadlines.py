"""Open records and their deadlines: the overdue ones (provider dashboard) and the ones
due soon (client dashboard), the first 25 of each with a link to them all."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse

from core.tables import Cell, Column, Table
from core.zones import instant
from records.models import ServiceRecord
from records.selectors import Deadline

from ..queries import deadlines_due_soon, overdue_deadlines
from .cells import LIST_LIMIT, open_records_url


def deadline_table(
    deadlines: list[Deadline], *, key: str, caption: str, empty: str, total_href: str
) -> Table:
    table = Table(
        key=key,
        caption=caption,
        columns=[
            Column("Reference"),
            Column("Provider"),
            Column("Client"),
            Column("Service"),
            Column("Received"),
            Column("Standard or SLA target"),
            Column("Deadline"),
        ],
        empty=empty,
        undated=True,
    )
    table.note_href = total_href
    for item in deadlines[:LIST_LIMIT]:
        record = item.record
        href = reverse("records:servicerecord-detail", args=[record.pk])
        table.rows.append(
            [
                Cell(record.external_ref, href=href),
                Cell(record.provider.code),
                Cell(record.client.code),
                Cell(record.service.code, note=record.service.name),
                Cell(record.received_at, instant(record.received_at)),
                Cell(
                    f"{item.target.line.sla.agreement.number} target ({item.standard.code})"
                    if item.target
                    else item.standard.code,
                    note=item.standard.get_kind_display(),
                ),
                Cell(item.due_at, instant(item.due_at)),
            ]
        )
    return table


def overdue_records(records: QuerySet[ServiceRecord], *, now: dt.datetime) -> Table:
    """Open records already past a deadline, oldest first (first 25)."""
    table = deadline_table(
        overdue_deadlines(records, now=now),
        key="overdue-records",
        caption="Overdue open records",
        empty="No open record is past its deadline.",
        total_href=open_records_url(),
    )
    table.note = "The oldest open records first; the records page lists every open record."
    return table


def due_soon(records: QuerySet[ServiceRecord], *, now: dt.datetime, days: int = 14) -> Table:
    """Open records whose next deadline falls within ``days`` days, soonest first: among the
    open records received in the last 90 days (older ones are long past their deadlines)."""
    table = deadline_table(
        deadlines_due_soon(records, now=now, days=days),
        key="due-soon",
        caption=f"Due in the next {days} days",
        empty=f"No open record is due in the next {days} days.",
        total_href=open_records_url(),
    )
    return table
