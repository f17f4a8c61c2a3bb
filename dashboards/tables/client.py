"""The client dashboard's tables: the entity's designated providers and SLAs, and its
compliance by service (its open breaches and what is due soon come from
``management.breaches_table`` and ``deadlines.due_soon``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from compliance.choices import ComplianceScope
from core.tables import Cell, Column, Table

from ..queries import Facts, current_slas, designations_now, rollup
from .cells import period_params, totals_cells, totals_columns


def compliance_by_service(data: Facts, *, months: list[dt.date], drill: dict) -> Table:
    """Per service and scope: attainment and breaches over ``months``."""
    names = data.names
    groups = rollup(data.of(months), lambda f: (names.services[f.service_id].code, f.scope))
    table = Table(
        key="by-service",
        caption="Compliance by service",
        columns=[
            Column("Service"),
            Column("Measured against"),
            *totals_columns(),
        ],
        chart={"type": "bar", "value_column": 5, "unit": "%"},
    )
    service_names = {s.code: s.name for s in names.services.values()}
    period = period_params(months)
    for code, scope in sorted(groups):
        totals = groups[(code, scope)]
        params = {"service": code, "scope": scope, **period}
        against = (
            "Your SLA targets"
            if scope == ComplianceScope.SLA
            else "Standards (provider, all clients)"
        )
        table.rows.append(
            [
                Cell(code, note=service_names.get(code, "")),
                Cell(scope, against),
                *totals_cells(totals, drill, params, coloured=True),
            ]
        )
    return table


def client_providers(*, client, today: dt.date) -> Table:
    """The providers designated for the client now, by area or service (one query)."""
    designations = designations_now(client=client, today=today)
    table = Table(
        key="providers",
        caption="Designated providers",
        columns=[Column("Provider"), Column("Area or service"), Column("Since")],
        empty="No provider is designated for this entity.",
        undated=True,
    )
    for d in designations:
        what = d.service.code if d.service_id else d.area.name
        table.rows.append(
            [
                Cell(
                    d.provider.code,
                    href=reverse("catalogue:serviceprovider-detail", args=[d.provider.code]),
                    note=d.provider.name,
                ),
                Cell(what),
                Cell(d.valid_from, f"{d.valid_from:%Y-%m-%d}"),
            ]
        )
    return table


def client_slas(*, client) -> Table:
    """The client's SLAs, the current version of each agreement (one query)."""
    slas = current_slas(client=client)
    table = Table(
        key="slas",
        caption="SLAs",
        columns=[
            Column("Agreement"),
            Column("Provider"),
            Column("Status"),
            Column("From"),
            Column("To"),
        ],
        empty="No SLA yet.",
        undated=True,
    )
    for sla in slas:
        table.rows.append(
            [
                Cell(
                    f"{sla.agreement.number} v{sla.version}",
                    href=reverse("sla:sla-detail", args=[sla.pk]),
                ),
                Cell(sla.agreement.provider.code),
                Cell(sla.status, sla.get_status_display()),
                Cell(sla.start_date, f"{sla.start_date:%Y-%m-%d}"),
                Cell(sla.end_date, f"{sla.end_date:%Y-%m-%d}"),
            ]
        )
    return table
