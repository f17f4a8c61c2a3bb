"""A statement between a provider and a client entity for a month (DOMAIN §10): as issued,
or, until then, as a draft computed from the records whenever it is read.

A draft has one line per service and rate for the month's completed records (less the
defective ones unless their rate charges them), and one adjustment line per service and
rate for every month already issued whose records now give a different quantity than
what was issued for it (the month's own lines plus the adjustments issued for it since).
Issuing a draft stores exactly these lines. Fixed queries: about six, whatever the
number of records, rates or months issued before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.selectors import user_scope
from catalogue.models import Service
from clients.models import ClientEntity
from core.currencies import line_amount, rate_text, round_amount
from core.months import add_months, local_bounds, local_month, month_start, next_month
from providers.models import ServiceProvider
from records.choices import RecordStatus
from records.models import ServiceRecord

from ..choices import StatementStatus
from ..models import Statement, StatementLine
from ..pricing import RateBook, priced_counts


def statement_queryset(*, user) -> QuerySet[Statement]:
    """Issued statements ``user`` may read: global roles all; a provider's people their
    provider's; a client's focal points their entity's; nobody else any."""
    scope = user_scope(user)
    qs = Statement.objects.select_related("provider", "client", "issued_by", "answered_by")
    if scope.sees_everything:
        return qs
    if not (scope.provider_ids or scope.client_ids):
        return qs.none()
    return qs.filter(Q(provider_id__in=scope.provider_ids) | Q(client_id__in=scope.client_ids))


@dataclass(frozen=True)
class Line:
    """One line of a statement: ``adjusts`` is the month an adjustment line belongs to."""

    service: Service
    rate: Decimal
    quantity: int
    amount: Decimal
    currency: str
    adjusts: dt.date | None = None

    @property
    def rate_shown(self) -> str:
        return rate_text(self.rate, self.currency)


@dataclass(frozen=True)
class Unpriced:
    """Records a draft cannot price: completed on days when their offering had no rate."""

    service: Service
    month: dt.date
    records: int


@dataclass
class StatementView:
    """A statement as it is shown and served: issued (``stored``) or a draft."""

    provider: object
    client: object
    month: dt.date
    status: str
    currency: str
    lines: list[Line] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)
    stored: Statement | None = None
    month_ended: bool = False
    not_charged: int = 0  # defective deliveries the month's rates do not charge

    @property
    def total(self) -> Decimal:
        total = sum((line.amount for line in self.lines), Decimal(0))
        return round_amount(total, self.currency) if self.currency else total

    @property
    def is_draft(self) -> bool:
        return self.status == StatementStatus.DRAFT

    @property
    def month_lines(self) -> list[Line]:
        return [line for line in self.lines if line.adjusts is None]

    @property
    def adjustment_lines(self) -> list[Line]:
        return [line for line in self.lines if line.adjusts is not None]

    def get_status_display(self) -> str:
        return StatementStatus(self.status).label


def provider_zone(provider) -> ZoneInfo:
    return ZoneInfo(provider.duty_station.timezone)


def current_month(provider, now: dt.datetime | None = None) -> dt.date:
    """The month it is now in the provider's time zone."""
    return local_month(now or timezone.now(), provider_zone(provider))


def month_has_ended(provider, month: dt.date, now: dt.datetime | None = None) -> bool:
    """Whether the month is over in the provider's time zone (a statement can be issued)."""
    end, _ = local_bounds(next_month(month), next_month(month), provider_zone(provider))
    return (now or timezone.now()) >= end


def statement_for(*, provider, client, month: dt.date, now=None) -> StatementView:
    """The statement of ``provider`` to ``client`` for ``month``: the issued one, or the
    draft as the records give it now. (Who may read it is the caller's question:
    ``UserScope.sees_statements_of``.)"""
    stored = (
        Statement.objects.filter(provider=provider, client=client, month=month)
        .select_related("issued_by", "answered_by")
        .prefetch_related(
            Prefetch("lines", queryset=StatementLine.objects.select_related("service"))
        )
        .first()
    )
    ended = month_has_ended(provider, month, now)
    if stored is not None:
        return StatementView(
            provider=provider,
            client=client,
            month=month,
            status=stored.status,
            currency=stored.currency,
            lines=[
                Line(
                    service=line.service,
                    rate=line.rate,
                    quantity=line.quantity,
                    amount=line.amount,
                    currency=stored.currency,
                    adjusts=line.adjusts,
                )
                for line in stored.lines.all()
            ],
            stored=stored,
            month_ended=ended,
        )
    return _draft(provider=provider, client=client, month=month, ended=ended)


def _draft(*, provider, client, month: dt.date, ended: bool) -> StatementView:
    # What was issued for each month: its own lines and the adjustments issued for it
    # since (every issued statement has lines: an empty one is never issued).
    billed: dict[tuple[dt.date, int, Decimal], int] = defaultdict(int)
    issued_months = set()
    for issued_month, adjusts, service_id, rate, quantity in StatementLine.objects.filter(
        statement__provider=provider, statement__client=client
    ).values_list("statement__month", "adjusts", "service_id", "rate", "quantity"):
        billed[(adjusts or issued_month, service_id, rate)] += quantity
        issued_months.add(issued_month)
    issued_months = sorted(issued_months - {month})
    months = sorted({month, *issued_months})
    book = RateBook.load(offering__provider_id=provider.pk)
    counts = priced_counts(
        ServiceRecord.objects.filter(
            provider=provider,
            client=client,
            status=RecordStatus.COMPLETED,
            completed_month__in=months,
        ),
        book=book,
        months=months,
    )
    live: dict[tuple[dt.date, int, Decimal], int] = defaultdict(int)
    missing: dict[tuple[int, dt.date], int] = defaultdict(int)
    not_charged = 0
    for count in counts:
        if count.rate is None:
            missing[(count.service_id, count.month)] += count.records
            continue
        live[(count.month, count.service_id, count.rate.rate)] += count.billable
        if count.month == month:
            not_charged += count.records - count.billable
    currency = book.currency_of(provider.pk)
    services = Service.objects.in_bulk(
        {key[1] for key in (*live, *billed)} | {key[0] for key in missing}
    )

    def order(key):
        line_month, service_id, rate = key
        return (line_month, services[service_id].code, rate)

    lines = [
        Line(services[s], rate, quantity, line_amount(quantity, rate, currency), currency)
        for (m, s, rate), quantity in sorted(live.items(), key=lambda item: order(item[0]))
        if m == month and quantity
    ]
    for adjusted in issued_months:
        keys = {k for k in (*live, *billed) if k[0] == adjusted}
        for key in sorted(keys, key=order):
            delta = live.get(key, 0) - billed.get(key, 0)
            if delta:
                _m, service_id, rate = key
                lines.append(
                    Line(
                        services[service_id],
                        rate,
                        delta,
                        line_amount(delta, rate, currency),
                        currency,
                        adjusts=adjusted,
                    )
                )
    return StatementView(
        provider=provider,
        client=client,
        month=month,
        status=StatementStatus.DRAFT,
        currency=currency,
        lines=lines,
        unpriced=[
            Unpriced(services[s], m, n)
            for (s, m), n in sorted(
                missing.items(), key=lambda i: (i[0][1], services[i[0][0]].code)
            )
        ],
        month_ended=ended,
        not_charged=not_charged,
    )


# The statements list shows the drafts of this many months before the current one.
WAITING_MONTHS = 6
WAITING_SHOWN = 200


def months_waiting(*, user, now: dt.datetime | None = None) -> list[tuple]:
    """(provider, client, month) of the last ``WAITING_MONTHS`` months before this one
    that have completed records the user may see and no statement issued, newest first
    (at most ``WAITING_SHOWN``). Four queries."""
    scope = user_scope(user)
    this_month = month_start((now or timezone.now()).date())
    first = add_months(this_month, -WAITING_MONTHS)
    records = ServiceRecord.objects.filter(
        status=RecordStatus.COMPLETED, completed_month__gte=first, completed_month__lt=this_month
    )
    if not scope.sees_everything:
        if not (scope.provider_ids or scope.client_ids):
            return []
        records = records.filter(
            Q(provider_id__in=scope.provider_ids) | Q(client_id__in=scope.client_ids)
        )
    found = set(
        records.order_by().values_list("provider_id", "client_id", "completed_month").distinct()
    )
    issued = set(
        Statement.objects.filter(month__gte=first, month__lt=this_month).values_list(
            "provider_id", "client_id", "month"
        )
    )
    waiting = sorted(found - issued, key=lambda k: (-k[2].toordinal(), k[0], k[1]))
    waiting = waiting[:WAITING_SHOWN]
    providers = ServiceProvider.objects.in_bulk({p for p, _, _ in waiting})
    clients = ClientEntity.objects.in_bulk({c for _, c, _ in waiting})
    rows = [(providers[p], clients[c], m) for p, c, m in waiting]
    return sorted(rows, key=lambda r: (-r[2].toordinal(), r[0].code, r[1].code))
