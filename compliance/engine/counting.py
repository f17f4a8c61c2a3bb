"""Eligible and met per measure (DOMAIN §5), kind by kind.

Timeliness and accuracy come from one SQL aggregate over the completed records of all the
providers and months being computed: each record is read once, grouped by provider,
service, month and SLA client, with a count per threshold. Measures over part of a month
(an SLA version in force for only some of its days) join the records to their window.
Other kinds come from the counter their app registers (``register_counter``): the surveys
app counts satisfaction from the answers.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection

from catalogue.choices import MeasureKind
from core.clock import uses_working_time
from records.choices import RecordStatus
from records.models import ServiceRecord

from .sql import _as_date, _constant_table

if TYPE_CHECKING:
    from .measures import Measure


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
