"""Measuring one service record (DOMAIN §3–§5): the one function that every path uses,
an import (page, command, API) and the re-measure after its calendar changed.

A record is measured on its provider's duty-station calendar: the elapsed working and
calendar seconds between receipt and completion, less the pauses (both empty while the
record is open), and the months, in the calendar's time zone, of its completion (the
month compliance counts it in) and of its receipt.
"""

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from core.clock import Pause, WorkCalendar, measure_interval


class RecordMeasure(NamedTuple):
    elapsed_working_seconds: int | None
    elapsed_calendar_seconds: int | None
    completed_month: dt.date | None
    received_month: dt.date


def measure_record(
    calendar: WorkCalendar,
    received_at: dt.datetime,
    completed_at: dt.datetime | None,
    pauses: Iterable[Pause] = (),
    *,
    received_local: dt.datetime | None = None,
    completed_local: dt.datetime | None = None,
) -> RecordMeasure:
    """The measure of a record; raises ``core.clock.ClockError`` for bad input (a pause
    outside the record, or ending before it starts).

    ``received_local``/``completed_local``: the same instants as wall times in the
    calendar's zone, when the caller has them already (an import parsed them so).
    """
    working, calendar_seconds = measure_interval(calendar, received_at, completed_at, pauses)
    zone = calendar.zone
    completed_month = None
    if completed_at is not None:
        local = completed_local or completed_at.astimezone(zone)
        completed_month = dt.date(local.year, local.month, 1)
    local = received_local or received_at.astimezone(zone)
    return RecordMeasure(
        working, calendar_seconds, completed_month, dt.date(local.year, local.month, 1)
    )
