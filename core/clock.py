"""Working-time and calendar-time clocks for service-level measurement.

This module is pure: standard library and :mod:`zoneinfo` only, no Django, no database.

Work calendars
==============
A :class:`WorkCalendar` describes one duty station: an IANA time zone, the weekly working
hours as local wall-clock intervals per weekday (``mon`` .. ``sun``), whole local dates that
are holidays, and ``working_day_hours``, the nominal length of one working day.

An instant is *working time* when its local wall-clock time (in the calendar's zone) lies in
one of the working intervals of its local weekday and its local date is not a holiday. This
one rule settles every daylight-saving question:

* lengths are real elapsed seconds, so on a DST-change day a ``00:00``-``24:00`` interval
  lasts 23 or 25 hours;
* wall times that do not exist (the spring-forward gap, e.g. 02:30 in Rome on 2026-03-29)
  are never any instant's local time, so they are simply not there;
* ambiguous wall times (the fall-back overlap) belong to two instants, and both count.

Clocks
======
* ``elapsed_working_seconds(cal, a, b, pauses)`` is the length of ``[a, b)`` intersected with
  the working time, less the working time covered by the union of the pauses.
* ``elapsed_calendar_seconds(a, b, pauses)`` is ``b - a`` less the length of the union of the
  pauses.
* ``due_at(cal, a, d, pauses)`` is the earliest instant ``t >= a`` at which the working clock
  started at ``a`` reaches ``d`` seconds (pauses, clipped to ``[a, t]``, are discounted). A
  deadline reached exactly at closing time stays at closing time; ``d = 0`` gives ``a``.
* ``calendar_due_at(a, d, pauses)`` is the same for the calendar clock.
* ``measure_interval(cal, a, b, pauses)`` checks a record once and returns both elapsed
  values (``(None, None)`` while it is open): what an import needs for every row.
* ``localize(zone, wall)`` is the instant of a local wall-clock time (``None`` if clocks
  skip it), from the same cached offsets.
* ``working_overlap_seconds(cal1, cal2, a, b)`` is the length of ``[a, b)`` that is working
  time on both calendars (DOMAIN §9); ``iso_week_bounds("2026-W10")`` gives an ISO week
  as UTC instants, Monday 00:00 to the next Monday 00:00.

Every instant must be a timezone-aware :class:`~datetime.datetime`; the zone of an input
does not matter, only the instant it denotes. Deadlines are returned as aware datetimes in
**UTC** (convert with ``.astimezone(calendar.zone)`` for display). UTC is used because
Python's ``==`` between datetimes of different zones is ``False`` whenever one side is a local
time in a fall-back overlap (PEP 495), which would make local-zone results treacherous to
compare with the UTC values a database gives back.

Precision: records are stored to the second, and inputs are expected at whole seconds.
Sub-second parts are discarded (floored) before computing, results are exact integers of
seconds, and deadlines fall on whole seconds (``due_at(cal, a, 0)`` returns the instant ``a``
itself, sub-seconds included).

Bad input (a naive datetime, ``end < start``, a pause ending before it starts or lying
outside the record, a bad calendar) raises :class:`ClockError`, a :class:`ValueError`.

Performance
===========
Working time is pre-computed lazily per calendar in blocks of about 48 days
(``2**22`` seconds) of UTC epoch time: a sorted list of working intervals as epoch seconds
with cumulative sums. ``elapsed_working_seconds`` is then a difference of two cumulative
values found by binary search, and ``due_at`` inverts the cumulative sum the same way, so a
call costs a few microseconds whatever the span. Blocks are cached per distinct calendar
(equal calendars share them) and UTC-offset changes per (zone, block); UTC offsets are sampled
hourly and each change is located to the second by bisection (two offset changes less than
an hour apart, which no zone has had in living memory, would not be seen).

Validating a calendar (``from_json``) costs tens of microseconds: build one
:class:`WorkCalendar` per duty station and reuse it for all its records. Instants within a
few days of the ends of ``datetime``'s range (years 1 and 9999) raise :class:`ClockError`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property, lru_cache
from math import floor
from numbers import Integral
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CALENDAR_DAYS",
    "CLOCKS",
    "HOURS_24X7",
    "UTC",
    "WEEKDAYS",
    "WORKING_DAYS",
    "WORKING_HOURS",
    "ClockError",
    "WorkCalendar",
    "calendar_due_at",
    "clock_due_at",
    "due_after",
    "due_at",
    "elapsed_calendar_seconds",
    "elapsed_seconds",
    "elapsed_working_seconds",
    "iso_week_bounds",
    "localize",
    "measure_interval",
    "merge_pauses",
    "threshold_seconds",
    "uses_working_time",
    "validate_interval",
    "working_overlap_seconds",
]

#: Weekday keys, Monday first (the index is ``date.weekday()``).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Clock kinds: the unit of a threshold and which clock measures it.
WORKING_DAYS = "working_days"  # N x working_day_hours x 3600 working seconds
WORKING_HOURS = "working_hours"  # N x 3600 working seconds
CALENDAR_DAYS = "calendar_days"  # N x 86400 calendar seconds
HOURS_24X7 = "hours_24x7"  # N x 3600 calendar seconds
CLOCKS: tuple[str, ...] = (WORKING_DAYS, WORKING_HOURS, CALENDAR_DAYS, HOURS_24X7)

#: One working interval: local start and end; an end of ``None`` means 24:00.
Interval = tuple[time, time | None]
#: The working intervals of one weekday, sorted and non-overlapping.
DayHours = tuple[Interval, ...]
#: A pause: (start, end), both aware datetimes.
Pause = tuple[datetime, datetime]

_DAY = 86400
_SECOND = timedelta(seconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH_WEEKDAY = date(1970, 1, 1).weekday()  # Thursday = 3

_BLOCK_BITS = 22  # cache blocks of 2**22 s (about 48.5 days) of epoch time
_BLOCK = 1 << _BLOCK_BITS
_PROBE = 3600  # UTC offsets are sampled hourly, changes are then bisected to the second
_MAX_BLOCKS = (200 * 366 * _DAY) // _BLOCK  # due_at gives up after ~200 years

_TIME_RE = re.compile(r"^(\d\d):(\d\d)(?::(\d\d))?$")


class ClockError(ValueError):
    """Bad input to a clock function or a bad work calendar."""


# --------------------------------------------------------------------------------------
# Work calendar
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCalendar:
    """The work calendar of a duty station (immutable, hashable, validated on creation).

    ``working_hours`` is stored as a 7-tuple, Monday first (see :data:`WEEKDAYS`), of
    tuples of ``(start, end)`` local :class:`~datetime.time` pairs, sorted and
    non-overlapping; ``end`` is ``None`` for 24:00 (midnight at the end of the day). The
    constructor also accepts a mapping keyed ``mon`` .. ``sun`` (missing days have no working
    hours) and ``"HH:MM"`` strings; ``holidays`` accepts dates or ``"YYYY-MM-DD"`` strings;
    ``working_day_hours`` accepts an int, a Decimal or a decimal string, in (0, 24].

    ``code`` and ``name`` are informative and carried for the JSON round-trip only.
    """

    timezone: str
    working_hours: tuple[DayHours, ...]
    holidays: frozenset[date] = frozenset()
    working_day_hours: Decimal = Decimal(8)
    code: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "timezone", _check_zone(self.timezone))
        put(self, "working_hours", _check_week(self.working_hours))
        put(self, "holidays", _check_holidays(self.holidays))
        put(self, "working_day_hours", _check_day_hours(self.working_day_hours))
        for name in ("code", "name"):
            if not isinstance(getattr(self, name), str):
                raise ClockError(f"{name}: expected a string, got {getattr(self, name)!r}")

    # -- JSON ----------------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WorkCalendar:
        """Build a calendar from its JSON form, validating everything.

        ``{"code": "KWI", "name": "Kuwait City", "timezone": "Asia/Kuwait",
        "working_hours": {"sun": [["08:00", "16:00"]], ..., "fri": [], "sat": []},
        "holidays": ["2026-03-20"], "working_day_hours": 8}``

        ``timezone`` and ``working_hours`` are required; ``code``, ``name``, ``holidays``
        (default none) and ``working_day_hours`` (default 8) are optional; a weekday missing
        from ``working_hours`` has no working hours. Unknown fields are rejected. Times are
        ``"HH:MM"`` (or ``"HH:MM:SS"``); an end of ``"24:00"`` is midnight at the end of the
        day. Raises :class:`ClockError` whose message starts with the offending field.
        """
        if not isinstance(data, Mapping):
            raise ClockError(f"calendar: expected a JSON object, got {type(data).__name__}")
        known = ("code", "name", "timezone", "working_hours", "holidays", "working_day_hours")
        for key in data:
            if key not in known:
                raise ClockError(f"calendar: unknown field {key!r}")
        for key in ("timezone", "working_hours"):
            if key not in data:
                raise ClockError(f"{key}: missing")
        if not isinstance(data["working_hours"], Mapping):
            raise ClockError("working_hours: expected an object keyed mon..sun")
        holidays = data.get("holidays", [])
        if not isinstance(holidays, list):
            raise ClockError("holidays: expected a list of YYYY-MM-DD dates")
        return cls(
            timezone=data["timezone"],
            working_hours=data["working_hours"],
            holidays=holidays,
            working_day_hours=data.get("working_day_hours", Decimal(8)),
            code=data.get("code", ""),
            name=data.get("name", ""),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form (``from_json(cal.to_json()) == cal``).

        All seven weekdays are listed, holidays sorted, ``working_day_hours`` as an int when
        whole, else as a float (exact for up to 15 significant digits).
        """
        hours = self.working_day_hours
        return {
            "code": self.code,
            "name": self.name,
            "timezone": self.timezone,
            "working_hours": {
                key: [[_format_time(s), _format_time(e)] for s, e in day]
                for key, day in zip(WEEKDAYS, self.working_hours, strict=True)
            },
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "working_day_hours": int(hours) if hours == hours.to_integral_value() else float(hours),
        }

    # -- conveniences --------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.timezone)

    def hours_on(self, weekday: str) -> DayHours:
        """The working intervals of a weekday given as ``"mon"`` .. ``"sun"``."""
        try:
            return self.working_hours[WEEKDAYS.index(weekday)]
        except ValueError:
            raise ClockError(f"unknown weekday {weekday!r} (expected one of mon..sun)") from None

    @cached_property
    def _engine(self) -> _Engine:
        # Shared by equal calendars; cached on the instance to skip hashing on every call.
        return _engine_for(self.timezone, self.working_hours, self.holidays)


def _check_zone(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ClockError(f"timezone: expected an IANA time zone name, got {value!r}")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ClockError(f"timezone: unknown time zone {value!r}") from None
    return value


@lru_cache(maxsize=1024)
def _time_fields(text: str) -> tuple[int, int, int] | None:
    match = _TIME_RE.match(text)
    return None if match is None else (int(match[1]), int(match[2]), int(match[3] or 0))


@lru_cache(maxsize=8192)
def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _parse_time(value: object, where: str, *, end: bool) -> time | None:
    """A ``time`` or ``"HH:MM[:SS]"``; ``None``/``"24:00"`` (end only) means 24:00."""
    label = "end" if end else "start"
    if isinstance(value, time):
        if value.tzinfo is not None or value.microsecond:
            raise ClockError(f"{where}: {label} {value} must be a naive whole-second time")
        return value
    if value is None and end:
        return None
    fields = _time_fields(value) if isinstance(value, str) else None
    if fields is None:
        raise ClockError(f'{where}: bad {label} time {value!r} (expected "HH:MM")')
    hh, mm, ss = fields
    if end and (hh, mm, ss) == (24, 0, 0):
        return None
    if hh > 23 or mm > 59 or ss > 59:
        hint = " (24:00 is only allowed as an end)" if hh == 24 else ""
        raise ClockError(f"{where}: bad {label} time {value!r}{hint}")
    return time(hh, mm, ss)


def _check_week(value: object) -> tuple[DayHours, ...]:
    if isinstance(value, Mapping):
        for key in value:
            if key not in WEEKDAYS:
                raise ClockError(f"working_hours: unknown weekday {key!r} (expected mon..sun)")
        days = [value.get(key, ()) for key in WEEKDAYS]
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 7:
        days = list(value)
    else:
        raise ClockError("working_hours: expected a mapping keyed mon..sun or 7 day lists")
    return tuple(_check_day(key, day) for key, day in zip(WEEKDAYS, days, strict=True))


def _check_day(key: str, day: object) -> DayHours:
    if day is None:
        return ()
    if not isinstance(day, Sequence) or isinstance(day, str):
        raise ClockError(f"working_hours.{key}: expected a list of [start, end] pairs")
    result: list[Interval] = []
    previous_end = -1
    for i, pair in enumerate(day):
        where = f"working_hours.{key}[{i}]"
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise ClockError(f"{where}: expected a [start, end] pair, got {pair!r}")
        start = _parse_time(pair[0], where, end=False)
        end = _parse_time(pair[1], where, end=True)
        assert start is not None
        s, e = _time_seconds(start), _end_seconds(end)
        if e <= s:
            hint = " (write 24:00 for midnight at the end of the day)" if e == 0 else ""
            raise ClockError(
                f"{where}: end {_format_time(end)} is not after start {_format_time(start)}{hint}"
            )
        if s < previous_end:
            raise ClockError(
                f"{where}: starts at {_format_time(start)}, before the previous interval ends "
                f"({_format_clock(previous_end)}); intervals must be sorted and must not overlap"
            )
        previous_end = e
        result.append((start, end))
    return tuple(result)


def _check_holidays(value: object) -> frozenset[date]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ClockError("holidays: expected a collection of dates")
    result = set()
    items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
    for i, item in enumerate(items):
        if isinstance(item, str):
            day = _iso_date(item)
        elif isinstance(item, datetime):
            raise ClockError(f"holidays[{i}]: expected a date, not a datetime ({item!r})")
        else:
            day = item if isinstance(item, date) else None
        if day is None:
            raise ClockError(f"holidays[{i}]: bad date {item!r} (expected YYYY-MM-DD)")
        result.add(day)
    return frozenset(result)


def _check_day_hours(value: object) -> Decimal:
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, float):
            value = repr(value)
        if not isinstance(value, (int, str, Decimal)):
            raise TypeError
        hours = Decimal(value)
    except (TypeError, InvalidOperation):
        raise ClockError(f"working_day_hours: expected a number, got {value!r}") from None
    if not hours.is_finite() or not 0 < hours <= 24:
        raise ClockError(f"working_day_hours: must be greater than 0 and at most 24, got {value}")
    return hours


def _time_seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _end_seconds(t: time | None) -> int:
    return _DAY if t is None else _time_seconds(t)


def _format_clock(seconds: int) -> str:
    hh, rest = divmod(seconds, 3600)
    mm, ss = divmod(rest, 60)
    return f"{hh:02d}:{mm:02d}" + (f":{ss:02d}" if ss else "")


def _format_time(t: time | None) -> str:
    return _format_clock(_end_seconds(t))


# --------------------------------------------------------------------------------------
# Pre-computed working time
# --------------------------------------------------------------------------------------

# A block: (starts, ends, cumulative, total). Disjoint sorted working intervals clipped to
# the block's epoch range [k << 22, (k + 1) << 22); cumulative[i] is the working time from
# the block start to ends[i]; total is the block's working time.
_Block = tuple[list[int], list[int], list[int], int]


@lru_cache(maxsize=4096)
def _offset_segments(zone_key: str, k: int) -> tuple[tuple[int, int, int], ...]:
    """The (start, end, utc_offset) runs, in epoch seconds, covering block ``k``."""
    zone = ZoneInfo(zone_key)

    def offset(t: int) -> int:
        return datetime.fromtimestamp(t, zone).utcoffset() // _SECOND

    low, high = k << _BLOCK_BITS, (k + 1) << _BLOCK_BITS
    segments = []
    seg_start, seg_offset = low, offset(low)
    t = low
    while t < high:
        nxt = min(t + _PROBE, high - 1)
        if nxt <= t:
            break
        o = offset(nxt)
        if o != seg_offset:
            lo, hi = t, nxt  # offset(lo) == seg_offset != offset(hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(mid) == seg_offset:
                    lo = mid
                else:
                    hi = mid
            segments.append((seg_start, hi, seg_offset))
            seg_start, seg_offset = hi, offset(hi)
            t = hi  # probe again from the change: another one may follow within the hour
        else:
            t = nxt
    segments.append((seg_start, high, seg_offset))
    return tuple(segments)


class _Engine:
    """Working time of one (zone, weekly hours, holidays) as cached cumulative blocks."""

    __slots__ = ("blocks", "has_work", "holidays", "week", "zone_key")

    def __init__(self, zone_key: str, week: tuple[DayHours, ...], holidays: frozenset[date]):
        self.zone_key = zone_key
        self.week = tuple(tuple((_time_seconds(s), _end_seconds(e)) for s, e in d) for d in week)
        self.holidays = frozenset(d.toordinal() - _EPOCH_ORDINAL for d in holidays)
        self.blocks: dict[int, _Block] = {}
        self.has_work = any(self.week)

    def block(self, k: int) -> _Block:
        found = self.blocks.get(k)
        if found is None:
            try:
                found = self.blocks[k] = self._build(k)
            except (OverflowError, ValueError, OSError) as exc:
                raise ClockError(f"instant outside the supported date range ({exc})") from None
        return found

    def _build(self, k: int) -> _Block:
        low, high = k << _BLOCK_BITS, (k + 1) << _BLOCK_BITS
        segments = _offset_segments(self.zone_key, k)
        pieces = []
        week, holidays = self.week, self.holidays
        # Every instant of the block has a local date within two days of its UTC date.
        for n in range(low // _DAY - 2, (high - 1) // _DAY + 3):
            day = week[(n + _EPOCH_WEEKDAY) % 7]
            if not day or n in holidays:
                continue
            midnight = n * _DAY  # local midnight as if it were UTC
            for s, e in day:
                for seg_lo, seg_hi, off in segments:
                    # instants t in [seg_lo, seg_hi) whose wall time t + off is in [s, e)
                    lo = max(midnight + s - off, seg_lo, low)
                    hi = min(midnight + e - off, seg_hi, high)
                    if lo < hi:
                        pieces.append((lo, hi))
        pieces.sort()
        starts: list[int] = []
        ends: list[int] = []
        for lo, hi in pieces:
            if ends and lo <= ends[-1]:
                ends[-1] = max(ends[-1], hi)
            else:
                starts.append(lo)
                ends.append(hi)
        cumulative = []
        total = 0
        for lo, hi in zip(starts, ends, strict=True):
            total += hi - lo
            cumulative.append(total)
        return starts, ends, cumulative, total

    def _before(self, block: _Block, t: int) -> int:
        """Working seconds from the start of ``block`` to ``t`` (``t`` inside the block)."""
        i = bisect_right(block[0], t) - 1
        if i < 0:
            return 0
        end = block[1][i]
        return block[2][i] if t >= end else block[2][i] - (end - t)

    def worked(self, a: int, b: int) -> int:
        """Working seconds in the epoch interval ``[a, b)``, ``a <= b``."""
        ka, kb = a >> _BLOCK_BITS, b >> _BLOCK_BITS
        first = self.block(ka)
        if ka == kb:
            return self._before(first, b) - self._before(first, a)
        total = first[3] - self._before(first, a)
        for k in range(ka + 1, kb):
            total += self.block(k)[3]
        return total + self._before(self.block(kb), b)

    def intervals(self, a: int, b: int) -> list[tuple[int, int]]:
        """The working intervals within the epoch interval ``[a, b)``, in order, clipped."""
        found = []
        for k in range(a >> _BLOCK_BITS, (b >> _BLOCK_BITS) + 1):
            starts, ends, _, _ = self.block(k)
            for i in range(bisect_right(ends, a), len(starts)):
                if starts[i] >= b:
                    break
                found.append((max(starts[i], a), min(ends[i], b)))
        return found

    def advance(self, a: int, seconds: int) -> int:
        """The earliest epoch ``t >= a`` with ``worked(a, t) >= seconds`` (``seconds > 0``)."""
        if not self.has_work:
            raise ClockError("the calendar has no working hours: a working deadline never comes")
        k = a >> _BLOCK_BITS
        block = self.block(k)
        target = self._before(block, a) + seconds
        limit = k + _MAX_BLOCKS
        while target > block[3]:
            target -= block[3]
            k += 1
            if k > limit:
                raise ClockError("no deadline within 200 years: the calendar has no working time")
            block = self.block(k)
        i = bisect_left(block[2], target)
        return block[1][i] - (block[2][i] - target)


@lru_cache(maxsize=256)
def _engine_for(zone_key: str, week: tuple[DayHours, ...], holidays: frozenset[date]) -> _Engine:
    return _Engine(zone_key, week, holidays)


# --------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------


def _epoch(value: object, what: str) -> int:
    """Whole epoch seconds (floored) of an aware datetime; ClockError otherwise."""
    if isinstance(value, datetime):
        try:
            return (value - _EPOCH) // _SECOND
        except TypeError:  # naive (or a tzinfo that gives no offset)
            pass
        raise ClockError(
            f"{what}: naive datetime {value.isoformat()}; a timezone-aware one is needed"
        )
    raise ClockError(f"{what}: expected a timezone-aware datetime, got {value!r}")


def _pause_epochs(pauses: Iterable[Pause]) -> list[tuple[int, int, int, datetime, datetime]]:
    """(start, end, 1-based number, start, end datetimes) per pause, checked for type and
    order."""
    result = []
    for n, pause in enumerate(pauses, 1):
        try:
            ps, pe = pause
        except (TypeError, ValueError):
            raise ClockError(f"pause {n}: expected a (start, end) pair, got {pause!r}") from None
        s, e = _epoch(ps, f"pause {n} start"), _epoch(pe, f"pause {n} end")
        if e < s:
            raise ClockError(f"pause {n} ({ps.isoformat()}/{pe.isoformat()}) ends before it starts")
        result.append((s, e, n, ps, pe))
    return result


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if s == e:
            continue
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _prepare(
    start: datetime, end: datetime | None, pauses: Iterable[Pause]
) -> tuple[int, int | None, list[tuple[int, int]]]:
    """Validate a record; return epoch start, end (or None) and the merged pauses."""
    a = _epoch(start, "start")
    b = None
    if end is not None:
        b = _epoch(end, "end")
        if b < a:
            raise ClockError(
                f"end ({end.isoformat()}) is before start ({start.isoformat()}): "
                "a record cannot be completed before it is received"
            )
    if not pauses:
        return a, b, []
    checked = _pause_epochs(pauses)
    for s, e, n, ps, pe in checked:
        if s < a or (b is not None and e > b):
            pause = f"({ps.isoformat()}/{pe.isoformat()})"
            if b is None:
                raise ClockError(
                    f"pause {n} {pause} starts before the record was received ({start.isoformat()})"
                )
            raise ClockError(
                f"pause {n} {pause} lies outside the record "
                f"(received {start.isoformat()}, completed {end.isoformat()})"
            )
    return a, b, _merge((p[0], p[1]) for p in checked)


def validate_interval(start: datetime, end: datetime | None, pauses: Iterable[Pause] = ()) -> None:
    """Check a record: aware datetimes, ``end >= start``, each pause ``start <= end`` and
    inside ``[start, end]``. For an open record (``end is None``) pauses must start at or
    after ``start`` (they may end any time after). Raises :class:`ClockError`."""
    _prepare(start, end, tuple(pauses))


def merge_pauses(pauses: Iterable[Pause]) -> list[tuple[datetime, datetime]]:
    """The union of the pauses as sorted, disjoint, non-empty (start, end) pairs in UTC.

    Overlapping or touching pauses are merged; empty pauses (start == end) are dropped.
    Raises :class:`ClockError` on a naive datetime or a pause that ends before it starts.
    """
    merged = _merge((p[0], p[1]) for p in _pause_epochs(pauses))
    return [(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC)) for s, e in merged]


def _seconds_arg(seconds: object) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, Integral) or seconds < 0:
        raise ClockError(f"seconds: expected a non-negative whole number, got {seconds!r}")
    return int(seconds)


# --------------------------------------------------------------------------------------
# Clocks
# --------------------------------------------------------------------------------------


def elapsed_working_seconds(
    calendar: WorkCalendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> int:
    """Working seconds in ``[start, end)`` less the working time covered by the pauses.

    Pauses may overlap each other (their union counts once) and must lie inside
    ``[start, end]``. Raises :class:`ClockError` on bad input.
    """
    if end is None:
        raise ClockError("end: missing; an open record has no elapsed time yet")
    a, b, merged = _prepare(start, end, pauses)
    engine = calendar._engine
    total = engine.worked(a, b)
    for s, e in merged:
        total -= engine.worked(s, e)
    return total


def elapsed_calendar_seconds(start: datetime, end: datetime, pauses: Iterable[Pause] = ()) -> int:
    """``end - start`` in seconds less the length of the union of the pauses."""
    if end is None:
        raise ClockError("end: missing; an open record has no elapsed time yet")
    a, b, merged = _prepare(start, end, pauses)
    assert b is not None
    return b - a - sum(e - s for s, e in merged)


def measure_interval(
    calendar: WorkCalendar,
    start: datetime,
    end: datetime | None,
    pauses: Iterable[Pause] = (),
) -> tuple[int | None, int | None]:
    """Check a record and measure it on both clocks, validating its inputs only once.

    The checks and their messages are those of :func:`validate_interval` (so an open
    record, ``end is None``, is accepted and measures ``(None, None)``). For a completed
    record the result is ``(elapsed_working_seconds(calendar, start, end, pauses),
    elapsed_calendar_seconds(start, end, pauses))``, at the cost of one validation instead
    of three when the three functions are called in turn. Raises :class:`ClockError`.
    """
    a, b, merged = _prepare(start, end, tuple(pauses))
    if b is None:
        return None, None
    engine = calendar._engine
    working = engine.worked(a, b)
    paused = 0
    for s, e in merged:
        working -= engine.worked(s, e)
        paused += e - s
    return working, b - a - paused


def due_at(
    calendar: WorkCalendar, start: datetime, seconds: int, pauses: Iterable[Pause] = ()
) -> datetime:
    """The earliest instant ``t >= start`` at which ``seconds`` working seconds have elapsed.

    Pauses already recorded (each starting at or after ``start``; they may run past the
    result) are discounted, clipped to ``[start, t]``. A deadline reached exactly at the
    end of a working interval stays there. ``seconds == 0`` gives ``start`` itself. The
    result is an aware datetime in UTC.
    """
    seconds = _seconds_arg(seconds)
    a, _, merged = _prepare(start, None, pauses)
    if seconds == 0:
        return start.astimezone(UTC)
    engine = calendar._engine
    current, remaining = a, seconds
    for s, e in merged:
        if s > current:
            available = engine.worked(current, s)
            if remaining <= available:
                break
            remaining -= available
        current = max(current, e)
    return datetime.fromtimestamp(engine.advance(current, remaining), UTC)


def calendar_due_at(start: datetime, seconds: int, pauses: Iterable[Pause] = ()) -> datetime:
    """The earliest ``t >= start`` with ``elapsed_calendar_seconds(start, t) >= seconds``:
    ``start + seconds`` pushed out by the recorded pauses that begin before the running
    deadline (a pause beginning exactly at it does not push it). Aware datetime in UTC."""
    seconds = _seconds_arg(seconds)
    a, _, merged = _prepare(start, None, pauses)
    if seconds == 0:
        return start.astimezone(UTC)
    current, remaining = a, seconds
    for s, e in merged:
        if s - current >= remaining:
            break
        remaining -= max(0, s - current)
        current = max(current, e)
    return datetime.fromtimestamp(current + remaining, UTC)


# --------------------------------------------------------------------------------------
# Local wall time
# --------------------------------------------------------------------------------------


def working_overlap_seconds(
    first: WorkCalendar, second: WorkCalendar, start: datetime, end: datetime
) -> int:
    """The seconds of ``[start, end)`` that are working time on both calendars, each in its
    own zone with its own holidays (DOMAIN §9): how long two duty stations can work
    together. Symmetric; raises :class:`ClockError` for naive instants or ``end < start``."""
    a, b = _epoch(start, "start"), _epoch(end, "end")
    if b < a:
        raise ClockError("end: before start")
    mine, theirs = first._engine.intervals(a, b), second._engine.intervals(a, b)
    total, j = 0, 0
    for lo, hi in mine:
        while j < len(theirs) and theirs[j][1] <= lo:
            j += 1
        k = j
        while k < len(theirs) and theirs[k][0] < hi:
            total += min(hi, theirs[k][1]) - max(lo, theirs[k][0])
            k += 1
    return total


def iso_week_bounds(week: str) -> tuple[datetime, datetime]:
    """The ISO week ``YYYY-Www`` as UTC instants [Monday 00:00, next Monday 00:00).

    Raises :class:`ClockError` for anything else, or a week the year does not have."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", week) if isinstance(week, str) else None
    if match is None:
        raise ClockError(f"week: expected YYYY-Www, e.g. 2026-W10, got {str(week)[:20]!r}")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ClockError(f"week: {year} has no week {number}") from None
    start = datetime.combine(monday, time(), UTC)
    return start, start + timedelta(days=7)


def localize(zone: str, wall: datetime) -> datetime | None:
    """The instant (aware, in UTC) at which the naive local wall-clock time ``wall`` occurs
    in the IANA time zone ``zone``, or ``None`` when it does not occur there.

    A wall time skipped when clocks go forward does not occur; one repeated when they go
    back gives its first occurrence (as ``wall.replace(tzinfo=ZoneInfo(zone))`` does, with
    ``fold=0``). Sub-seconds are discarded (floored), like everywhere in this module.

    It reads the UTC-offset runs cached for the clocks instead of converting through
    :mod:`zoneinfo`, which costs a few microseconds per call for recent dates; so the same
    limit applies: two offset changes less than an hour apart would not be seen.
    """
    if not isinstance(wall, datetime) or wall.tzinfo is not None:
        raise ClockError(f"wall: expected a naive datetime, got {wall!r}")
    # The wall time read as if it were UTC, in epoch seconds (ints: faster than timedelta).
    w = (wall.toordinal() - _EPOCH_ORDINAL) * _DAY + wall.hour * 3600 + wall.minute * 60
    w += wall.second
    # The instant is w minus the offset in force then; offsets lie within +-24 hours.
    first, last = (w - _DAY) >> _BLOCK_BITS, (w + _DAY) >> _BLOCK_BITS
    found = None
    try:
        for k in (first,) if first == last else (first, last):
            for low, high, offset in _offset_segments(zone, k):
                t = w - offset
                if low <= t < high and (found is None or t < found):
                    found = t
        return None if found is None else datetime.fromtimestamp(found, UTC)
    except (OverflowError, ValueError, OSError) as exc:
        raise ClockError(f"instant outside the supported date range ({exc})") from None


# --------------------------------------------------------------------------------------
# Thresholds
# --------------------------------------------------------------------------------------


def uses_working_time(clock: str) -> bool:
    """True for the working-time clocks (``working_days``, ``working_hours``)."""
    if clock not in CLOCKS:
        raise ClockError(f"clock: unknown clock {clock!r} (expected one of {', '.join(CLOCKS)})")
    return clock in (WORKING_DAYS, WORKING_HOURS)


def _exact(value: object, what: str) -> Fraction:
    if isinstance(value, bool):
        raise ClockError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, float):
        value = repr(value)
    try:
        if not isinstance(value, (int, str, Decimal)):
            raise TypeError
        number = Decimal(value)
        if not number.is_finite():
            raise TypeError
    except (TypeError, InvalidOperation):
        raise ClockError(f"{what}: expected a number, got {value!r}") from None
    if number < 0:
        raise ClockError(f"{what}: must not be negative, got {value}")
    return Fraction(number)


def threshold_seconds(
    clock: str, threshold: Decimal | int | str, working_day_hours: Decimal | int | str = 8
) -> int:
    """The threshold of ``threshold`` units of ``clock`` as whole seconds of that clock.

    ``working_days``: N x working_day_hours x 3600 working seconds; ``working_hours``:
    N x 3600 working seconds; ``calendar_days``: N x 86400 calendar seconds; ``hours_24x7``:
    N x 3600 calendar seconds (``working_day_hours`` is only used by ``working_days``).

    The product is computed exactly (Decimals, no float) and then floored. Flooring loses
    nothing: elapsed times are whole seconds, and for an integer ``e`` and any real ``T``,
    ``e <= T`` exactly when ``e <= floor(T)``. So ``elapsed <= threshold_seconds(...)`` is
    the exact inclusive test "met", and ``due_at(cal, a, threshold_seconds(...))`` is the
    last instant at which completion still meets the threshold.
    """
    working = uses_working_time(clock)
    n = _exact(threshold, "threshold")
    if clock == WORKING_DAYS:
        hours = _exact(_check_day_hours(working_day_hours), "working_day_hours")
        return floor(n * hours * 3600)
    return floor(n * (3600 if working or clock == HOURS_24X7 else _DAY))


def elapsed_seconds(
    clock: str,
    calendar: WorkCalendar,
    start: datetime,
    end: datetime,
    pauses: Iterable[Pause] = (),
) -> int:
    """Elapsed seconds of the clock that measures ``clock`` (working or calendar)."""
    if uses_working_time(clock):
        return elapsed_working_seconds(calendar, start, end, pauses)
    return elapsed_calendar_seconds(start, end, pauses)


def clock_due_at(
    clock: str,
    calendar: WorkCalendar,
    start: datetime,
    threshold: Decimal | int | str,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """The deadline (UTC) of a record received at ``start`` against ``threshold`` units of
    ``clock``: completion at or before it meets the threshold, after it misses it."""
    seconds = threshold_seconds(clock, threshold, calendar.working_day_hours)
    return due_after(clock, calendar, start, seconds, pauses)


def due_after(
    clock: str,
    calendar: WorkCalendar,
    start: datetime,
    seconds: int,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """The deadline (UTC) of a record received at ``start`` against ``seconds`` of the
    clock that measures ``clock`` (working or calendar): :func:`due_at` or
    :func:`calendar_due_at`. For callers that convert a threshold once for many records
    (``threshold_seconds``) and then ask for many deadlines."""
    if uses_working_time(clock):
        return due_at(calendar, start, seconds, pauses)
    return calendar_due_at(start, seconds, pauses)
