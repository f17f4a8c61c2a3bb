"""The records' list tables: service records (shown and exported from the same columns)
and imports, each column declared once (see ``core.tables``).

The records' export has the import file's columns, under the same names
(``imports.parse``), then what the portal measured. The page shows each time in the
viewer's zone and, below it, in the provider's (the zone of the calendar the record is
measured on, which compliance counts its months in)."""

from django.urls import reverse

from core.tables import Cell, Column, ListTable, badge
from core.templatetags.portal import working_duration
from core.zones import format_instant, instant


def _reference(record) -> Cell:
    return Cell(
        record.external_ref,
        href=reverse("records:servicerecord-detail", args=[record.pk]),
        after=badge("defective", "badge-pipeline") if record.defective else "",
    )


def _moment(record, value) -> Cell:
    if value is None:
        return Cell(value, "—")
    local = format_instant(value, record.calendar.timezone)
    return Cell(value, instant(value), note=f"Provider's local time: {local}")


def _working_time(record) -> Cell:
    seconds = record.elapsed_working_seconds
    if seconds is None:
        return Cell(seconds, "—")
    return Cell(seconds, working_duration(seconds, record.calendar.working_day_hours))


def _pauses(pauses: list[dict]) -> str:
    return ";".join(f"{p['start']}/{p['end']}" for p in pauses)


SERVICE_RECORDS = ListTable(
    key="service-records",
    caption="Service records",
    columns=[
        Column(
            "Reference",
            name="external_ref",
            field="external_ref",
            sort="external_ref",
            cell=_reference,
        ),
        Column("Provider", name="provider", field="provider__code"),
        Column("Client", name="client", field="client__code"),
        Column("Service", name="service", field="service__code"),
        Column(
            "Received",
            name="received_at",
            field="received_at",
            sort="received_at",
            cell=lambda r: _moment(r, r.received_at),
            export=lambda v: v.isoformat(),
        ),
        Column(
            "Completed",
            name="completed_at",
            field="completed_at",
            sort="completed_at",
            cell=lambda r: _moment(r, r.completed_at),
            export=lambda v: v.isoformat() if v else "",
        ),
        Column(
            "Status",
            name="status",
            field="status",
            cell=lambda r: Cell(r.status, r.get_status_display(), badge=f"badge-{r.status}"),
        ),
        Column("Pauses", name="pauses", field="pauses", export=_pauses, page=False),
        Column(
            "Defective",
            name="defective",
            field="defective",
            page=False,
            export=lambda v: "true" if v else "false",
        ),
        Column(
            "Working time",
            True,
            name="elapsed_working_seconds",
            field="elapsed_working_seconds",
            sort="elapsed_working_seconds",
            cell=_working_time,
        ),
        Column(
            "Calendar time",
            True,
            name="elapsed_calendar_seconds",
            field="elapsed_calendar_seconds",
            page=False,
        ),
        Column("Calendar", name="calendar", field="calendar__code", page=False),
    ],
    empty="No service record yet.",
    empty_filtered="No service record matches these filters.",
)


RECORD_IMPORTS = ListTable(
    key="record-imports",
    caption="Imports of service records",
    columns=[
        Column(
            "File",
            cell=lambda i: Cell(
                i.filename,
                i.filename or "(API)",
                href=reverse("records:recordimport-detail", args=[i.pk]),
            ),
        ),
        Column("Provider", field="provider__code"),
        Column("Status", cell=lambda i: Cell(i.status, i.get_status_display())),
        Column("Rows", True, field="rows_total"),
        Column("Errors", True, field="error_count"),
        Column(
            "Uploaded",
            sort="created_at",
            cell=lambda i: Cell(i.created_at, instant(i.created_at)),
        ),
    ],
    empty="No import yet.",
    empty_filtered="No import matches these filters.",
)
