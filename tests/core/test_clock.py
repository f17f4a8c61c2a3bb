"""Tests of core.clock: worked examples, hand-worked cases, bad input and properties.

Plain pytest, no Django. The property tests compare the module against a slow, obviously
correct reference (``ref_elapsed``/``ref_due``) that steps through time a minute or a
second at a time and asks, for each step, whether its local wall time is working time.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.clock import (
    CALENDAR_DAYS,
    CLOCKS,
    HOURS_24X7,
    WEEKDAYS,
    WORKING_DAYS,
    WORKING_HOURS,
    ClockError,
    WorkCalendar,
    calendar_due_at,
    clock_due_at,
    due_at,
    elapsed_calendar_seconds,
    elapsed_seconds,
    elapsed_working_seconds,
    localize,
    measure_interval,
    merge_pauses,
    threshold_seconds,
    uses_working_time,
    validate_interval,
)

KWI = ZoneInfo("Asia/Kuwait")
NBO = ZoneInfo("Africa/Nairobi")
ROM = ZoneInfo("Europe/Rome")
NYC = ZoneInfo("America/New_York")
SYD = ZoneInfo("Australia/Sydney")
SCL = ZoneInfo("America/Santiago")

KUWAIT = WorkCalendar.from_json(
    {
        "code": "KWI",
        "name": "Kuwait City",
        "timezone": "Asia/Kuwait",
        "working_hours": {
            "sun": [["08:00", "16:00"]],
            "mon": [["08:00", "16:00"]],
            "tue": [["08:00", "16:00"]],
            "wed": [["08:00", "16:00"]],
            "thu": [["08:00", "16:00"]],
            "fri": [],
            "sat": [],
        },
        "holidays": ["2026-02-25", "2026-02-26"],
        "working_day_hours": 8,
    }
)
WEEKDAYS_MON_FRI = ("mon", "tue", "wed", "thu", "fri")
NAIROBI = WorkCalendar(
    "Africa/Nairobi",
    {day: [("08:00", "12:30"), ("13:30", "17:00")] for day in WEEKDAYS_MON_FRI},
)


def every_day(zone: str, *intervals: tuple[str, str]) -> WorkCalendar:
    return WorkCalendar(zone, {day: list(intervals) for day in WEEKDAYS})


def office(zone: str, start: str = "09:00", end: str = "17:00") -> WorkCalendar:
    """Monday to Friday, one interval."""
    return WorkCalendar(zone, {day: [(start, end)] for day in WEEKDAYS_MON_FRI})


ROME_24X7 = every_day("Europe/Rome", ("00:00", "24:00"))
ROME_OFFICE = office("Europe/Rome")
ROME_EVERY_DAY_9_17 = every_day("Europe/Rome", ("09:00", "17:00"))


def at(zone: ZoneInfo, *fields: int, fold: int = 0) -> datetime:
    return datetime(*fields, tzinfo=zone, fold=fold)


def working(cal: WorkCalendar, a: datetime, b: datetime, pauses=()) -> int:
    return elapsed_working_seconds(cal, a, b, pauses)


# ---------------------------------------------------------------------------------------
# The worked examples of the contract
# ---------------------------------------------------------------------------------------


def test_example_kuwait_thursday_to_sunday():
    assert working(KUWAIT, at(KWI, 2026, 1, 1, 10), at(KWI, 2026, 1, 4, 9)) == 25_200


def test_example_kuwait_over_holidays():
    assert working(KUWAIT, at(KWI, 2026, 2, 24, 9), at(KWI, 2026, 3, 1, 9)) == 28_800


def test_example_nairobi_across_lunch():
    assert working(NAIROBI, at(NBO, 2026, 1, 5, 12), at(NBO, 2026, 1, 5, 14)) == 3_600


def test_example_nairobi_overlapping_pauses():
    a, b = at(NBO, 2026, 1, 6, 8), at(NBO, 2026, 1, 6, 17)
    pauses = [(at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 11)),
              (at(NBO, 2026, 1, 6, 10), at(NBO, 2026, 1, 6, 15))]  # fmt: skip
    assert working(NAIROBI, a, b, pauses) == 10_800
    assert elapsed_calendar_seconds(a, b, pauses) == 10_800


def test_example_rome_24x7_spring_forward():
    assert working(ROME_24X7, at(ROM, 2026, 3, 28, 12), at(ROM, 2026, 3, 29, 12)) == 82_800


def test_example_kuwait_due_at_over_weekend():
    assert due_at(KUWAIT, at(KWI, 2026, 1, 1, 15), 2 * 3600) == at(KWI, 2026, 1, 4, 9)


def test_example_kuwait_due_at_closing_time():
    assert due_at(KUWAIT, at(KWI, 2026, 1, 1, 14), 2 * 3600) == at(KWI, 2026, 1, 1, 16)


def test_example_five_working_days_threshold_boundary():
    limit = threshold_seconds(WORKING_DAYS, Decimal(5), KUWAIT.working_day_hours)
    assert limit == 144_000
    # Sunday 08:00 to Thursday 16:00 is exactly five working days ...
    met = working(KUWAIT, at(KWI, 2026, 1, 4, 8), at(KWI, 2026, 1, 8, 16))
    assert met == 144_000 and met <= limit
    # ... and one second into the next Sunday is one second too many.
    missed = working(KUWAIT, at(KWI, 2026, 1, 4, 8), at(KWI, 2026, 1, 11, 8, 0, 1))
    assert missed == 144_001 and not missed <= limit


# ---------------------------------------------------------------------------------------
# Hand-worked cases
# ---------------------------------------------------------------------------------------


def test_weekend_counts_nothing():
    assert working(NAIROBI, at(NBO, 2026, 1, 10, 0), at(NBO, 2026, 1, 12, 0)) == 0
    # Friday 16:00 to Monday 09:00: one hour each side.
    assert working(NAIROBI, at(NBO, 2026, 1, 9, 16), at(NBO, 2026, 1, 12, 9)) == 7_200


def test_kuwait_works_sunday_to_thursday():
    assert working(KUWAIT, at(KWI, 2026, 1, 9, 0), at(KWI, 2026, 1, 11, 0)) == 0  # Fri-Sat
    assert working(KUWAIT, at(KWI, 2026, 1, 11, 0), at(KWI, 2026, 1, 12, 0)) == 28_800  # Sun
    assert working(KUWAIT, at(KWI, 2026, 1, 8, 15), at(KWI, 2026, 1, 11, 9)) == 7_200


def test_holiday_counts_nothing():
    assert working(KUWAIT, at(KWI, 2026, 2, 25, 0), at(KWI, 2026, 2, 27, 0)) == 0
    with_holiday = dataclasses.replace(NAIROBI, holidays=frozenset({date(2026, 1, 7)}))
    a, b = at(NBO, 2026, 1, 6, 8), at(NBO, 2026, 1, 9, 8)  # Tue 08:00 .. Fri 08:00
    assert working(NAIROBI, a, b) == 3 * 28_800
    assert working(with_holiday, a, b) == 2 * 28_800


def test_lunch_break():
    assert working(NAIROBI, at(NBO, 2026, 1, 5, 12, 45), at(NBO, 2026, 1, 5, 13, 45)) == 900
    assert working(NAIROBI, at(NBO, 2026, 1, 5, 12, 30), at(NBO, 2026, 1, 5, 13, 30)) == 0


def test_start_and_end_outside_working_hours():
    assert working(NAIROBI, at(NBO, 2026, 1, 5, 6), at(NBO, 2026, 1, 5, 20)) == 28_800
    assert working(NAIROBI, at(NBO, 2026, 1, 5, 18), at(NBO, 2026, 1, 6, 7)) == 0
    assert working(NAIROBI, at(NBO, 2026, 1, 5, 17), at(NBO, 2026, 1, 6, 8)) == 0


def test_empty_and_tiny_spans():
    a = at(NBO, 2026, 1, 5, 10)
    assert working(NAIROBI, a, a) == 0
    assert working(NAIROBI, a, a + timedelta(seconds=1)) == 1
    assert elapsed_calendar_seconds(a, a) == 0


def test_multi_week_span():
    # Four Sunday-to-Thursday weeks.
    assert working(KUWAIT, at(KWI, 2026, 1, 4, 8), at(KWI, 2026, 2, 1, 8)) == 20 * 28_800


def test_multi_month_spans():
    # Thirteen weeks of five 8-hour days.
    assert working(NAIROBI, at(NBO, 2026, 1, 5), at(NBO, 2026, 4, 6)) == 65 * 28_800
    # February 2026 in Kuwait: 20 working days less the two holidays.
    assert working(KUWAIT, at(KWI, 2026, 2, 1), at(KWI, 2026, 3, 1)) == 18 * 28_800
    # A year (2026 starts on a Thursday: 261 weekdays).
    assert working(NAIROBI, at(NBO, 2026, 1, 1), at(NBO, 2027, 1, 1)) == 261 * 28_800


def test_inputs_in_any_zone_denote_instants():
    a = at(NBO, 2026, 1, 5, 12).astimezone(UTC)
    b = at(NBO, 2026, 1, 5, 14).astimezone(ZoneInfo("America/Los_Angeles"))
    assert working(NAIROBI, a, b) == 3_600


def test_sub_second_parts_are_floored():
    a = at(ROM, 2026, 1, 5, 10, 0, 0).replace(microsecond=900_000)
    b = at(ROM, 2026, 1, 5, 10, 0, 1).replace(microsecond=100_000)
    assert working(ROME_24X7, a, b) == 1
    assert elapsed_calendar_seconds(a, b) == 1


def test_due_at_deadline_stays_at_closing_time():
    assert due_at(NAIROBI, at(NBO, 2026, 1, 5, 11, 30), 3_600) == at(NBO, 2026, 1, 5, 12, 30)
    assert due_at(NAIROBI, at(NBO, 2026, 1, 5, 11, 30), 3_601) == at(NBO, 2026, 1, 5, 13, 30, 1)
    assert due_at(NAIROBI, at(NBO, 2026, 1, 9, 8), 8 * 3_600) == at(NBO, 2026, 1, 9, 17)
    # From Friday 09:00 only 7 hours are left that day: the eighth is on Monday.
    assert due_at(NAIROBI, at(NBO, 2026, 1, 9, 9), 8 * 3_600) == at(NBO, 2026, 1, 12, 9)


def test_due_at_from_outside_working_hours():
    # Saturday: the clock starts on Monday at 08:00.
    assert due_at(NAIROBI, at(NBO, 2026, 1, 10, 11), 60) == at(NBO, 2026, 1, 12, 8, 1)
    # Over the Kuwait holidays: Tuesday 15:00 + 2 h -> Sunday 09:00.
    assert due_at(KUWAIT, at(KWI, 2026, 2, 24, 15), 7_200) == at(KWI, 2026, 3, 1, 9)


def test_due_at_zero_is_the_start_itself():
    saturday = at(NBO, 2026, 1, 10, 11, 22, 33)
    assert due_at(NAIROBI, saturday, 0) == saturday
    assert calendar_due_at(saturday, 0) == saturday


def test_due_at_returns_utc():
    result = due_at(KUWAIT, at(KWI, 2026, 1, 1, 14), 60)
    assert result.tzinfo is UTC
    assert result == datetime(2026, 1, 1, 11, 1, tzinfo=UTC)
    assert calendar_due_at(at(KWI, 2026, 1, 1, 14), 60).tzinfo is UTC


def test_due_at_over_many_weeks():
    start = at(KWI, 2026, 1, 4, 8)
    assert due_at(KUWAIT, start, 20 * 28_800) == at(KWI, 2026, 1, 29, 16)
    assert due_at(KUWAIT, start, 20 * 28_800 + 1) == at(KWI, 2026, 2, 1, 8, 0, 1)
    # Through February's holidays (Wed 25 and Thu 26) to the second week of March.
    assert due_at(KUWAIT, at(KWI, 2026, 2, 1, 8), 18 * 28_800) == at(KWI, 2026, 2, 24, 16)
    assert due_at(KUWAIT, at(KWI, 2026, 2, 1, 8), 19 * 28_800) == at(KWI, 2026, 3, 1, 16)


def test_calendar_clock_plain():
    a = at(NBO, 2026, 1, 5, 12)
    assert elapsed_calendar_seconds(a, a + timedelta(days=3)) == 3 * 86_400
    assert calendar_due_at(a, 86_400) == a + timedelta(days=1)


# ---------------------------------------------------------------------------------------
# Pauses
# ---------------------------------------------------------------------------------------


def test_pause_outside_working_time_changes_only_calendar_time():
    a, b = at(NBO, 2026, 1, 5, 8), at(NBO, 2026, 1, 6, 17)
    night = [(at(NBO, 2026, 1, 5, 18), at(NBO, 2026, 1, 6, 7))]
    assert working(NAIROBI, a, b, night) == working(NAIROBI, a, b) == 57_600
    assert elapsed_calendar_seconds(a, b, night) == 33 * 3600 - 13 * 3600


def test_pause_across_lunch_and_nested_pauses():
    a, b = at(NBO, 2026, 1, 5, 8), at(NBO, 2026, 1, 5, 17)
    lunch = [(at(NBO, 2026, 1, 5, 12), at(NBO, 2026, 1, 5, 14))]
    assert working(NAIROBI, a, b, lunch) == 28_800 - 3_600
    nested = [*lunch, (at(NBO, 2026, 1, 5, 12, 15), at(NBO, 2026, 1, 5, 12, 45))]
    assert working(NAIROBI, a, b, nested) == 28_800 - 3_600
    touching = [*lunch, (at(NBO, 2026, 1, 5, 14), at(NBO, 2026, 1, 5, 15))]
    assert working(NAIROBI, a, b, touching) == 28_800 - 7_200
    assert elapsed_calendar_seconds(a, b, touching) == 9 * 3600 - 3 * 3600


def test_pauses_covering_the_whole_record():
    a, b = at(NBO, 2026, 1, 5, 8), at(NBO, 2026, 1, 6, 8)
    assert working(NAIROBI, a, b, [(a, b)]) == 0
    assert elapsed_calendar_seconds(a, b, [(a, b), (a, a)]) == 0


def test_due_at_with_pauses():
    sunday = at(KWI, 2026, 1, 4, 8)
    two_hours_off = [(at(KWI, 2026, 1, 4, 10), at(KWI, 2026, 1, 4, 12))]
    assert due_at(KUWAIT, sunday, 28_800, two_hours_off) == at(KWI, 2026, 1, 5, 10)
    # A pause starting exactly when the deadline is reached does not push it.
    assert due_at(KUWAIT, sunday, 7_200, two_hours_off) == at(KWI, 2026, 1, 4, 10)
    # A pause from the start; overlapping pauses count once.
    pauses = [
        (sunday, at(KWI, 2026, 1, 4, 9)),
        (at(KWI, 2026, 1, 4, 8, 30), at(KWI, 2026, 1, 4, 8, 45)),
    ]
    assert due_at(KUWAIT, sunday, 3_600, pauses) == at(KWI, 2026, 1, 4, 10)
    # A pause still running past the unpaused deadline (an open record may have one).
    long_pause = [(at(KWI, 2026, 1, 4, 9), at(KWI, 2026, 1, 5, 9))]
    assert due_at(KUWAIT, sunday, 7_200, long_pause) == at(KWI, 2026, 1, 5, 10)
    # A pause entirely outside working hours changes nothing.
    night = [(at(KWI, 2026, 1, 4, 20), at(KWI, 2026, 1, 5, 6))]
    assert due_at(KUWAIT, at(KWI, 2026, 1, 4, 15), 7_200, night) == at(KWI, 2026, 1, 5, 9)


def test_calendar_due_at_with_pauses():
    a = at(NBO, 2026, 1, 6, 8)
    pauses = [(at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 11)),
              (at(NBO, 2026, 1, 6, 10), at(NBO, 2026, 1, 6, 15))]  # fmt: skip
    assert calendar_due_at(a, 3 * 3600, pauses) == at(NBO, 2026, 1, 6, 17)
    assert calendar_due_at(a, 3600, pauses) == at(NBO, 2026, 1, 6, 9)  # not pushed
    assert calendar_due_at(a, 3601, pauses) == at(NBO, 2026, 1, 6, 15, 0, 1)
    # Pauses starting after the deadline do not move it.
    late = [(at(NBO, 2026, 1, 7, 9), at(NBO, 2026, 1, 7, 11))]
    assert calendar_due_at(a, 3600, late) == at(NBO, 2026, 1, 6, 9)


def test_merge_pauses():
    p = [
        (at(NBO, 2026, 1, 6, 10), at(NBO, 2026, 1, 6, 15)),
        (at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 11)),
        (at(NBO, 2026, 1, 6, 15), at(NBO, 2026, 1, 6, 16)),
        (at(NBO, 2026, 1, 6, 17), at(NBO, 2026, 1, 6, 17)),
        (at(NBO, 2026, 1, 6, 18), at(NBO, 2026, 1, 6, 19)),
    ]
    assert merge_pauses(p) == [
        (at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 16)),
        (at(NBO, 2026, 1, 6, 18), at(NBO, 2026, 1, 6, 19)),
    ]
    assert all(s.tzinfo is UTC for pair in merge_pauses(p) for s in pair)
    assert merge_pauses([]) == []


# ---------------------------------------------------------------------------------------
# Daylight-saving time
# ---------------------------------------------------------------------------------------


def test_rome_24x7_spring_and_autumn_days():
    assert working(ROME_24X7, at(ROM, 2026, 3, 29), at(ROM, 2026, 3, 30)) == 23 * 3600
    assert working(ROME_24X7, at(ROM, 2026, 10, 25), at(ROM, 2026, 10, 26)) == 25 * 3600
    assert working(ROME_24X7, at(ROM, 2026, 10, 24, 12), at(ROM, 2026, 10, 25, 12)) == 90_000


def test_rome_24x7_equals_calendar_clock_across_dst():
    a = at(ROM, 2026, 3, 20, 7, 13)
    for b in (at(ROM, 2026, 3, 29, 3), at(ROM, 2026, 10, 25, 2, 30, fold=1), at(ROM, 2027, 1, 1)):
        assert working(ROME_24X7, a, b) == elapsed_calendar_seconds(a, b)


def test_rome_24x7_due_at_across_dst():
    assert due_at(ROME_24X7, at(ROM, 2026, 3, 28, 12), 86_400) == at(ROM, 2026, 3, 29, 13)
    assert due_at(ROME_24X7, at(ROM, 2026, 10, 24, 12), 86_400) == at(ROM, 2026, 10, 25, 11)


def test_rome_spring_gap_does_not_exist():
    # 02:00-03:00 on 2026-03-29 is never on a Roman clock: 01:59:59 is followed by 03:00:00.
    assert working(ROME_24X7, at(ROM, 2026, 3, 29, 1, 59, 59), at(ROM, 2026, 3, 29, 3)) == 1
    assert due_at(ROME_24X7, at(ROM, 2026, 3, 29, 1, 59), 120) == at(ROM, 2026, 3, 29, 3, 1)
    sunday = dataclasses.replace(ROME_24X7, working_hours={"sun": [("02:30", "03:30")]})
    day = (at(ROM, 2026, 3, 28), at(ROM, 2026, 3, 31))
    assert working(sunday, *day) == 1_800  # only 03:00-03:30 exists
    gap_only = dataclasses.replace(ROME_24X7, working_hours={"sun": [("02:00", "03:00")]})
    assert working(gap_only, *day) == 0
    assert working(gap_only, at(ROM, 2026, 3, 21), at(ROM, 2026, 3, 24)) == 3_600


def test_rome_autumn_overlap_counts_twice():
    early = dataclasses.replace(ROME_24X7, working_hours={"sun": [("01:00", "04:00")]})
    assert working(early, at(ROM, 2026, 3, 28), at(ROM, 2026, 3, 31)) == 2 * 3600
    assert working(early, at(ROM, 2026, 10, 24), at(ROM, 2026, 10, 27)) == 4 * 3600
    first = at(ROM, 2026, 10, 25, 2, 30, fold=0)
    second = at(ROM, 2026, 10, 25, 2, 30, fold=1)
    assert working(early, first, second) == 3_600
    # 01:00 CEST + 2.5 h of working time is the second 02:30 (CET), + 3 h is 03:00 CET.
    assert due_at(early, at(ROM, 2026, 10, 25, 1), 9_000) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    assert due_at(early, at(ROM, 2026, 10, 25, 1), 9_000).astimezone(ROM).fold == 1
    assert due_at(early, at(ROM, 2026, 10, 25, 1), 3 * 3600) == at(ROM, 2026, 10, 25, 3)


def test_rome_office_hours_across_dst():
    # Friday 17:00 to Monday 09:00: no working time, one hour less calendar time in spring.
    a, b = at(ROM, 2026, 3, 27, 17), at(ROM, 2026, 3, 30, 9)
    assert working(ROME_OFFICE, a, b) == 0
    assert elapsed_calendar_seconds(a, b) == 63 * 3600
    a, b = at(ROM, 2026, 10, 23, 17), at(ROM, 2026, 10, 26, 9)
    assert elapsed_calendar_seconds(a, b) == 65 * 3600
    assert due_at(ROME_OFFICE, at(ROM, 2026, 3, 27, 16), 7_200) == at(ROM, 2026, 3, 30, 10)
    assert due_at(ROME_OFFICE, at(ROM, 2026, 3, 27, 16), 7_200) == datetime(
        2026, 3, 30, 8, tzinfo=UTC
    )
    # A 09:00-17:00 day is 8 hours on both change days.
    for day in (29, 30):
        b = at(ROM, 2026, 3, day) + timedelta(days=1)
        assert working(ROME_EVERY_DAY_9_17, at(ROM, 2026, 3, day), b) == 28_800
    assert working(ROME_EVERY_DAY_9_17, at(ROM, 2026, 10, 25), at(ROM, 2026, 10, 26)) == 28_800


def test_new_york_dst():
    ny_24x7 = every_day("America/New_York", ("00:00", "24:00"))
    assert working(ny_24x7, at(NYC, 2026, 3, 7, 12), at(NYC, 2026, 3, 8, 12)) == 82_800
    assert working(ny_24x7, at(NYC, 2026, 10, 31, 12), at(NYC, 2026, 11, 1, 12)) == 90_000
    ny_office = office("America/New_York")
    a, b = at(NYC, 2026, 3, 6, 9), at(NYC, 2026, 3, 9, 17)
    assert working(ny_office, a, b) == 57_600
    assert elapsed_calendar_seconds(a, b) == 79 * 3600
    one_am = dataclasses.replace(ny_24x7, working_hours={"sun": [("01:00", "02:00")]})
    assert working(one_am, at(NYC, 2026, 10, 31), at(NYC, 2026, 11, 2)) == 7_200
    assert working(one_am, at(NYC, 2026, 3, 7), at(NYC, 2026, 3, 9)) == 3_600


def test_sydney_dst_southern_hemisphere():
    syd_24x7 = every_day("Australia/Sydney", ("00:00", "24:00"))
    assert working(syd_24x7, at(SYD, 2026, 4, 5), at(SYD, 2026, 4, 6)) == 25 * 3600
    assert working(syd_24x7, at(SYD, 2026, 10, 4), at(SYD, 2026, 10, 5)) == 23 * 3600
    syd_office = office("Australia/Sydney")
    a, b = at(SYD, 2026, 4, 3, 16), at(SYD, 2026, 4, 6, 10)
    assert working(syd_office, a, b) == 7_200
    assert elapsed_calendar_seconds(a, b) == 67 * 3600
    assert due_at(syd_office, at(SYD, 2026, 10, 2, 16), 7_200) == at(SYD, 2026, 10, 5, 10)


def test_santiago_dst_changes_at_midnight():
    # 2026-04-04: Saturday 24:00 becomes Saturday 23:00, so Saturday lasts 25 hours; on
    # 2026-09-06 Sunday starts at 01:00, so Sunday lasts 23 hours.
    saturday = WorkCalendar("America/Santiago", {"sat": [("00:00", "24:00")]})
    sunday = WorkCalendar("America/Santiago", {"sun": [("00:00", "24:00")]})
    april = (at(SCL, 2026, 4, 2), at(SCL, 2026, 4, 7))
    september = (at(SCL, 2026, 9, 3), at(SCL, 2026, 9, 8))
    assert working(saturday, *april) == 25 * 3600
    assert working(sunday, *april) == 24 * 3600
    assert working(saturday, *september) == 24 * 3600
    assert working(sunday, *september) == 23 * 3600
    late = WorkCalendar("America/Santiago", {"sat": [("23:00", "24:00")]})
    assert working(late, *april) == 7_200


# ---------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------


def test_clock_error_is_a_value_error():
    assert issubclass(ClockError, ValueError)


def test_end_before_start():
    a, b = at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 8)
    with pytest.raises(ClockError, match=r"^end \(2026-01-06T08:00:00\+03:00\) is before start"):
        working(NAIROBI, a, b)
    with pytest.raises(ClockError, match=r"before start"):
        elapsed_calendar_seconds(a, b)


def test_inverted_pause():
    a, b = at(NBO, 2026, 1, 6, 8), at(NBO, 2026, 1, 6, 17)
    pauses = [(at(NBO, 2026, 1, 6, 10), at(NBO, 2026, 1, 6, 11)),
              (at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 8))]  # fmt: skip
    message = "pause 2 (2026-01-06T09:00:00+03:00/2026-01-06T08:00:00+03:00) ends before it starts"
    for call in (
        lambda: working(NAIROBI, a, b, pauses),
        lambda: elapsed_calendar_seconds(a, b, pauses),
        lambda: due_at(NAIROBI, a, 60, pauses),
        lambda: calendar_due_at(a, 60, pauses),
        lambda: merge_pauses(pauses),
        lambda: validate_interval(a, b, pauses),
    ):
        with pytest.raises(ClockError, match=re.escape(message)):
            call()


def test_pause_outside_the_record():
    a, b = at(NBO, 2026, 1, 6, 8), at(NBO, 2026, 1, 6, 17)
    after = [(at(NBO, 2026, 1, 6, 16), at(NBO, 2026, 1, 6, 18))]
    expected = (
        "pause 1 (2026-01-06T16:00:00+03:00/2026-01-06T18:00:00+03:00) lies outside the record "
        "(received 2026-01-06T08:00:00+03:00, completed 2026-01-06T17:00:00+03:00)"
    )
    with pytest.raises(ClockError, match=re.escape(expected)):
        working(NAIROBI, a, b, after)
    with pytest.raises(ClockError, match=r"lies outside the record"):
        elapsed_calendar_seconds(a, b, after)
    before = [(at(NBO, 2026, 1, 6, 7), at(NBO, 2026, 1, 6, 9))]
    with pytest.raises(ClockError, match=r"pause 1 .* lies outside the record"):
        working(NAIROBI, a, b, before)
    # An open record: pauses may run on, but must not start before the record.
    validate_interval(a, None, after)
    for call in (
        lambda: due_at(NAIROBI, a, 60, before),
        lambda: calendar_due_at(a, 60, before),
        lambda: validate_interval(a, None, before),
    ):
        with pytest.raises(ClockError, match=r"pause 1 .* starts before the record was received"):
            call()


def test_naive_and_non_datetimes():
    naive = datetime(2026, 1, 6, 8)
    aware = at(NBO, 2026, 1, 6, 9)
    with pytest.raises(ClockError, match=r"^start: naive datetime 2026-01-06T08:00:00"):
        working(NAIROBI, naive, aware)
    with pytest.raises(ClockError, match=r"^end: naive datetime"):
        elapsed_calendar_seconds(aware, naive.replace(hour=10))
    with pytest.raises(ClockError, match=r"^pause 1 end: naive datetime"):
        working(NAIROBI, aware, aware, [(aware, naive)])
    with pytest.raises(ClockError, match=r"^start: naive datetime"):
        due_at(NAIROBI, naive, 60)
    with pytest.raises(ClockError, match=r"^start: expected a timezone-aware datetime"):
        working(NAIROBI, date(2026, 1, 6), aware)
    with pytest.raises(ClockError, match=r"pause 1: expected a .start, end. pair"):
        working(NAIROBI, aware, aware, [aware])
    with pytest.raises(ClockError, match=r"^end: missing"):
        working(NAIROBI, aware, None)


def test_bad_due_at_seconds():
    a = at(NBO, 2026, 1, 6, 9)
    for bad in (-1, 1.5, "60", True, None):
        with pytest.raises(ClockError, match=r"^seconds: expected a non-negative whole number"):
            due_at(NAIROBI, a, bad)
        with pytest.raises(ClockError, match=r"^seconds"):
            calendar_due_at(a, bad)


def test_due_at_on_a_calendar_without_working_hours():
    idle = WorkCalendar("UTC", {})
    a = at(NBO, 2026, 1, 6, 9)
    assert working(idle, a, a + timedelta(days=30)) == 0
    assert due_at(idle, a, 0) == a
    with pytest.raises(ClockError, match=r"no working hours"):
        due_at(idle, a, 1)


# ---------------------------------------------------------------------------------------
# Calendar JSON
# ---------------------------------------------------------------------------------------

KUWAIT_JSON = {
    "code": "KWI",
    "name": "Kuwait City",
    "timezone": "Asia/Kuwait",
    "working_hours": {
        "mon": [["08:00", "16:00"]],
        "tue": [["08:00", "16:00"]],
        "wed": [["08:00", "16:00"]],
        "thu": [["08:00", "16:00"]],
        "fri": [],
        "sat": [],
        "sun": [["08:00", "16:00"]],
    },
    "holidays": ["2026-03-20", "2026-05-27"],
    "working_day_hours": 8,
}


def test_json_round_trip():
    cal = WorkCalendar.from_json(KUWAIT_JSON)
    assert cal.to_json() == KUWAIT_JSON
    assert WorkCalendar.from_json(cal.to_json()) == cal
    assert cal.hours_on("sun") == ((time(8), time(16)),)
    assert cal.hours_on("fri") == ()
    assert cal.holidays == frozenset({date(2026, 3, 20), date(2026, 5, 27)})
    assert cal.zone == KWI


def test_json_defaults_midnight_and_fractional_hours():
    cal = WorkCalendar.from_json(
        {
            "timezone": "Europe/Rome",
            "working_hours": {"mon": [["22:00", "24:00"]], "tue": [["00:00", "06:30"]]},
            "working_day_hours": 7.5,
        }
    )
    assert cal.working_day_hours == Decimal("7.5")
    assert cal.holidays == frozenset()
    assert cal.hours_on("mon") == ((time(22), None),)
    data = cal.to_json()
    assert data["working_hours"]["mon"] == [["22:00", "24:00"]]
    assert data["working_hours"]["sun"] == []
    assert data["working_day_hours"] == 7.5 and data["code"] == ""
    assert WorkCalendar.from_json(data) == cal
    # Monday 22:00 to Tuesday 06:30 is one continuous stretch.
    a, b = at(ROM, 2026, 1, 5, 21), at(ROM, 2026, 1, 6, 7)
    assert working(cal, a, b) == int(8.5 * 3600)


def test_calendar_is_hashable_and_shares_its_cache():
    one, two = WorkCalendar.from_json(KUWAIT_JSON), WorkCalendar.from_json(KUWAIT_JSON)
    assert one == two and hash(one) == hash(two) and len({one, two}) == 1
    assert one._engine is two._engine
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.timezone = "UTC"


def test_calendar_constructor_accepts_times_and_seven_day_lists():
    by_key = WorkCalendar("Asia/Kuwait", {"sun": [(time(8), time(16))]}, holidays=["2026-03-20"])
    by_index = WorkCalendar("Asia/Kuwait", [(), (), (), (), (), (), [("08:00", "16:00")]])
    assert by_key == dataclasses.replace(by_index, holidays={date(2026, 3, 20)})
    assert by_key.working_day_hours == Decimal(8)


def _json(**changes):
    data = {key: value for key, value in KUWAIT_JSON.items() if key not in changes}
    data.update({key: value for key, value in changes.items() if value is not ...})
    return data


def _hours(**days):
    return {**KUWAIT_JSON["working_hours"], **days}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "calendar: expected a JSON object"),
        (_json(color="red"), "calendar: unknown field 'color'"),
        (_json(timezone=...), "timezone: missing"),
        (_json(timezone="Mars/Olympus_Mons"), "timezone: unknown time zone 'Mars/Olympus_Mons'"),
        (_json(timezone=""), "timezone: expected an IANA time zone name"),
        (_json(timezone=3), "timezone: expected an IANA time zone name"),
        (_json(working_hours=...), "working_hours: missing"),
        (_json(working_hours=[]), "working_hours: expected an object keyed mon..sun"),
        (_json(working_hours=_hours(monday=[])), "working_hours: unknown weekday 'monday'"),
        (_json(working_hours=_hours(mon="08:00-16:00")), "working_hours.mon: expected a list"),
        (_json(working_hours=_hours(mon=[["08:00"]])), "working_hours.mon[0]: expected a [start"),
        (
            _json(working_hours=_hours(tue=[["08:00", "12:00"], ["8:00", "16:00"]])),
            "working_hours.tue[1]: bad start time '8:00' (expected \"HH:MM\")",
        ),
        (
            _json(working_hours=_hours(mon=[["08:00", "25:00"]])),
            "working_hours.mon[0]: bad end time '25:00'",
        ),
        (
            _json(working_hours=_hours(mon=[["08:60", "12:00"]])),
            "working_hours.mon[0]: bad start time '08:60'",
        ),
        (
            _json(working_hours=_hours(mon=[["24:00", "24:00"]])),
            "working_hours.mon[0]: bad start time '24:00' (24:00 is only allowed as an end)",
        ),
        (
            _json(working_hours=_hours(mon=[["08:00", "11:00"], ["13:00", "12:00"]])),
            "working_hours.mon[1]: end 12:00 is not after start 13:00",
        ),
        (
            _json(working_hours=_hours(wed=[["09:00", "09:00"]])),
            "working_hours.wed[0]: end 09:00 is not after start 09:00",
        ),
        (
            _json(working_hours=_hours(fri=[["22:00", "00:00"]])),
            "working_hours.fri[0]: end 00:00 is not after start 22:00 (write 24:00",
        ),
        (
            _json(working_hours=_hours(mon=[["08:00", "12:00"], ["11:00", "16:00"]])),
            "working_hours.mon[1]: starts at 11:00, before the previous interval ends (12:00)",
        ),
        (
            _json(working_hours=_hours(thu=[["13:00", "17:00"], ["08:00", "12:00"]])),
            "working_hours.thu[1]: starts at 08:00, before the previous interval ends (17:00)",
        ),
        (_json(holidays="2026-03-20"), "holidays: expected a list"),
        (_json(holidays=["2026-03-20", "2026-02-30"]), "holidays[1]: bad date '2026-02-30'"),
        (_json(holidays=["20/03/2026"]), "holidays[0]: bad date '20/03/2026' (expected YYYY"),
        (_json(holidays=[20260320]), "holidays[0]: bad date 20260320"),
        (_json(working_day_hours=0), "working_day_hours: must be greater than 0 and at most 24"),
        (_json(working_day_hours=-8), "working_day_hours: must be greater than 0"),
        (_json(working_day_hours=24.5), "working_day_hours: must be greater than 0 and at most"),
        (_json(working_day_hours="eight"), "working_day_hours: expected a number"),
        (_json(working_day_hours=True), "working_day_hours: expected a number"),
        (_json(working_day_hours=None), "working_day_hours: expected a number"),
        (_json(working_day_hours="NaN"), "working_day_hours: must be greater than 0"),
        (_json(code=7), "code: expected a string"),
    ],
)
def test_bad_calendar_json(data, message):
    with pytest.raises(ClockError, match=r"^" + re.escape(message)):
        WorkCalendar.from_json(data)


def test_working_day_hours_limits_are_inclusive_of_24():
    assert WorkCalendar.from_json(_json(working_day_hours=24)).working_day_hours == 24
    assert WorkCalendar.from_json(_json(working_day_hours="0.25")).working_day_hours == Decimal(
        "0.25"
    )


# ---------------------------------------------------------------------------------------
# Thresholds
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "threshold", "hours", "seconds"),
    [
        (WORKING_DAYS, Decimal(5), Decimal(8), 144_000),
        (WORKING_DAYS, Decimal("2.5"), Decimal(8), 72_000),
        (WORKING_DAYS, 1, Decimal("7.5"), 27_000),
        (WORKING_DAYS, Decimal("0.1"), Decimal("7.33"), 2_638),  # 2638.8 floored
        (WORKING_HOURS, Decimal("1.5"), Decimal(8), 5_400),
        (WORKING_HOURS, Decimal("0.0001"), Decimal(8), 0),  # 0.36 s
        (CALENDAR_DAYS, 2, Decimal(8), 172_800),
        (CALENDAR_DAYS, Decimal("0.5"), Decimal("7.5"), 43_200),
        (HOURS_24X7, 36, Decimal(8), 129_600),
        (HOURS_24X7, "4", 8, 14_400),
        (WORKING_DAYS, 0, 8, 0),
    ],
)
def test_threshold_seconds(clock, threshold, hours, seconds):
    assert threshold_seconds(clock, threshold, hours) == seconds


def test_threshold_seconds_flooring_keeps_the_comparison_exact():
    # 0.1 working days of 7.33 h is 2638.8 s: 2638 s is within it, 2639 s is not.
    limit = threshold_seconds(WORKING_DAYS, Decimal("0.1"), Decimal("7.33"))
    assert Decimal(2638) <= Decimal("0.1") * Decimal("7.33") * 3600 < Decimal(2639)
    assert limit == 2638
    assert 2638 <= limit < 2639


def test_threshold_seconds_bad_input():
    with pytest.raises(ClockError, match=r"^clock: unknown clock 'fortnights'"):
        threshold_seconds("fortnights", 1, 8)
    with pytest.raises(ClockError, match=r"^threshold: must not be negative"):
        threshold_seconds(WORKING_HOURS, -1, 8)
    with pytest.raises(ClockError, match=r"^threshold: expected a number"):
        threshold_seconds(WORKING_HOURS, "many", 8)
    with pytest.raises(ClockError, match=r"^working_day_hours: must be greater than 0"):
        threshold_seconds(WORKING_DAYS, 1, 0)


def test_uses_working_time():
    assert [uses_working_time(c) for c in CLOCKS] == [True, True, False, False]
    with pytest.raises(ClockError, match=r"unknown clock"):
        uses_working_time("working_weeks")


def test_clock_dispatch():
    a, b = at(KWI, 2026, 1, 1, 14), at(KWI, 2026, 1, 4, 9)
    assert elapsed_seconds(WORKING_HOURS, KUWAIT, a, b) == 3 * 3600
    assert elapsed_seconds(HOURS_24X7, KUWAIT, a, b) == 67 * 3600
    assert clock_due_at(WORKING_HOURS, KUWAIT, a, 2) == at(KWI, 2026, 1, 1, 16)
    assert clock_due_at(WORKING_DAYS, KUWAIT, a, Decimal("0.5")) == at(KWI, 2026, 1, 4, 10)
    assert clock_due_at(CALENDAR_DAYS, KUWAIT, a, 1) == at(KWI, 2026, 1, 2, 14)
    assert clock_due_at(HOURS_24X7, KUWAIT, a, 2) == at(KWI, 2026, 1, 1, 16)


# ---------------------------------------------------------------------------------------
# Reference implementation and property-based tests
# ---------------------------------------------------------------------------------------


def _secs(t: time | None) -> int:
    return 86_400 if t is None else t.hour * 3600 + t.minute * 60 + t.second


def ref_is_working(cal: WorkCalendar, t: int) -> bool:
    """Obviously correct: the local wall time of instant t lies in a working interval."""
    local = datetime.fromtimestamp(t, ZoneInfo(cal.timezone))
    if local.date() in cal.holidays:
        return False
    wall = local.hour * 3600 + local.minute * 60 + local.second
    return any(_secs(s) <= wall < _secs(e) for s, e in cal.working_hours[local.weekday()])


def ref_elapsed(cal, a: int, b: int, pauses=(), step: int = 60) -> int:
    """Working seconds in [a, b) outside the pauses, stepping ``step`` seconds (a, b and the
    pauses must be multiples of ``step`` apart from a; offsets change on whole minutes)."""
    return sum(
        step
        for t in range(a, b, step)
        if ref_is_working(cal, t) and not any(ps <= t < pe for ps, pe in pauses)
    )


def ref_due(cal, a: int, d: int, pauses=(), limit: int = 6 * 86_400) -> int | None:
    """The earliest t >= a with d working seconds since a, stepping minutes from a
    (a minute-aligned); None if not reached within ``limit`` seconds."""
    if d == 0:
        return a
    done = 0
    for t in range(a, a + limit, 60):
        if ref_is_working(cal, t) and not any(ps <= t < pe for ps, pe in pauses):
            if done + 60 >= d:
                return t + (d - done)
            done += 60
    return None


ZONES = [
    "Europe/Rome",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Asia/Kuwait",
    "Africa/Nairobi",
    "UTC",
]
T0 = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
T1 = int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())
# Minutes of the day, weighted towards midnight and the hours when clocks change.
MINUTE = st.one_of(
    st.sampled_from([0, 30, 60, 90, 120, 150, 180, 210, 240, 1380, 1410, 1440]),
    st.integers(0, 1440),
)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def day_hours(draw) -> list[tuple[str, str]]:
    points = sorted(draw(st.lists(MINUTE, max_size=6, unique=True)))
    points = points[: len(points) // 2 * 2]
    return [(_hhmm(points[i]), _hhmm(points[i + 1])) for i in range(0, len(points), 2)]


@st.composite
def calendars(draw) -> WorkCalendar:
    zone = draw(st.sampled_from(ZONES))
    week = {day: draw(day_hours()) for day in WEEKDAYS}
    holidays = draw(
        st.frozensets(st.dates(date(2025, 1, 1), date(2026, 12, 31)), max_size=40)
        | st.frozensets(st.dates(date(2025, 1, 1), date(2025, 3, 31)), min_size=30, max_size=80)
    )
    hours = draw(st.sampled_from([Decimal(8), Decimal("7.5"), Decimal(24), Decimal("0.25")]))
    return WorkCalendar(zone, week, holidays, hours)


def weekly_seconds(cal: WorkCalendar) -> int:
    return sum(_secs(e) - _secs(s) for day in cal.working_hours for s, e in day)


def as_datetime(t: int, cal: WorkCalendar, local: bool) -> datetime:
    return datetime.fromtimestamp(t, ZoneInfo(cal.timezone) if local else UTC)


def to_epoch(dt: datetime) -> int:
    return int(dt.timestamp())


def _pauses(draw, a: int, b: int, step: int = 1) -> list[tuple[int, int]]:
    result = []
    for _ in range(draw(st.integers(0, 3))):
        s = draw(st.integers(a // step, b // step)) * step
        e = draw(st.integers(s // step, b // step)) * step
        result.append((s, e))
    return result


def _dt_pauses(pauses, cal, local=False):
    return [(as_datetime(s, cal, local), as_datetime(e, cal, local)) for s, e in pauses]


def _clip(pauses, t: int):
    """The pauses as recorded by instant t (for checking due_at with elapsed)."""
    return [(s, min(e, t)) for s, e in pauses if s <= t]


FAST = settings(max_examples=120, deadline=None, database=None)
SLOW = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
INSTANT = st.integers(T0, T1)


@FAST
@given(cal=calendars(), points=st.lists(INSTANT, min_size=3, max_size=3), local=st.booleans())
def test_property_additive_over_any_split(cal, points, local):
    a, b, c = (as_datetime(t, cal, local) for t in sorted(points))
    ab, bc, ac = working(cal, a, b), working(cal, b, c), working(cal, a, c)
    assert ab + bc == ac
    assert 0 <= ac <= elapsed_calendar_seconds(a, c)
    assert elapsed_calendar_seconds(a, b) + elapsed_calendar_seconds(b, c) == to_epoch(
        c
    ) - to_epoch(a)


@FAST
@given(cal=calendars(), a=INSTANT, spans=st.lists(st.integers(0, 120 * 86_400), min_size=2))
def test_property_monotonic_in_the_end(cal, a, spans):
    start = as_datetime(a, cal, False)
    values = [working(cal, start, as_datetime(a + s, cal, True)) for s in sorted(spans)]
    assert values == sorted(values)
    assert all(v <= s for v, s in zip(values, sorted(spans), strict=True))


@FAST
@given(cal=calendars(), data=st.data())
def test_property_pauses_never_increase_elapsed(cal, data):
    a = data.draw(INSTANT)
    b = data.draw(st.integers(a, min(a + 100 * 86_400, T1)))
    pauses = _pauses(data.draw, a, b)
    dts = _dt_pauses(pauses, cal, data.draw(st.booleans()))
    start, end = as_datetime(a, cal, False), as_datetime(b, cal, True)
    paused = working(cal, start, end, dts)
    assert 0 <= paused <= working(cal, start, end)
    assert paused <= elapsed_calendar_seconds(start, end, dts) <= b - a
    # Exactly the working time minus the working time of the union of the pauses.
    union = merge_pauses(dts)
    assert paused == working(cal, start, end) - sum(working(cal, s, e) for s, e in union)
    assert elapsed_calendar_seconds(start, end, dts) == (b - a) - sum(
        to_epoch(e) - to_epoch(s) for s, e in union
    )


@FAST
@given(cal=calendars(), data=st.data())
def test_property_due_at_is_the_earliest_instant(cal, data):
    weekly = weekly_seconds(cal)
    assume(weekly > 0)
    a = data.draw(INSTANT)
    d = data.draw(st.integers(0, min(10 * weekly, 40 * 86_400)))
    pauses = _pauses(data.draw, a, a + 30 * 86_400) if data.draw(st.booleans()) else []
    start = as_datetime(a, cal, data.draw(st.booleans()))
    due = due_at(cal, start, d, _dt_pauses(pauses, cal))
    t = to_epoch(due)
    assert due >= start
    clipped = _dt_pauses(_clip(pauses, t), cal)
    assert working(cal, start, due, clipped) == d
    if d > 0:
        before = as_datetime(t - 1, cal, False)
        assert working(cal, start, before, _dt_pauses(_clip(pauses, t - 1), cal)) < d


@FAST
@given(data=st.data())
def test_property_calendar_due_at_is_the_earliest_instant(data):
    a = data.draw(INSTANT)
    d = data.draw(st.integers(0, 60 * 86_400))
    pauses = _pauses(data.draw, a, a + 90 * 86_400)
    start = datetime.fromtimestamp(a, ROM)
    dts = [(datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC)) for s, e in pauses]
    due = calendar_due_at(start, d, dts)
    t = to_epoch(due)
    assert t >= a

    def clipped(limit):
        return [
            (datetime.fromtimestamp(s, UTC), datetime.fromtimestamp(e, UTC))
            for s, e in _clip(pauses, limit)
        ]

    assert elapsed_calendar_seconds(start, due, clipped(t)) == d
    if d > 0:
        earlier = datetime.fromtimestamp(t - 1, UTC)
        assert elapsed_calendar_seconds(start, earlier, clipped(t - 1)) < d
    # Unpaused, it is plain addition.
    assert calendar_due_at(start, d) == start.astimezone(UTC) + timedelta(seconds=d)


@FAST
@given(cal=calendars(), data=st.data())
def test_property_json_round_trip(cal, data):
    assert WorkCalendar.from_json(cal.to_json()) == cal
    assert hash(WorkCalendar.from_json(cal.to_json())) == hash(cal)


@SLOW
@given(cal=calendars(), data=st.data())
def test_property_matches_minute_reference(cal, data):
    a = data.draw(st.integers(T0 // 60, T1 // 60)) * 60
    b = a + data.draw(st.integers(0, 3 * 1440)) * 60
    pauses = _pauses(data.draw, a, b, step=60) if data.draw(st.booleans()) else []
    local = data.draw(st.booleans())
    start, end = as_datetime(a, cal, local), as_datetime(b, cal, not local)
    expected = ref_elapsed(cal, a, b, pauses)
    assert working(cal, start, end, _dt_pauses(pauses, cal)) == expected


@SLOW
@given(cal=calendars(), data=st.data())
def test_property_due_at_matches_minute_reference(cal, data):
    weekly = weekly_seconds(cal)
    assume(weekly > 0)
    a = data.draw(st.integers(T0 // 60, T1 // 60)) * 60
    d = data.draw(st.integers(0, min(weekly, 2 * 86_400)))
    pauses = _pauses(data.draw, a, a + 2 * 86_400, step=60) if data.draw(st.booleans()) else []
    due = to_epoch(due_at(cal, as_datetime(a, cal, True), d, _dt_pauses(pauses, cal)))
    expected = ref_due(cal, a, d, pauses)
    if expected is None:
        assert due > a + 6 * 86_400
    else:
        assert due == expected


@SLOW
@given(cal=calendars(), data=st.data())
def test_property_matches_second_reference_near_dst_changes(cal, data):
    # Spans of up to two hours at any second, half of them around a DST change.
    changes = [
        datetime(2026, 3, 29, 1, tzinfo=UTC),
        datetime(2026, 10, 25, 1, tzinfo=UTC),
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
        datetime(2026, 4, 4, 16, tzinfo=UTC),
        datetime(2026, 4, 5, 3, tzinfo=UTC),
        datetime(2026, 9, 6, 4, tzinfo=UTC),
        datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    ]
    if data.draw(st.booleans()):
        centre = int(data.draw(st.sampled_from(changes)).timestamp())
        a = data.draw(st.integers(centre - 3600, centre + 3600))
    else:
        a = data.draw(INSTANT)
    b = a + data.draw(st.integers(0, 7_200))
    pauses = _pauses(data.draw, a, b) if data.draw(st.booleans()) else []
    expected = ref_elapsed(cal, a, b, pauses, step=1)
    start, end = as_datetime(a, cal, True), as_datetime(b, cal, True)
    assert working(cal, start, end, _dt_pauses(pauses, cal, True)) == expected


# ---------------------------------------------------------------------------------------
# measure_interval: one validation, both clocks (what an import needs for every row)
# ---------------------------------------------------------------------------------------


def test_measure_interval_worked_examples():
    a, b = at(KWI, 2026, 1, 1, 10), at(KWI, 2026, 1, 4, 9)
    assert measure_interval(KUWAIT, a, b) == (25_200, 3 * 86_400 - 3_600)
    a, b = at(NBO, 2026, 1, 6, 8), at(NBO, 2026, 1, 6, 17)
    pauses = [(at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 11)),
              (at(NBO, 2026, 1, 6, 10), at(NBO, 2026, 1, 6, 15))]  # fmt: skip
    assert measure_interval(NAIROBI, a, b, pauses) == (10_800, 10_800)
    assert measure_interval(ROME_24X7, at(ROM, 2026, 3, 28, 12), at(ROM, 2026, 3, 29, 12)) == (
        82_800,
        82_800,
    )


def test_measure_interval_of_an_open_record_is_empty():
    a = at(KWI, 2026, 1, 1, 10)
    assert measure_interval(KUWAIT, a, None) == (None, None)
    # A pause still running (no end yet to bound it) is accepted, as by validate_interval.
    running = [(at(KWI, 2026, 1, 1, 11), at(KWI, 2026, 1, 5, 9))]
    assert measure_interval(KUWAIT, a, None, running) == (None, None)


def test_measure_interval_accepts_any_iterable_of_pauses():
    a, b = at(NBO, 2026, 1, 6, 8), at(NBO, 2026, 1, 6, 17)
    pauses = [(at(NBO, 2026, 1, 6, 9), at(NBO, 2026, 1, 6, 11))]
    # Tuesday 08:00-17:00: 8 working hours (lunch 12:30-13:30), less the 2-hour pause.
    assert measure_interval(NAIROBI, a, b, iter(pauses)) == (6 * 3_600, 7 * 3_600)
    assert measure_interval(NAIROBI, a, b, tuple(pauses)) == (6 * 3_600, 7 * 3_600)
    assert measure_interval(NAIROBI, a, b, iter(())) == (8 * 3_600, 9 * 3_600)


def test_measure_interval_sub_second_parts_are_floored():
    a = at(NBO, 2026, 1, 5, 10) + timedelta(microseconds=999_999)
    b = at(NBO, 2026, 1, 5, 11) + timedelta(microseconds=1)
    assert measure_interval(NAIROBI, a, b) == (
        working(NAIROBI, a, b),
        elapsed_calendar_seconds(a, b),
    )


@pytest.mark.parametrize(
    ("start", "end", "pauses"),
    [
        (at(KWI, 2026, 1, 4, 9), at(KWI, 2026, 1, 1, 10), []),
        (
            at(KWI, 2026, 1, 1, 10),
            at(KWI, 2026, 1, 4, 9),
            [(at(KWI, 2026, 1, 2, 12), at(KWI, 2026, 1, 2, 10))],
        ),
        (
            at(KWI, 2026, 1, 1, 10),
            at(KWI, 2026, 1, 4, 9),
            [(at(KWI, 2025, 12, 31, 10), at(KWI, 2026, 1, 1, 11))],
        ),
        (
            at(KWI, 2026, 1, 1, 10),
            at(KWI, 2026, 1, 4, 9),
            [(at(KWI, 2026, 1, 4, 8), at(KWI, 2026, 1, 4, 10))],
        ),
        (at(KWI, 2026, 1, 1, 10), None, [(at(KWI, 2026, 1, 1, 9), at(KWI, 2026, 1, 1, 11))]),
        (datetime(2026, 1, 1, 10), at(KWI, 2026, 1, 4, 9), []),
        (at(KWI, 2026, 1, 1, 10), datetime(2026, 1, 4, 9), []),
        (at(KWI, 2026, 1, 1, 10), at(KWI, 2026, 1, 4, 9), [(at(KWI, 2026, 1, 2, 10),)]),
        ("2026-01-01T10:00", at(KWI, 2026, 1, 4, 9), []),
    ],
    ids=[
        "end-before-start",
        "inverted-pause",
        "pause-before-start",
        "pause-after-end",
        "open-pause-before-start",
        "naive-start",
        "naive-end",
        "pause-not-a-pair",
        "not-a-datetime",
    ],
)
def test_measure_interval_rejects_what_validate_interval_rejects(start, end, pauses):
    with pytest.raises(ClockError) as expected:
        validate_interval(start, end, pauses)
    with pytest.raises(ClockError) as caught:
        measure_interval(KUWAIT, start, end, pauses)
    assert str(caught.value) == str(expected.value)


@FAST
@given(cal=calendars(), data=st.data())
def test_property_measure_interval_equals_the_two_clocks(cal, data):
    a = data.draw(INSTANT)
    b = data.draw(st.integers(a, min(a + 100 * 86_400, T1)))
    pauses = _pauses(data.draw, a, b)
    dts = _dt_pauses(pauses, cal, data.draw(st.booleans()))
    start, end = as_datetime(a, cal, data.draw(st.booleans())), as_datetime(b, cal, True)
    assert measure_interval(cal, start, end, dts) == (
        working(cal, start, end, dts),
        elapsed_calendar_seconds(start, end, dts),
    )
    assert measure_interval(cal, start, None, dts) == (None, None)


# ---------------------------------------------------------------------------------------
# localize: the instant of a local wall-clock time
# ---------------------------------------------------------------------------------------


def test_localize_plain_and_dst_days():
    assert localize("Asia/Kuwait", datetime(2026, 1, 1, 10)) == datetime(2026, 1, 1, 7, tzinfo=UTC)
    assert localize("Europe/Rome", datetime(2026, 7, 13, 9)) == datetime(2026, 7, 13, 7, tzinfo=UTC)
    # Spring forward: 02:00-03:00 does not exist in Rome on 2026-03-29 ...
    assert localize("Europe/Rome", datetime(2026, 3, 29, 2, 30)) is None
    assert localize("Europe/Rome", datetime(2026, 3, 29, 1, 59, 59)) == datetime(
        2026, 3, 29, 0, 59, 59, tzinfo=UTC
    )
    assert localize("Europe/Rome", datetime(2026, 3, 29, 3)) == datetime(2026, 3, 29, 1, tzinfo=UTC)
    # ... fall back: 02:30 on 2026-10-25 happens twice; the first occurrence counts.
    assert localize("Europe/Rome", datetime(2026, 10, 25, 2, 30)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    # Santiago goes forward at midnight (00:00 -04 becomes 01:00 -03).
    assert localize("America/Santiago", datetime(2026, 9, 6)) is None
    assert localize("America/Santiago", datetime(2026, 9, 6, 1)) == datetime(
        2026, 9, 6, 4, tzinfo=UTC
    )


def test_localize_floors_sub_seconds_and_returns_utc():
    value = localize("Asia/Kathmandu", datetime(2026, 1, 1, 10, 0, 0, 999_999))
    assert value == datetime(2026, 1, 1, 4, 15, tzinfo=UTC)
    assert value.tzinfo is UTC


@pytest.mark.parametrize(
    "wall", [datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1), "2026-01-01T10:00", None]
)
def test_localize_needs_a_naive_datetime(wall):
    with pytest.raises(ClockError, match="naive datetime"):
        localize("Europe/Rome", wall)


def _zoneinfo_localize(zone: str, wall: datetime) -> datetime | None:
    """The reference: zoneinfo's reading (fold=0), kept only if it reads back the same."""
    instant = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    if instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) != wall:
        return None
    return instant.replace(microsecond=0)


@FAST
@given(
    zone=st.sampled_from(ZONES),
    data=st.data(),
)
def test_property_localize_matches_zoneinfo(zone, data):
    if data.draw(st.booleans()):  # around one of the offset changes of 2025-2026
        changes = _offset_changes(zone)
        centre = data.draw(st.sampled_from(changes)) if changes else T0
        t = data.draw(st.integers(centre - 3 * 3600, centre + 3 * 3600))
    else:
        t = data.draw(INSTANT)
    wall = datetime.fromtimestamp(t, UTC).replace(tzinfo=None) + timedelta(
        seconds=data.draw(st.integers(-14 * 3600, 14 * 3600)),
        microseconds=data.draw(st.integers(0, 999_999)),
    )
    assert localize(zone, wall) == _zoneinfo_localize(zone, wall)


@functools.cache
def _offset_changes(zone: str) -> list[int]:
    """Instants (to the hour) after which the UTC offset of ``zone`` changes, 2025-2026."""
    offsets = [datetime.fromtimestamp(t, ZoneInfo(zone)).utcoffset() for t in range(T0, T1, 3600)]
    return [T0 + 3600 * i for i in range(len(offsets) - 1) if offsets[i] != offsets[i + 1]]
