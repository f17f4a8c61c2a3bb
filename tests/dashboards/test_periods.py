"""Which month (or half-year) a dashboard opens on, and what it says about it, worked out
from the months with results and those of them that are provisional."""

import datetime as dt

from dashboards.periods import (
    default_half,
    default_month,
    half_window,
    month_begun_anywhere,
    shown_half,
    shown_month,
)


def d(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


class TestDefaultMonth:
    def test_the_last_complete_month(self):
        assert default_month(d(2026, 4), {d(2026, 3), d(2026, 4)}, {d(2026, 4)}) == d(2026, 3)
        assert default_month(d(2026, 4), {d(2026, 3), d(2026, 4)}, set()) == d(2026, 4)

    def test_a_month_still_finishing_somewhere_before_the_current_one(self):
        both = {d(2026, 3), d(2026, 4)}
        assert default_month(d(2026, 4), both, both) == d(2026, 3)

    def test_the_latest_when_nothing_before_it(self):
        assert default_month(d(2026, 4), {d(2026, 4)}, {d(2026, 4)}) == d(2026, 4)
        assert default_month(None, set(), set()) is None


class TestDefaultHalf:
    def test_the_half_before_while_the_latest_is_open(self):
        months = {d(2025, 12), d(2026, 4)}
        assert default_half(d(2026, 4), months, {d(2026, 4)}) == (d(2025, 7), d(2025, 12))
        assert half_window(d(2026, 4))[0] == d(2025, 7) and len(half_window(d(2026, 4))) == 12

    def test_a_half_ended_by_a_final_month_is_complete(self):
        assert default_half(d(2026, 6), {d(2026, 6)}, set()) == (d(2026, 1), d(2026, 6))
        # June still provisional somewhere: the half before, if it has results.
        assert default_half(d(2026, 6), {d(2025, 9), d(2026, 6)}, {d(2026, 6)}) == (
            d(2025, 7),
            d(2025, 12),
        )

    def test_the_latest_half_when_none_before_has_results(self):
        assert default_half(d(2026, 4), {d(2026, 4)}, {d(2026, 4)}) == (d(2026, 1), d(2026, 6))
        assert default_half(None, set(), set()) is None


def link(value):
    return f"?x={value}" if value else "?"


class TestWhatThePageSays:
    def test_a_complete_month(self):
        shown = shown_month(
            month=d(2026, 3),
            current=d(2026, 4),
            provisional=set(),
            chosen=False,
            zone_note="",
            link=link,
        )
        assert (shown.provisional, shown.status) == (False, "March 2026 is a complete month.")
        assert shown.links == [
            ("See the current month, April 2026 (provisional)", f"?x={d(2026, 4)}")
        ]

    def test_the_current_month_chosen(self):
        shown = shown_month(
            month=d(2026, 4),
            current=d(2026, 4),
            provisional={d(2026, 4)},
            chosen=True,
            zone_note=" in X",
            link=link,
        )
        assert shown.provisional and "the month is not over in X" in shown.status
        assert shown.links == [("See the last complete month", "?")]

    def test_a_closed_month_with_a_provisional_result(self):
        shown = shown_month(
            month=d(2026, 3),
            current=d(2026, 4),
            provisional={d(2026, 3)},
            chosen=True,
            zone_note="",
            link=link,
        )
        assert shown.provisional and shown.status.startswith("March 2026 is provisional")

    def test_half_years(self):
        complete = shown_half(
            half=(d(2025, 7), d(2025, 12)),
            current=d(2026, 4),
            provisional=set(),
            chosen=False,
            link=link,
        )
        assert (complete.provisional, complete.status) == (False, "A complete half-year.")
        assert complete.links == [
            ("See the current half-year, 2026-H1 (provisional)", "?x=2026-H1")
        ]
        current = shown_half(
            half=(d(2026, 1), d(2026, 6)),
            current=d(2026, 4),
            provisional=set(),
            chosen=True,
            link=link,
        )
        assert current.provisional and "not over yet (April 2026: month not over)" in current.status
        assert current.links == [("See the last complete half-year", "?")]
        stale = shown_half(
            half=(d(2025, 7), d(2025, 12)),
            current=d(2026, 4),
            provisional={d(2025, 12)},
            chosen=False,
            link=link,
        )
        assert stale.provisional and "the figures of December 2025 are provisional" in stale.status


def test_the_latest_month_that_has_begun_anywhere():
    # 30 April 10:00 UTC is already 1 May at UTC+14.
    assert month_begun_anywhere(dt.datetime(2026, 4, 30, 9, 59, tzinfo=dt.UTC)) == d(2026, 4)
    assert month_begun_anywhere(dt.datetime(2026, 4, 30, 10, 0, tzinfo=dt.UTC)) == d(2026, 5)
