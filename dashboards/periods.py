"""Which month (or half-year) a dashboard shows, and what the page says about it.

A dashboard opens on the last complete month (the review pack on the last complete
half-year), with the current one a click away. A month is complete once it is over in
the providers' time zones, which its results say (``provisional``, set by the engine in
each provider's zone); a month with a provisional result is "provisional: month not
over" wherever its figures appear. No query here: the facts a page loads anyway say
which months are provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.months import add_months, half_label, half_start, local_month

# The first time zone to enter a month (UTC+14): before the month has begun there, it has
# begun nowhere, and no figure of it can exist.
EARLIEST_ZONE = ZoneInfo("Etc/GMT-14")


def month_begun_anywhere(now: dt.datetime) -> dt.date:
    """The latest month that has begun in some time zone (the latest a user may choose)."""
    return local_month(now, EARLIEST_ZONE)


def default_month(latest: dt.date | None, months: set, provisional: set) -> dt.date | None:
    """The month a dashboard opens on: the latest month with results if they are all
    final, else the month before it (the last month that is over, or finishing where a
    provider's zone is behind), else the latest. ``months``: the months with results
    among the latest two; ``provisional``: those with a provisional result."""
    if latest is None:
        return None
    before = add_months(latest, -1)
    for month in (latest, before):
        if month in months and month not in provisional:
            return month
    return before if before in months else latest


def default_half(latest: dt.date | None, months: set, provisional: set):
    """The half-year the review pack opens on, as (first month, last month): the half of
    the latest month with results if that month ends it and is final, else the half
    before it if it has results, else the half of the latest month (not over)."""
    if latest is None:
        return None
    first = half_start(latest)
    last = add_months(first, 5)
    if latest == last and latest not in provisional:
        return first, last
    previous = add_months(first, -6)
    if any(previous <= month < first for month in months):
        return previous, add_months(previous, 5)
    return first, last


def half_window(latest: dt.date) -> list[dt.date]:
    """The months whose facts ``default_half`` needs: the half of ``latest`` and the one
    before."""
    first = add_months(half_start(latest), -6)
    return [add_months(first, n) for n in range(12)]


@dataclass
class Shown:
    """What a dashboard says about the period it shows: its name, whether its figures
    are provisional and why, and links to the other choice (the current month, or the
    last complete one)."""

    label: str
    provisional: bool
    status: str
    links: list[tuple[str, str]] = field(default_factory=list)


def shown_month(
    *, month: dt.date, current: dt.date, provisional: set, chosen: bool, zone_note: str, link
) -> Shown:
    """``month`` shown on a dashboard; ``current``: the month now (in the provider's
    zone, or the portal's for pages over many providers); ``provisional``: the months
    shown with a provisional result; ``chosen``: the user chose it; ``link(month)``: the
    page's address for another month (None: the default one)."""
    label = f"{month:%B %Y}"
    is_provisional = month >= current or month in provisional
    if is_provisional:
        status = (
            f"{label} is provisional: the month is not over{zone_note}, so these figures "
            "will still change."
        )
    else:
        status = f"{label} is a complete month."
    links = []
    if month != current:
        links.append((f"See the current month, {current:%B %Y} (provisional)", link(current)))
    if chosen:
        links.append(("See the last complete month", link(None)))
    return Shown(label, is_provisional, status, links)


def shown_half(*, half, current: dt.date, provisional: set, chosen: bool, link) -> Shown:
    """The review pack's half-year (first month, last month); ``current``: the month now
    (the portal's clock); ``provisional``: the months shown with a provisional result;
    ``link(label)``: the page's address for another half-year (None: the default one)."""
    first, last = half
    label = f"{first:%B %Y} – {last:%B %Y}"
    not_over = {m for m in provisional if first <= m <= last}
    if first <= current <= last:
        not_over.add(current)
    named = " and ".join(f"{m:%B %Y}" for m in sorted(not_over))
    if last >= current:
        status = (
            f"This half-year is provisional: it is not over yet ({named}: month not over), "
            "so these figures will still change."
        )
    elif not_over:
        status = (
            f"This half-year is provisional: the figures of {named} are provisional (month "
            "not over when last computed), so they will still change."
        )
    else:
        status = "A complete half-year."
    links = []
    if half_start(current) != first:
        now = half_label(half_start(current))
        links.append((f"See the current half-year, {now} (provisional)", link(now)))
    if chosen:
        links.append(("See the last complete half-year", link(None)))
    return Shown(label, bool(not_over), status, links)
