"""The tables of cost recovery, each column declared once (see ``core.tables``): the rate
card and the issued statements (list pages), a statement's lines, the months waiting to be
issued, the volumes against the SLAs and value for money (the review pack shows it too)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template.defaultfilters import date
from django.urls import reverse

from core.currencies import rate_text
from core.tables import Cell, Column, ListTable, Table, badge


def _money(value, currency: str) -> Cell:
    """An amount: its value exported as is, shown with its currency's decimals."""
    if value is None:
        return Cell(None, "—")
    return Cell(value, f"{rate_text(value, currency)} {currency}".strip())


def statement_path(provider_code: str, client_code: str, month: dt.date) -> str:
    return reverse(
        "cost_recovery:statement-detail", args=[provider_code, client_code, f"{month:%Y-%m}"]
    )


def _illustrative(rate) -> str:
    if rate.is_demo:
        return badge("demo", "badge-illustrative")
    return badge("illustrative", "badge-illustrative") if rate.is_illustrative else ""


def rates_table(*, may_change) -> ListTable:
    """The rate card; ``may_change(rate)`` says whether to offer its change link."""
    columns = [
        Column("Provider", sort="provider", field="offering__provider__code", name="provider"),
        Column(
            "Service",
            sort="service",
            name="service",
            field="offering__service__code",
            cell=lambda r: Cell(
                r.offering.service.code,
                href=reverse("catalogue:service-detail", args=[r.offering.service.code]),
                note=r.offering.service.name,
            ),
        ),
        Column(
            "Rate",
            True,
            sort="rate",
            name="rate",
            field="rate",
            cell=lambda r: Cell(r.rate, rate_text(r.rate, r.currency), after=_illustrative(r)),
        ),
        Column("Currency", name="currency", field="currency"),
        Column("Unit", field="offering__rate_unit", name="unit"),
        Column(
            "From",
            sort="valid_from",
            css="nowrap",
            name="valid_from",
            field="valid_from",
            cell=lambda r: Cell(r.valid_from, date(r.valid_from, "Y-m-d")),
        ),
        Column(
            "To",
            css="nowrap",
            name="valid_to",
            field="valid_to",
            cell=lambda r: Cell(r.valid_to, date(r.valid_to, "Y-m-d") if r.valid_to else "—"),
        ),
        Column(
            "Defective charged",
            name="charge_defective",
            field="charge_defective",
            cell=lambda r: Cell(r.charge_defective, "Yes" if r.charge_defective else "No"),
        ),
        Column(
            "",
            exported=False,
            cell=lambda r: Cell(
                "",
                "Change" if may_change(r) else "",
                href=reverse("cost_recovery:rate-edit", args=[r.pk]) if may_change(r) else "",
            ),
        ),
    ]
    return ListTable(
        key="rates",
        caption="Rate card",
        css="data stack",
        columns=columns,
        empty="No rate yet: the provider's managers and catalogue managers add them.",
        empty_filtered="No rate matches these filters.",
    )


STATEMENTS = ListTable(
    key="statements",
    caption="Issued statements",
    css="data stack",
    columns=[
        Column(
            "Month",
            sort="month",
            css="nowrap",
            cell=lambda s: Cell(
                s.month,
                f"{s.month:%Y-%m}",
                href=statement_path(s.provider.code, s.client.code, s.month),
                after=badge("demo", "badge-illustrative") if s.is_demo else "",
            ),
        ),
        Column("Provider", sort="provider", field="provider__code"),
        Column("Client entity", sort="client", field="client__code"),
        Column(
            "Status",
            cell=lambda s: Cell(
                s.status, s.get_status_display(), badge=f"badge-statement-{s.status}"
            ),
        ),
        Column("Total", True, sort="total", cell=lambda s: _money(s.total, s.currency)),
        Column(
            "Issued",
            css="nowrap",
            cell=lambda s: Cell(s.issued_at, date(s.issued_at, "Y-m-d")),
        ),
    ],
    empty="No statement issued yet: a provider's managers issue each month's statement once "
    "the month is over.",
    empty_filtered="No issued statement matches these filters.",
)


def _exact(value, currency: str) -> Cell:
    """A rate or an amount, shown and exported with its currency's decimals (no more)."""
    text = rate_text(value, currency)
    return Cell(Decimal(text), text)


def statement_lines(view) -> Table:
    """A statement's lines and its total (the page, the CSV and the XLSX)."""
    table = Table(
        key="lines",
        caption=f"Statement {view.provider.code} → {view.client.code}, {view.month:%B %Y}",
        columns=[
            Column("Service"),
            Column("Rate", True),
            Column("Quantity", True),
            Column("Amount", True),
            Column("Currency"),
            Column("Adjusts month"),
        ],
        empty="Nothing to bill this month: no completed record to charge and no adjustment.",
        css="data",
    )
    row_css = []
    for line in view.lines:
        table.rows.append(
            [
                Cell(line.service.code, note=line.service.name),
                _exact(line.rate, line.currency),
                Cell(line.quantity),
                _exact(line.amount, line.currency),
                Cell(line.currency),
                Cell(
                    f"{line.adjusts:%Y-%m}" if line.adjusts else "",
                    f"adjusts {line.adjusts:%Y-%m}" if line.adjusts else "—",
                ),
            ]
        )
        row_css.append("adjustment" if line.adjusts else "")
    if view.lines:
        table.rows.append(
            [
                Cell("Total"),
                Cell(None, ""),
                Cell(None, ""),
                _exact(view.total, view.currency),
                Cell(view.currency),
                Cell(None, ""),
            ]
        )
        row_css.append("total")
    table.row_css = row_css
    return table


def waiting_table(rows: list[tuple], *, issuer_ids: frozenset[int]) -> Table:
    """Months with completed records and no statement issued yet: (provider, client,
    month) each, newest first."""
    table = Table(
        key="drafts",
        caption="Months not issued yet (drafts)",
        columns=[Column("Month"), Column("Provider"), Column("Client entity"), Column("")],
        empty="Every month with completed records has its statement issued.",
        css="data stack",
        figures=False,
    )
    for provider, client, month in rows:
        href = statement_path(provider.code, client.code, month)
        table.rows.append(
            [
                Cell(month, f"{month:%Y-%m}", href=href),
                Cell(provider.code),
                Cell(client.code),
                Cell(
                    "",
                    "Review and issue" if provider.pk in issuer_ids else "See the draft",
                    href=href,
                ),
            ]
        )
    return table


def _pct(value) -> Cell:
    return Cell(value, "—" if value is None else f"{value}%")


def volumes_table(volumes, *, key: str = "volumes", caption: str = "") -> Table:
    """Each SLA line's expected volume beside its volume and amount to date."""
    table = Table(
        key=key,
        caption=caption or "Volumes against the SLAs, to date",
        columns=[
            Column("SLA"),
            Column("Client entity"),
            Column("Service"),
            Column("Expected (period)", True),
            Column("Expected to date", True),
            Column("Actual to date", True),
            Column("Variance", True),
            Column("Variance %", True),
            Column("Amount to date", True),
            Column("Currency"),
        ],
        empty="No SLA in force to compare with.",
        css="data stack",
        figures=False,
    )
    row_css = []
    for v in volumes:
        note = f"{v.unpriced} record(s) without a rate" if v.unpriced else ""
        service = v.line.offering.service
        table.rows.append(
            [
                Cell(str(v.sla), href=reverse("sla:sla-detail", args=[v.sla.pk]) + "#volumes"),
                Cell(v.sla.agreement.client.code),
                Cell(service.code, note=f"{service.name}, per {service.unit_of_service}"),
                Cell(v.expected),
                Cell(v.expected_to_date),
                Cell(v.actual, note=note),
                Cell(v.variance, f"{v.variance:+}"),
                _pct(v.variance_pct),
                Cell(v.amount, rate_text(v.amount, v.currency) if v.currency else "—"),
                Cell(v.currency),
            ]
        )
        row_css.append("over" if v.runs_over else "")
    table.row_css = row_css
    return table


def _per_unit(row) -> Cell:
    if row.cost_per_unit is None:
        return Cell(None, "—")
    return Cell(row.cost_per_unit, rate_text(row.cost_per_unit, row.currency))


def value_table(rows, *, key: str = "value-for-money", caption: str = "") -> Table:
    """Per service, each provider's cost per unit beside its attainment and satisfaction."""
    table = Table(
        key=key,
        caption=caption or "Value for money: cost per unit beside performance",
        columns=[
            Column("Service"),
            Column("Provider"),
            Column("Units", True),
            Column("Amount", True),
            Column("Currency"),
            Column("Cost per unit", True),
            Column("Attainment", True),
            Column("Satisfied", True),
        ],
        empty="No priced delivery or compliance figure in these months.",
        css="data stack",
        figures=False,
    )
    for row in rows:
        satisfied = _pct(row.satisfaction)
        if row.satisfaction_withheld:
            satisfied = Cell(None, "fewer than 5 answers")
        table.rows.append(
            [
                Cell(row.service.code, note=row.service.name),
                Cell(row.provider.code),
                Cell(row.units, note=f"{row.unpriced} without a rate" if row.unpriced else ""),
                Cell(row.amount, rate_text(row.amount, row.currency) if row.currency else "—"),
                Cell(row.currency),
                _per_unit(row),
                _pct(row.attainment),
                satisfied,
            ]
        )
    return table
