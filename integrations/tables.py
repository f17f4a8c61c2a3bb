"""The user's integration tokens as a list table (see ``core.tables``): organisation,
scope, expiry and last use, and a button that revokes an active one."""

from django.urls import reverse

from core.tables import Action, Cell, Column, ListTable
from core.zones import instant


def _name(token) -> Cell:
    return Cell(token.name, note=f"{token.prefix}…", css="nowrap")


def _organisation(token) -> Cell:
    organisation = token.organisation
    return Cell(organisation.code, title=organisation.name)


def _when(field):
    def cell(token) -> Cell:
        value = getattr(token, field)
        return Cell(value, instant(value) if value else "never" if field == "last_used_at" else "—")

    return cell


def _status(token) -> Cell:
    if token.revoked_at is not None:
        return Cell("revoked", css="muted")
    if not token.is_active(token.now):
        return Cell("expired", css="muted")
    return Cell(
        "active",
        badge="badge-open",
        action=Action(
            reverse("integrations:token-revoke", args=[token.pk]), "Revoke", detail=token.name
        ),
    )


TOKENS = ListTable(
    key="integration-tokens",
    caption="Your integration tokens, newest first",
    columns=[
        Column("Name", cell=_name, sort="name"),
        Column("Organisation", cell=_organisation),
        Column("Scope", cell=lambda t: Cell(t.get_scope_display())),
        Column("Created", cell=_when("created_at"), sort="created_at", css="nowrap"),
        Column("Expires", cell=_when("expires_at"), sort="expires_at", css="nowrap"),
        Column("Last used", cell=_when("last_used_at"), sort="last_used_at", css="nowrap"),
        Column("Status", cell=_status),
    ],
    empty="No token yet. Create one for each system that calls the API: it acts for one "
    "organisation, with your rights, until it expires or you revoke it.",
)
