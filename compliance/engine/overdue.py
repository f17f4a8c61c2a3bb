"""The open records of the providers being computed, and how many are overdue (DOMAIN §5):
per measure, the open records whose deadline fell in its month (and window) and has
passed.

The open records are read once, by provider and service, in order of receipt, from the
partial index of open records; the deadlines that have passed are found by bisection over
them (the few records with pauses one by one).
"""

import bisect
import datetime as dt
import json
from itertools import groupby
from operator import itemgetter

from catalogue.choices import MeasureKind
from core.clock import due_after, uses_working_time
from records.choices import RecordStatus
from records.models import ServiceRecord, pause_intervals

from .measures import Measure
from .sql import _rows_with_instants


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
) -> dict[str, int]:
    """overdue_open per measure of one provider, from its open records by service: open
    records whose deadline fell in the measure's month and window and has passed."""
    overdue: dict[tuple, _Overdue] = {}  # standards and targets share thresholds

    def deadlines(m: Measure, records: OpenRecords) -> _Overdue:
        test = (m.service_id, uses_working_time(m.clock), m.threshold_seconds)
        if test not in overdue:
            # Measures on either working clock share a deadline, as do the calendar ones.
            seconds, clock = m.threshold_seconds, m.clock
            ahead = now - dt.timedelta(seconds=seconds)

            def deadline(received_at, pauses):
                # Elapsed clock time never runs faster than real time, so a deadline is
                # never before received_at + threshold: one still ahead of now (that
                # cannot have passed) is not computed.
                if received_at > ahead:
                    return NEVER
                return due_after(clock, calendar, received_at, seconds, pauses)

            overdue[test] = _Overdue(records, deadline, now)
        return overdue[test]

    counts = {}
    for m in measures:
        records = open_records.get(m.service_id)
        if records is None or m.kind != MeasureKind.TIMELINESS:
            counts[m.key] = 0
            continue
        start, end = bounds[m.month]
        if not m.full_month:
            start, end = max(start, m.window[0]), min(end, m.window[1])
        counts[m.key] = deadlines(m, records).count(start, end, m.client_id)
    return counts
