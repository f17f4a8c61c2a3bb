"""The compliance engine (DOMAIN §5): per provider and month, every minimum service
standard over all the provider's records, and every SLA target over the records its SLA
covers.

Any set of (provider, month) shards is computed together (a pending run: one provider's
months; a full recompute: every provider's year in one pass) with one SQL aggregate that
reads each completed record once (grouped by provider, service, month and SLA client, with
a count per threshold), the open records read once by service from their partial index,
and only the results whose values changed written. It runs under a lock per (provider,
month) (PostgreSQL advisory locks, taken in order), writes with upserts on the results'
natural key and removes stale rows, all in one transaction, so
computing a month once, twice, in pieces, within a year or alone, or from several workers
gives the same rows; a run killed mid-way leaves the previous results and the pending
marks in place and is simply redone.
"""

import bisect
import datetime as dt
import json
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.choices import Role
from accounts.services import Notice, notify_all, role_holders
from catalogue.choices import MeasureKind
from catalogue.models import MinimumServiceStandard, Offering, Service
from core.audit import audit_actions
from core.clock import calendar_due_at, due_at, threshold_seconds, uses_working_time
from core.models import DutyStation
from core.months import local_bounds, month_start, next_month
from providers.models import ServiceProvider
from records.choices import RecordStatus
from records.models import PendingCompliance, ServiceRecord, pause_intervals
from sla.choices import IN_FORCE_STATUSES
from sla.models import ServiceLevelTarget, Sla

from .choices import ComplianceScope, ComplianceStatus, RunStatus
from .models import WITHHELD_RESULTS, ComplianceResult, ComplianceRun


def is_met(*, met: int, eligible: int, target_pct: Decimal) -> bool:
    """``met × 100 ≥ target_pct × eligible``, in exact decimal arithmetic (DOMAIN §5)."""
    return Decimal(met) * 100 >= Decimal(target_pct) * Decimal(eligible)


def result_status(*, met: int, eligible: int, target_pct: Decimal) -> str:
    if eligible == 0:
        return ComplianceStatus.NO_DATA
    if is_met(met=met, eligible=eligible, target_pct=target_pct):
        return ComplianceStatus.MET
    return ComplianceStatus.BREACHED


# --- what is measured -------------------------------------------------------------------


@dataclass(slots=True)
class Measure:
    """One result to compute: a standard for the provider over a month, or an SLA target
    over the part of the month its SLA version was in force (``full_month`` when that is
    the whole month)."""

    key: str
    scope: str
    provider_id: int
    standard_id: int
    service_id: int
    client_id: int | None
    sla_id: int | None
    target_id: int | None
    kind: str
    threshold: Decimal | None
    clock: str
    target_pct: Decimal
    threshold_seconds: int | None
    month: dt.date
    window: tuple[dt.datetime, dt.datetime]
    full_month: bool


class _Version(NamedTuple):
    """An SLA version as the engine needs it: whose, and the local days it counts."""

    pk: int
    client_id: int
    start_date: dt.date
    last_day: dt.date
    provider_id: int


def _measure(key, provider_id, row, seconds, month, window, full_month=True, sla=None):
    """A Measure from a standard's or a target's row (pk, standard, service, kind,
    threshold, clock, target %); a target's also names its SLA version and client."""
    pk, standard_id, service_id, kind, threshold, clock, target_pct = row
    return Measure(
        key=key,
        scope=ComplianceScope.SLA if sla else ComplianceScope.MSS,
        provider_id=provider_id,
        standard_id=standard_id,
        service_id=service_id,
        client_id=sla.client_id if sla else None,
        sla_id=sla.pk if sla else None,
        target_id=pk if sla else None,
        kind=kind,
        threshold=threshold,
        clock=clock,
        target_pct=target_pct,
        threshold_seconds=seconds,
        month=month,
        window=window,
        full_month=full_month,
    )


def measures_for(*, batches: list[tuple[ServiceProvider, object, list[dt.date]]]) -> list[Measure]:
    """Every measure of some providers over some of their months, from (provider, its
    work calendar, months in order); standards, SLA versions and targets are read once for
    them all, as plain values (a full recompute makes tens of thousands of measures)."""
    providers = {provider.pk: provider for provider, _, _ in batches}
    first = min(months[0] for _, _, months in batches)
    after_last = next_month(max(months[-1] for _, _, months in batches))
    offered: dict[int, list] = {}
    for provider_id, service_id in Offering.objects.filter(provider_id__in=providers).values_list(
        "provider_id", "service_id"
    ):
        offered.setdefault(provider_id, []).append(service_id)
    # What a result copies from its standard or target: (pk, standard, service, kind,
    # threshold, clock, target %).
    standards: dict[int, list] = {}
    for row in (
        MinimumServiceStandard.objects.filter(
            service_id__in={s for services in offered.values() for s in services},
            kind__in=computed_kinds(),
        )
        .order_by("pk")
        .values_list("pk", "pk", "service_id", "kind", "threshold", "clock", "target_pct")
    ):
        standards.setdefault(row[2], []).append(row)
    versions = list(
        Sla.objects.filter(
            agreement__provider_id__in=providers,
            status__in=IN_FORCE_STATUSES,
            start_date__lt=after_last,
            end_date__gte=first,
        ).values_list(
            "pk",
            "agreement__provider_id",
            "agreement__client_id",
            "start_date",
            "end_date",
            "termination_date",
        )
    )
    # The last local day a version counts: its end, its termination, or the day before
    # the amendment that superseded it starts.
    amended = {
        supersedes_id: start_date - dt.timedelta(days=1)
        for supersedes_id, start_date in Sla.objects.filter(
            supersedes_id__in=[v[0] for v in versions], status__in=IN_FORCE_STATUSES
        ).values_list("supersedes_id", "start_date")
    }
    by_sla = {
        pk: _Version(
            pk, client_id, start, min(ended or end, amended.get(pk, dt.date.max)), provider_id
        )
        for pk, provider_id, client_id, start, end, ended in versions
    }
    targets: dict[int, list] = {}  # provider -> (target, its SLA version)
    for *target, sla_id in (
        ServiceLevelTarget.objects.filter(line__sla_id__in=list(by_sla), kind__in=computed_kinds())
        .order_by("pk")
        .values_list(
            "pk",
            "standard_id",
            "line__offering__service_id",
            "kind",
            "threshold",
            "clock",
            "target_pct",
            "line__sla_id",
        )
    ):
        version = by_sla[sla_id]
        targets.setdefault(version.provider_id, []).append((target, version))

    measures = []
    for provider, calendar, months in batches:
        zone = calendar.zone
        thresholds: dict[tuple, int | None] = {}  # a few distinct ones, many measures

        def seconds(kind, clock, threshold, hours=calendar.working_day_hours, cache=thresholds):
            if kind != MeasureKind.TIMELINESS:
                return None
            if (clock, threshold) not in cache:
                cache[clock, threshold] = threshold_seconds(clock, threshold, hours)
            return cache[clock, threshold]

        pk = provider.pk
        mine = sorted(
            (row for service in offered.get(pk, ()) for row in standards.get(service, ())),
            key=lambda row: row[0],
        )
        mine = [(row, seconds(row[3], row[5], row[4])) for row in mine]
        theirs = [(row, sla, seconds(row[3], row[5], row[4])) for row, sla in targets.get(pk, ())]
        for month in months:
            after = next_month(month)
            last_day = after - dt.timedelta(days=1)
            bounds = local_bounds(month, after, zone)
            period = f"{month:%Y-%m}"
            for row, secs in mine:
                measures.append(
                    _measure(f"mss:{row[0]}:{pk}:{period}", pk, row, secs, month, bounds)
                )
            for row, sla, secs in theirs:
                start = max(sla.start_date, month)
                last = min(sla.last_day, last_day)
                if last < start:
                    continue
                full = start == month and last == last_day
                window = bounds if full else local_bounds(start, last + dt.timedelta(days=1), zone)
                measures.append(
                    _measure(f"sla:{row[0]}:{period}", pk, row, secs, month, window, full, sla)
                )
    return measures


# --- counting the records ---------------------------------------------------------------


def _constant_table(name: str, columns: list[str], types: list[str], rows: list[tuple]):
    """A small constant table for one statement, as (CTE text, params). On PostgreSQL it
    is an unnest of typed arrays, so the statement's text is the same whatever the number
    of rows (parsed once, not once per size); elsewhere a VALUES list."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        params = [list(column) for column in zip(*rows, strict=True)] if rows else []
        return f"{name} ({names}) AS (SELECT * FROM unnest({arrays}))", params or [  # noqa: S608
            [] for _ in columns
        ]
    if not rows:
        return f"{name} ({names}) AS (SELECT {', '.join(['NULL'] * len(columns))} WHERE 0)", []
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = [_sqlite_value(v) for r in rows for v in r]
    return f"{name} ({names}) AS (VALUES {', '.join([row] * len(rows))})", values


def _sqlite_value(value):
    # SQLite stores instants as naive UTC text; compare with the same form.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _test_of(m: Measure) -> tuple:
    """What decides whether a record meets a measure: its provider and service, the kind,
    and for timeliness the clock's kind and the threshold in seconds."""
    if m.kind == MeasureKind.TIMELINESS:
        working = int(uses_working_time(m.clock))
        return (m.provider_id, m.service_id, m.kind, working, m.threshold_seconds)
    return (m.provider_id, m.service_id, m.kind, 0, None)


_MET = """CASE
    WHEN {t}.kind = 'accuracy' THEN CASE WHEN r.defective THEN 0 ELSE 1 END
    WHEN {t}.use_working = 1 THEN
        CASE WHEN r.elapsed_working_seconds <= {t}.thr THEN 1 ELSE 0 END
    ELSE CASE WHEN r.elapsed_calendar_seconds <= {t}.thr THEN 1 ELSE 0 END
END"""


HASH_PLAN = {"enable_sort": "off", "enable_mergejoin": "off", "work_mem": "64MB"}


@contextmanager
def _hash_plan(cursor):
    """PostgreSQL: hash joins and a hash aggregate in memory for the records aggregate.
    The planner cannot size the constant tables (unnest) and, misled, would sort the
    million records on disk to group them. Set for the statement only, inside the
    transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(HASH_PLAN)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = cursor.fetchone()
    change = "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names))
    cursor.execute(change, [v for name in names for v in (name, HASH_PLAN[name])])
    try:
        yield
    finally:
        cursor.execute(change, [v for pair in zip(names, before, strict=True) for v in pair])


def _record_totals(measures: list[Measure], bounds: dict) -> dict[str, tuple]:
    """(eligible, met) per measure key for the record-based kinds, over all the providers
    and months at once, in one pass over the completed records.

    Each record is read once and grouped by (provider, service, month, SLA client): the
    client is kept only for the clients an SLA measures. Beside the count and the records
    without defect, the group counts the records within each distinct timeliness
    threshold of its service, one column per threshold (``w0…`` on the working clock,
    ``c0…`` on the calendar clock). Standards add up the clients, targets take theirs.
    Targets whose SLA version covers part of a month count their window apart."""
    full = [m for m in measures if m.full_month]
    totals = _window_totals([m for m in measures if not m.full_month])
    if not full:
        return totals
    # Per (provider, service): its distinct thresholds on each clock, a column each.
    columns: dict[tuple, tuple[dict, dict]] = {}
    for m in full:
        working, calendar = columns.setdefault((m.provider_id, m.service_id), ({}, {}))
        if m.kind == MeasureKind.TIMELINESS:
            slots = working if uses_working_time(m.clock) else calendar
            slots.setdefault(m.threshold_seconds, len(slots))
    # Widths rounded up to a power of two, so the statement takes few distinct texts.
    width_w = _padded(max(len(w) for w, _ in columns.values()))
    width_c = _padded(max(len(c) for _, c in columns.values()))
    services = sorted(columns)
    rows = []
    for sid, pair in enumerate(services):
        working, calendar = columns[pair]
        rows.append(
            (
                sid,
                *pair,
                *_slots(working, width_w),
                *_slots(calendar, width_c),
            )
        )
    names = [f"w{i}" for i in range(width_w)] + [f"c{i}" for i in range(width_c)]
    s_sql, s_params = _constant_table(
        "s",
        ["sid", "provider_id", "service_id", *names],
        ["bigint"] * (3 + len(names)),
        rows,
    )
    pairs = sorted(
        {(m.provider_id, m.service_id, m.client_id) for m in full if m.client_id is not None}
    )
    c_sql, c_params = _constant_table(
        "c", ["provider_id", "service_id", "client_id"], ["bigint", "bigint", "bigint"], pairs
    )
    # COUNT … FILTER, not SUM(CASE …): no expression to evaluate per record and column,
    # and never NULL.
    within = [
        f"COUNT(*) FILTER (WHERE r.elapsed_working_seconds <= s.w{i})" for i in range(width_w)
    ] + [f"COUNT(*) FILTER (WHERE r.elapsed_calendar_seconds <= s.c{i})" for i in range(width_c)]
    provider_ids = sorted({m.provider_id for m in full})
    months = sorted({m.month for m in full})
    where = ["r.status = %s", "r.completed_month >= %s", "r.completed_month <= %s"]
    params = [*s_params, *c_params, RecordStatus.COMPLETED, months[0], months[-1]]
    if len(provider_ids) == 1:
        # One provider's months (a pending run) read through the (provider, service,
        # completed_month) index; across providers the join to ``s`` does the selecting,
        # and a list here would only cost a lookup per record.
        service_ids = sorted({m.service_id for m in full})
        where.append(
            f"r.provider_id = %s AND r.service_id IN ({', '.join(['%s'] * len(service_ids))})"
        )
        params += [*provider_ids, *service_ids]
    records = ServiceRecord._meta.db_table
    # completed_month is the provider's local month of completion (kept so on import and
    # whenever the calendar changes): the month a record counts in. Shards not asked for
    # (other months of a provider in the batch) are counted and left unused. The SLA
    # client is a hashed look-up, not a join: the planner cannot size the constant
    # tables, and a misjudged outer join would hash the million records.
    sql = f"""
        WITH {s_sql}, {c_sql}
        SELECT s.sid, r.completed_month,
            CASE WHEN (r.provider_id, r.service_id, r.client_id) IN
                (SELECT provider_id, service_id, client_id FROM c) THEN r.client_id END
                AS sla_client,
            COUNT(*),
            COUNT(*) FILTER (WHERE NOT r.defective){"".join(", " + w for w in within)}
        FROM {records} r
        JOIN s ON s.provider_id = r.provider_id AND s.service_id = r.service_id
        WHERE {" AND ".join(where)}
        GROUP BY s.sid, r.completed_month, sla_client
    """  # noqa: S608
    with connection.cursor() as cursor, _hash_plan(cursor):
        cursor.execute(sql, params)
        found = cursor.fetchall()
    groups: dict[tuple, tuple] = {}  # (sid, month, client or None) -> the group's counts
    for sid, month, client_id, *counts in found:
        month = _as_date(month)
        if client_id is not None:
            groups[sid, month, client_id] = counts
        every = groups.get((sid, month, None))
        groups[sid, month, None] = (
            counts if every is None else [a + b for a, b in zip(every, counts, strict=True)]
        )
    sid_of = {pair: sid for sid, pair in enumerate(services)}
    none = [0] * (2 + width_w + width_c)
    for m in full:
        pair = (m.provider_id, m.service_id)
        sums = groups.get((sid_of[pair], m.month, m.client_id), none)
        if m.kind == MeasureKind.ACCURACY:
            met = sums[1]
        elif uses_working_time(m.clock):
            met = sums[2 + columns[pair][0][m.threshold_seconds]]
        else:
            met = sums[2 + width_w + columns[pair][1][m.threshold_seconds]]
        totals[m.key] = (sums[0], met)
    return totals


def _padded(width: int) -> int:
    padded = 1
    while padded < width:
        padded *= 2
    return padded if width else 0


def _slots(thresholds: dict[int, int], width: int) -> list[int | None]:
    """Thresholds by their column, the unused columns NULL (never met)."""
    slots: list[int | None] = [None] * width
    for seconds, column in thresholds.items():
        slots[column] = seconds
    return slots


def _window_row(m: Measure) -> tuple:
    provider_id, service_id, kind, use_working, thr = _test_of(m)
    return (m.key, provider_id, service_id, m.client_id, m.month, kind, use_working, thr, *m.window)


def _window_totals(measures: list[Measure]) -> dict[str, tuple]:
    """(eligible, met) of measures over part of a month (an SLA version that starts, ends,
    is terminated or amended within it): the records joined to each measure's window."""
    if not measures:
        return {}
    columns = [
        "mkey",
        "provider_id",
        "service_id",
        "client_id",
        "month",
        "kind",
        "use_working",
        "thr",
        "win_start",
        "win_end",
    ]
    types = [
        "text",
        "bigint",
        "bigint",
        "bigint",
        "date",
        "text",
        "bigint",
        "bigint",
        "timestamptz",
        "timestamptz",
    ]
    m_sql, m_params = _constant_table("m", columns, types, [_window_row(m) for m in measures])
    records = ServiceRecord._meta.db_table
    sql = f"""
        WITH {m_sql}
        SELECT m.mkey, COUNT(r.id), COALESCE(SUM(CASE WHEN r.id IS NULL THEN 0
            ELSE {_MET.format(t="m")} END), 0)
        FROM m LEFT JOIN {records} r
            ON r.provider_id = m.provider_id AND r.status = %s AND r.completed_month = m.month
            AND r.service_id = m.service_id
            AND (m.client_id IS NULL OR r.client_id = m.client_id)
            AND r.completed_at >= m.win_start AND r.completed_at < m.win_end
        GROUP BY m.mkey
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*m_params, RecordStatus.COMPLETED])
        return {key: (int(eligible), int(met)) for key, eligible, met in cursor.fetchall()}


# The one place a kind's numbers come from: kind -> counter(measures, bounds) giving
# (eligible, met) per measure key, for the measures of some providers' months (bounds:
# (provider id, month) -> the local month as UTC instants). Timeliness and accuracy count
# the completed records in one aggregate; satisfaction counts survey answers, and the
# surveys app registers its counter (``register_counter``) when it is installed. Every
# kind is then listed, stored, made provisional and notified alike.
KIND_COUNTERS = {
    MeasureKind.TIMELINESS: _record_totals,
    MeasureKind.ACCURACY: _record_totals,
}


def register_counter(kind: str, counter) -> None:
    KIND_COUNTERS[kind] = counter


def computed_kinds() -> list[str]:
    return list(KIND_COUNTERS)


def _totals(measures: list[Measure], bounds: dict) -> dict[str, tuple]:
    by_counter: dict = {}
    for m in measures:
        by_counter.setdefault(KIND_COUNTERS[m.kind], []).append(m)
    totals = {}
    for counter, group in by_counter.items():
        totals.update(counter(group, bounds))
    return totals


# --- open records -----------------------------------------------------------------------


class _Sequence:
    """Some open records in order of receipt: their receipt instants and clients, and
    where each client's records stand in the sequence."""

    __slots__ = ("clients", "positions", "received")

    def __init__(self, received: list, clients: list):
        self.received, self.clients = received, clients
        self.positions: dict[int, list[int]] = {}
        for i, client_id in enumerate(clients):
            self.positions.setdefault(client_id, []).append(i)

    def among(self, first: int, last: int, client_id: int | None) -> int:
        """How many of records ``first`` to ``last - 1`` are the client's (or anyone's)."""
        if client_id is None:
            return last - first
        positions = self.positions.get(client_id, ())
        return bisect.bisect_left(positions, last) - bisect.bisect_left(positions, first)


class OpenRecords(_Sequence):
    """One provider's open records of one service, in order of receipt; the pauses of
    the few records that have some, by position."""

    __slots__ = ("paused", "plain")

    def __init__(self, received: list, clients: list, paused: dict[int, list]):
        super().__init__(received, clients)
        self.paused = paused
        if paused:
            kept = [i for i in range(len(received)) if i not in paused]
            self.plain = _Sequence([received[i] for i in kept], [clients[i] for i in kept])
        else:
            self.plain = self


def _rows_with_instants(queryset) -> list[tuple]:
    """The rows of a ``values_list`` query of plain columns. On PostgreSQL they are read
    with psycopg's own (compiled) timestamptz loader: Django's, which only stamps the
    connection's time zone (UTC) on each value, runs in Python, about ten times slower
    per value, and a full recompute reads tens of thousands of them."""
    if connection.vendor != "postgresql":
        return list(queryset)
    from psycopg.types.datetime import TimestamptzLoader

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _open_records(provider_ids, until: dt.datetime) -> dict[tuple[int, int], OpenRecords]:
    """The providers' records open now and received before ``until``, read once, by
    (provider, service), in order of receipt (from the partial index of open records)."""
    rows = _rows_with_instants(
        ServiceRecord.objects.filter(
            provider_id__in=list(provider_ids), status=RecordStatus.OPEN, received_at__lt=until
        )
        .order_by("provider_id", "service_id", "received_at", "pk")
        .values_list("provider_id", "service_id", "received_at", "client_id", "pauses")
    )
    found = {}
    for pair, group in groupby(rows, key=itemgetter(0, 1)):
        _, _, received, clients, pauses = zip(*group, strict=True)
        paused = {
            i: _pauses(p) for i, p in enumerate(pauses) if p and p != "[]"
        }  # text on PostgreSQL, decoded elsewhere; most records have none
        found[pair] = OpenRecords(list(received), list(clients), paused)
    return found


def _pauses(pauses) -> list:
    return pause_intervals(json.loads(pauses) if isinstance(pauses, str) else pauses)


class _Overdue:
    """The open records of one service against one deadline (a clock and a threshold):
    how many have a deadline that has passed and falls in a given span, in all or for one
    client.

    Without pauses, a record's deadline never decreases with its receipt time (a later
    start reaches the same elapsed time no earlier), so in order of receipt the records
    whose deadline falls before an instant are a prefix: each bound is found by bisection,
    computing a few deadlines instead of one per record. Records with pauses are computed
    one by one."""

    def __init__(self, records: OpenRecords, deadline, now: dt.datetime):
        self.deadline = deadline
        self.plain = records.plain
        self.known: dict[int, dt.datetime] = {}
        self.passed = self._first(lambda due: due > now)  # deadline <= now: a prefix
        # Records with pauses whose deadline has passed, in order of deadline.
        passed = sorted(
            (due, records.clients[i])
            for i, pauses in records.paused.items()
            if (due := deadline(records.received[i], pauses)) <= now
        )
        self.paused = _Sequence([due for due, _ in passed], [client for _, client in passed])
        self.cuts: dict[dt.datetime, int] = {}

    def _due(self, i: int) -> dt.datetime:
        if i not in self.known:
            self.known[i] = self.deadline(self.plain.received[i], ())
        return self.known[i]

    def _first(self, after) -> int:
        """The first record (in order of receipt) whose deadline satisfies ``after``."""
        lo, hi = 0, len(self.plain.received)
        while lo < hi:
            mid = (lo + hi) // 2
            if after(self._due(mid)):
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _cut(self, instant: dt.datetime) -> int:
        """How many records have a deadline before ``instant`` (never beyond the passed)."""
        if instant not in self.cuts:
            self.cuts[instant] = min(self._first(lambda due: due >= instant), self.passed)
        return self.cuts[instant]

    def count(self, start: dt.datetime, end: dt.datetime, client_id: int | None) -> int:
        if end <= start:
            return 0
        n = self.plain.among(self._cut(start), self._cut(end), client_id)
        dues = self.paused.received  # here: their deadlines
        return n + self.paused.among(
            bisect.bisect_left(dues, start), bisect.bisect_left(dues, end), client_id
        )


NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)


def _open_counts(
    measures: list[Measure], open_records: dict[int, OpenRecords], calendar, bounds: dict, now
) -> dict[str, tuple[int, int]]:
    """(overdue_open, still_open) per measure of one provider, from its open records by
    service: open records whose deadline fell in the measure's month and window and has
    passed, and open records received before the month ended (which could still complete
    in it)."""
    overdue: dict[tuple, _Overdue] = {}  # standards and targets share thresholds

    def deadlines(m: Measure, records: OpenRecords) -> _Overdue:
        test = (m.service_id, uses_working_time(m.clock), m.threshold_seconds)
        if test not in overdue:
            seconds, working = m.threshold_seconds, test[1]
            ahead = now - dt.timedelta(seconds=seconds)

            def deadline(received_at, pauses):
                # Elapsed clock time never runs faster than real time, so a deadline is
                # never before received_at + threshold: one still ahead of now (that
                # cannot have passed) is not computed.
                if received_at > ahead:
                    return NEVER
                if working:
                    return due_at(calendar, received_at, seconds, pauses)
                return calendar_due_at(received_at, seconds, pauses)

            overdue[test] = _Overdue(records, deadline, now)
        return overdue[test]

    counts = {}
    for m in measures:
        records = open_records.get(m.service_id)
        if records is None:
            counts[m.key] = (0, 0)
            continue
        start, end = bounds[m.month]
        received_before_end = bisect.bisect_left(records.received, end)
        still_open = records.among(0, received_before_end, m.client_id)
        late = 0
        if m.kind == MeasureKind.TIMELINESS:
            if not m.full_month:
                start, end = max(start, m.window[0]), min(end, m.window[1])
            late = deadlines(m, records).count(start, end, m.client_id)
        counts[m.key] = (late, still_open)
    return counts


# --- computing -------------------------------------------------------------------------


def _lock(provider_id: int, month: dt.date) -> None:
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"compliance:{provider_id}:{month:%Y-%m}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def provider_batches(shards) -> list[tuple[int, list[dt.date]]]:
    """(provider, month) shards grouped by provider, months in order."""
    grouped: dict[int, set] = {}
    for provider_id, month in shards:
        grouped.setdefault(provider_id, set()).add(month_start(month))
    return [(pk, sorted(months)) for pk, months in sorted(grouped.items())]


def compute_provider_month(
    *, provider_id: int, month: dt.date, trigger: str = "pending", now: dt.datetime | None = None
) -> ComplianceRun:
    """Compute every result of one provider and month, replacing the previous ones."""
    return compute_shards(shards=[(provider_id, month)], trigger=trigger, now=now)[0]


def compute_provider_months(
    *, provider_id: int, months, trigger: str = "pending", now: dt.datetime | None = None
) -> list[ComplianceRun]:
    return compute_shards(shards=[(provider_id, m) for m in months], trigger=trigger, now=now)


def compute_shards(
    *, shards, trigger: str = "pending", now: dt.datetime | None = None
) -> list[ComplianceRun]:
    """Compute every result of some (provider, month) shards together, in one pass over
    the records and one transaction (the shards' locks taken in order, so it never
    deadlocks with another run), replacing the previous results; one run logged per
    shard, in the order of the shards."""
    shards = [(pk, m) for pk, months in provider_batches(shards) for m in months]
    if not shards:
        return []
    now = now or timezone.now()
    started = timezone.now()
    runs = ComplianceRun.objects.bulk_create(
        ComplianceRun(provider_id=pk, period=m, trigger=trigger, started_at=started)
        for pk, m in shards
    )
    try:
        with transaction.atomic():
            for provider_id, month in shards:
                _lock(provider_id, month)
            wanted = set(shards)
            pending = PendingCompliance.objects.filter(
                provider_id__in={pk for pk, _ in shards}, month__in={m for _, m in shards}
            )
            marked = [
                row
                for row in pending.values_list("provider_id", "month", "marked_at")
                if row[:2] in wanted
            ]
            written, breaches = _compute(shards, now)
            # In the same transaction as the results that say so: a breach marked notified
            # has its notifications, and a run that dies leaves neither (e-mails go once
            # it commits).
            if breaches:
                _notify_breaches(breaches)
            if settings.COMPLIANCE_FAULT_DELAY_SECONDS:
                time.sleep(settings.COMPLIANCE_FAULT_DELAY_SECONDS)
            # A mark made after we started stays, so that change is computed again.
            if marked:
                done = Q()
                for provider_id, month, marked_at in marked:
                    done |= Q(provider_id=provider_id, month=month, marked_at__lte=marked_at)
                PendingCompliance.objects.filter(done).delete()
    except Exception as exc:
        ComplianceRun.objects.filter(pk__in=[r.pk for r in runs]).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        audit_actions(
            action="compliance.failed",
            targets=[(run, {"error": repr(exc)[:200]}) for run in runs],
        )
        raise
    finished = timezone.now()
    by_count: dict[int, list] = {}
    for run in runs:
        run.status, run.finished_at = RunStatus.DONE, finished
        run.rows_written = written.get((run.provider_id, run.period), 0)
        by_count.setdefault(run.rows_written, []).append(run.pk)
    for count, pks in by_count.items():  # usually one statement: nothing changed
        ComplianceRun.objects.filter(pk__in=pks).update(
            status=RunStatus.DONE, finished_at=finished, rows_written=count
        )
    audit_actions(  # the runs are bulk-written: the audit trail gets them here
        action="compliance.computed",
        targets=[
            (run, {"period": f"{run.period:%Y-%m}", "rows_written": run.rows_written})
            for run in runs
        ],
    )
    return runs


# What a result says; a row whose values are unchanged is not written again.
RESULT_FIELDS = (
    "scope",
    "period",
    "provider_id",
    "client_id",
    "service_id",
    "standard_id",
    "sla_id",
    "target_id",
    "kind",
    "threshold",
    "clock",
    "target_pct",
    "eligible",
    "met",
    "status",
    "provisional",
    "overdue_open",
    "breach_notified_at",
)


def _compute(shards: list[tuple[int, dt.date]], now: dt.datetime):
    """Returns (rows written per shard, keys of the results newly breached)."""
    batches = provider_batches(shards)
    providers = ServiceProvider.objects.in_bulk([pk for pk, _ in batches])
    stations = DutyStation.objects.prefetch_related("holidays").filter(
        pk__in={p.duty_station_id for p in providers.values()}
    )
    by_station = {station.pk: station.work_calendar() for station in stations}
    calendars = {pk: by_station[p.duty_station_id] for pk, p in providers.items()}
    bounds, current = {}, {}
    for pk, months in batches:
        zone = calendars[pk].zone
        local_now = now.astimezone(zone)
        current[pk] = dt.date(local_now.year, local_now.month, 1)
        for month in months:
            bounds[pk, month] = local_bounds(month, next_month(month), zone)
    measures = measures_for(
        batches=[(providers[pk], calendars[pk], months) for pk, months in batches]
    )
    totals = _totals(measures, bounds)
    open_records: dict[int, dict] = {}
    for (provider_id, service_id), records in _open_records(
        providers, max(end for _, end in bounds.values())
    ).items():
        open_records.setdefault(provider_id, {})[service_id] = records
    by_provider: dict[int, list] = {}
    for m in measures:
        by_provider.setdefault(m.provider_id, []).append(m)
    open_counts = {}
    for pk, months in batches:
        open_counts.update(
            _open_counts(
                by_provider.get(pk, []),
                open_records.get(pk, {}),
                calendars[pk],
                {month: bounds[pk, month] for month in months},
                now,
            )
        )
    wanted = set(shards)
    previous = {
        row[0]: row[1:]
        for row in _rows_with_instants(
            ComplianceResult.objects.filter(
                provider_id__in=providers, period__in={m for _, m in shards}
            )
            .order_by()
            .values_list("key", "pk", *RESULT_FIELDS)
        )
        if (row[4], row[3]) in wanted  # (provider, period)
    }
    written: dict[tuple, int] = {}
    rows, breached = [], []
    for m in measures:
        eligible, met = totals.get(m.key, (0, 0))
        overdue, still_open = open_counts[m.key]
        status = result_status(met=met, eligible=eligible, target_pct=m.target_pct)
        provisional = m.month >= current[m.provider_id]
        old = previous.get(m.key)
        notified_at = old[-1] if old else None
        final_breach = status == ComplianceStatus.BREACHED and (
            not provisional
            # Open records can still complete in time; survey answers can come in any
            # number until the month closes, so a provisional satisfaction result is final
            # only once closed.
            or (
                m.kind != MeasureKind.SATISFACTION
                and not is_met(
                    met=met + still_open, eligible=eligible + still_open, target_pct=m.target_pct
                )
            )
        )
        if final_breach and notified_at is None:
            notified_at = now
            breached.append(m.key)
        values = (
            m.scope,
            m.month,
            m.provider_id,
            m.client_id,
            m.service_id,
            m.standard_id,
            m.sla_id,
            m.target_id,
            m.kind,
            m.threshold,
            m.clock,
            m.target_pct,
            eligible,
            met,
            status,
            provisional,
            overdue,
            notified_at,
        )
        if old is not None and tuple(old[1:]) == values:
            continue
        rows.append(
            ComplianceResult(
                key=m.key, computed_at=now, **dict(zip(RESULT_FIELDS, values, strict=True))
            )
        )
        shard = (m.provider_id, m.month)
        written[shard] = written.get(shard, 0) + 1
    keys = {m.key for m in measures}
    stale = [row for key, row in previous.items() if key not in keys]
    if stale:
        ComplianceResult.objects.filter(pk__in=[row[0] for row in stale]).delete()
        for row in stale:
            shard = (row[3], row[2])
            written[shard] = written.get(shard, 0) + 1
    fields = [f.name for f in ComplianceResult._meta.concrete_fields if f.name not in ("id", "key")]
    ComplianceResult.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["key"], update_fields=fields, batch_size=1000
    )
    return written, breached


def _notify_breaches(keys: list[str]) -> None:
    """Tell each newly breached result's provider (managers and staff) and, for an SLA
    target, its client's focal points: their people looked up in one query, the
    notifications written in one insert, whatever the number of breaches."""
    # Survey anonymity: a satisfaction breach from too few answers is not announced (its
    # status is not shown anywhere; "1 of 2 met" would give the answers away).
    results = list(
        ComplianceResult.objects.filter(key__in=keys)
        .exclude(WITHHELD_RESULTS)
        .values_list(
            "provider_id",
            "client_id",
            "provider__code",
            "standard__code",
            "sla__agreement__number",
            "period",
            "met",
            "eligible",
            "target_pct",
        )
    )  # plain values: a month's close may breach thousands at once
    by_provider, by_client = role_holders(
        provider_roles=(Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF),
        provider_ids={r[0] for r in results},
        client_roles=(Role.CLIENT_FOCAL_POINT,),
        client_ids={r[1] for r in results if r[1]},
    )
    notices = []
    for (
        provider_id,
        client_id,
        provider,
        standard,
        agreement,
        period,
        met,
        eligible,
        pct,
    ) in results:
        what = f"{agreement} target" if agreement else "standard"
        notices.append(
            Notice(
                users=by_provider.get(provider_id, []) + by_client.get(client_id, []),
                verb="compliance.breached",
                title=f"Breached: {standard} ({what}), {period:%Y-%m}",
                message=(
                    f"{provider}: {met} of {eligible} met, below "
                    f"the target of {pct.normalize():f}%."
                ),
                url=f"/api/v1/compliance/?provider={provider}"
                f"&period={period:%Y-%m}&status=breached",
            )
        )
    notify_all(notices)


# --- what to compute --------------------------------------------------------------------


def shards_to_compute(
    *, period: dt.date | None = None, provider_ids=None, everything: bool = False
) -> list[tuple[int, dt.date]]:
    """The (provider, month) shards a run should compute: the pending ones, or those
    asked for (a month, a provider, or every month that has records)."""
    if not (period or provider_ids or everything):
        return sorted(set(PendingCompliance.objects.values_list("provider_id", "month")))
    providers = ServiceProvider.objects.all()
    if provider_ids:
        providers = providers.filter(pk__in=provider_ids)
    ids = list(providers.values_list("pk", flat=True))
    if period:
        return [(pk, month_start(period)) for pk in ids]
    months = _months_with_records(ids)
    slas = Sla.objects.filter(agreement__provider_id__in=ids, status__in=IN_FORCE_STATUSES)
    shards = set(months)
    # Months that have not begun yet have nothing to count (they are computed when due).
    last = month_start(timezone.localdate())
    for sla in slas.select_related("agreement"):
        month = month_start(sla.start_date)
        while month <= min(month_start(sla.end_date), last):
            shards.add((sla.agreement.provider_id, month))
            month = next_month(month)
    return sorted(shards)


def _months_with_records(provider_ids) -> set[tuple[int, dt.date]]:
    """The (provider, month) pairs that have completed records, by walking the
    (provider, service, completed_month) index from one month to the next for each
    provider and service: one index probe per month found, not a read of every record."""
    if not provider_ids:
        return set()
    records = ServiceRecord._meta.db_table
    services = Service._meta.db_table
    sql = f"""
        WITH RECURSIVE walk (provider_id, service_id, month) AS (
            SELECT p.provider_id, s.id, (
                SELECT MIN(r.completed_month) FROM {records} r
                WHERE r.provider_id = p.provider_id AND r.service_id = s.id
                    AND r.completed_month IS NOT NULL)
            FROM ({" UNION ALL ".join(["SELECT %s AS provider_id"] * len(provider_ids))}) p
                CROSS JOIN {services} s
            UNION ALL
            SELECT w.provider_id, w.service_id, (
                SELECT MIN(r.completed_month) FROM {records} r
                WHERE r.provider_id = w.provider_id AND r.service_id = w.service_id
                    AND r.completed_month > w.month)
            FROM walk w WHERE w.month IS NOT NULL
        )
        SELECT DISTINCT provider_id, month FROM walk WHERE month IS NOT NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(provider_ids))
        return {(provider_id, _as_date(month)) for provider_id, month in cursor.fetchall()}


def recent_shards(*, today: dt.date | None = None) -> list[tuple[int, dt.date]]:
    """Nightly: the current and previous month of every provider."""
    today = today or timezone.localdate()
    current = month_start(today)
    previous = month_start(current - dt.timedelta(days=1))
    ids = ServiceProvider.objects.values_list("pk", flat=True)
    return [(pk, m) for pk in ids for m in (previous, current)]
