"""The audit trail's list table, each column declared once (see ``core.tables``). Who and
which object link to the trail filtered on them."""

from django.utils.html import format_html_join
from django.utils.http import urlencode

from core.tables import Cell, Column, ListTable
from core.zones import instant


def _who(entry) -> Cell:
    return Cell(
        entry.actor_label,
        href="?" + urlencode({"actor": entry.actor_label}),
        note=entry.run_id,
    )


def _what(entry) -> Cell:
    return Cell(entry.kind, entry.get_kind_display(), note=entry.action)


def _object(entry) -> Cell:
    return Cell(
        f"{entry.model} #{entry.object_id}",
        href="?" + urlencode({"model": entry.model, "object_id": entry.object_id}),
        note=entry.object_repr,
    )


def _changes(entry) -> Cell:
    lines = entry.change_lines()
    if not lines:
        return Cell(None, "—")
    return Cell(
        None,
        format_html_join("", "<div><code>{}</code>: {}</div>", lines),
    )


AUDIT_ENTRIES = ListTable(
    key="audit-entries",
    caption="Audit trail",
    columns=[
        Column("When", cell=lambda e: Cell(e.at, instant(e.at, seconds=True))),
        Column("Who", cell=_who),
        Column("Through", cell=lambda e: Cell(e.channel, e.get_channel_display())),
        Column("What", cell=_what),
        Column("Object", cell=_object),
        Column("Changes", cell=_changes),
    ],
    empty="No change recorded yet.",
    empty_filtered="No change matches these filters.",
)
