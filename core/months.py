"""Calendar months, as the first day of the month (the periods of compliance, campaigns
and dashboards), and what a figure of a month that is not over says. Pure functions: no
database, no clock."""

import datetime as dt
from zoneinfo import ZoneInfo


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return dt.date(day.year, day.month, 1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``month``'s (before it when negative)."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    return add_months(month, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first``'s to ``last``'s, both included, oldest first."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def months_up_to(month: dt.date, count: int = 12) -> list[dt.date]:
    """``count`` months ending with ``month``, oldest first."""
    return [add_months(month, -i) for i in range(count - 1, -1, -1)]


def local_month(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The month, in ``zone``, of an instant (DOMAIN §5: a record counts in the month of
    its completion in the provider's time zone)."""
    local = instant.astimezone(zone)
    return dt.date(local.year, local.month, 1)


def local_bounds(first_day: dt.date, last_day_exclusive: dt.date, zone: ZoneInfo):
    """[first_day 00:00, last_day_exclusive 00:00) local, as UTC instants."""
    return (
        dt.datetime.combine(first_day, dt.time(), zone).astimezone(dt.UTC),
        dt.datetime.combine(last_day_exclusive, dt.time(), zone).astimezone(dt.UTC),
    )


# DOMAIN §5: the current month (in the provider's time zone) is provisional. Every figure
# of such a month says so in these words, on the pages, in the exports and in notices.
PROVISIONAL = "provisional: month not over"
# A figure over several months, one of which (or more) is not over.
PROVISIONAL_MIXED = "provisional: includes a month not over"
# The exports' column that carries the mark of each row (present when a row has one).
PROVISIONAL_COLUMN = "provisional"


def provisional_note(months, provisional) -> str:
    """The mark of a figure over ``months``, of which ``provisional`` are not over: none,
    ``PROVISIONAL`` (all of them) or ``PROVISIONAL_MIXED`` (some)."""
    provisional = set(provisional)
    if not provisional:
        return ""
    return PROVISIONAL if set(months) <= provisional else PROVISIONAL_MIXED


def month_label(month: dt.date, provisional=()) -> str:
    """A month's column heading ("Dec 2026"), marked when its figures are provisional."""
    label = f"{month:%b %Y}"
    return f"{label} (provisional)" if month in provisional else label


def half_start(month: dt.date) -> dt.date:
    """The first month of ``month``'s half-year (January or July)."""
    return dt.date(month.year, 1 if month.month <= 6 else 7, 1)


def half_label(first: dt.date) -> str:
    """A half-year as ``YYYY-H1`` or ``YYYY-H2`` (the review pack's choice)."""
    return f"{first.year}-H{1 if first.month <= 6 else 2}"
