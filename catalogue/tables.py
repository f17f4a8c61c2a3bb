"""The catalogue's list tables: services, service providers and client entities, each
column declared once (see ``core.tables``)."""

from django.urls import reverse
from django.utils.text import Truncator

from core.tables import Cell, Column, ListTable


def _yes_no(value: bool) -> Cell:
    return Cell(value, "Yes" if value else "No")


def _service_link(service, text: str, note: str = "") -> Cell:
    return Cell(text, href=reverse("catalogue:service-detail", args=[service.code]), note=note)


SERVICES = ListTable(
    key="services",
    caption="Catalogue services",
    columns=[
        Column("Code", sort="code", cell=lambda s: _service_link(s, s.code)),
        Column(
            "Service",
            sort="name",
            cell=lambda s: _service_link(s, s.name, Truncator(s.description).chars(140)),
        ),
        Column("Area", sort="area", field="area__name"),
        Column("Delivery", cell=lambda s: Cell(s.delivery_mode, s.get_delivery_mode_display())),
        Column("Location-independent", cell=lambda s: _yes_no(s.location_independent)),
        Column("Providers", True, field="provider_count"),
        Column(
            "Status",
            cell=lambda s: Cell(
                s.lifecycle, s.get_lifecycle_display(), badge=f"badge-{s.lifecycle}"
            ),
        ),
    ],
    empty="No service matches: the catalogue is empty.",
    empty_filtered="No service matches these filters.",
)


def _provider_link(provider, text: str) -> Cell:
    return Cell(text, href=reverse("catalogue:serviceprovider-detail", args=[provider.code]))


PROVIDERS = ListTable(
    key="providers",
    caption="Service providers",
    columns=[
        Column("Code", sort="code", cell=lambda p: _provider_link(p, p.code)),
        Column("Provider", sort="name", cell=lambda p: _provider_link(p, p.name)),
        Column("Kind", cell=lambda p: Cell(p.kind, p.get_kind_display())),
        Column("Duty station", sort="duty_station", field="duty_station__name"),
        Column("Time zone", field="duty_station__timezone"),
        Column("Services", True, field="service_count"),
    ],
    empty="No provider matches.",
    empty_filtered="No provider matches these filters.",
)


def _entity_link(entity, text: str) -> Cell:
    return Cell(text, href=reverse("catalogue:cliententity-detail", args=[entity.code]))


CLIENT_ENTITIES = ListTable(
    key="client-entities",
    caption="Client entities",
    columns=[
        Column("Code", sort="code", cell=lambda e: _entity_link(e, e.code)),
        Column("Entity", sort="name", cell=lambda e: _entity_link(e, e.name)),
        Column("Type", sort="type", cell=lambda e: Cell(e.type, e.get_type_display())),
        Column("Pillar", cell=lambda e: Cell(e.pillar, e.get_pillar_display() or "—")),
        Column("Duty station", field="duty_station__name"),
        Column("Country", sort="country", field="country"),
        Column("Active", cell=lambda e: _yes_no(e.active)),
    ],
    empty="No client entity matches.",
    empty_filtered="No client entity matches these filters.",
)


def _designation_link(d, text: str) -> Cell:
    return Cell(text, href=reverse("catalogue:designation-detail", args=[d.pk]))


def _period(d) -> Cell:
    end = f"{d.valid_to:%Y-%m-%d}" if d.valid_to else "open-ended"
    return Cell(d.valid_from, f"{d.valid_from:%Y-%m-%d} to {end}")


DESIGNATIONS = ListTable(
    key="designations",
    caption="Designations",
    columns=[
        Column("Client", sort="client", cell=lambda d: _designation_link(d, d.client.code)),
        Column(
            "For",
            cell=lambda d: Cell(
                d.service.code if d.service_id else d.area.code,
                d.service.code if d.service_id else f"all {d.area.name} services",
            ),
        ),
        Column(
            "Provider", sort="provider", cell=lambda d: _provider_link(d.provider, d.provider.code)
        ),
        Column("Period", sort="valid_from", cell=_period),
        Column(
            "Status",
            cell=lambda d: Cell(
                d.status, d.get_status_display(), badge=f"badge-designation-{d.status}"
            ),
        ),
        Column(
            "Requested",
            sort="requested_at",
            cell=lambda d: Cell(
                d.requested_at,
                f"{d.requested_at:%Y-%m-%d} by {d.requested_by or 'unknown'}"
                if d.requested_at
                else "reference data",
            ),
        ),
    ],
    empty="No designation matches.",
    empty_filtered="No designation matches these filters.",
)
