"""Instants shown in a zone with the zone named, the zones one may choose, and the portal's
own date, which no viewer's zone moves."""

import datetime as dt
import pickle

import pytest
from django.utils import timezone

from core.zones import Instant, format_instant, instant, is_zone_name, portal_today, zone_names

# 06:00 UTC on Monday 5 January 2026: 09:00 in Nairobi and in Kuwait (both UTC+3).
AT = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("UTC", "2026-01-05 06:00 UTC"),
        ("Africa/Nairobi", "2026-01-05 09:00 EAT"),
        ("Asia/Kuwait", "2026-01-05 09:00 UTC+03"),  # no letters abbreviation: the offset
        ("Europe/Rome", "2026-01-05 07:00 CET"),
        ("America/New_York", "2026-01-05 01:00 EST"),
        ("Asia/Kathmandu", "2026-01-05 11:45 UTC+05:45"),
        ("America/Santiago", "2026-01-05 03:00 UTC-03"),
    ],
)
def test_an_instant_is_shown_in_a_zone_with_the_zone_named(zone, shown):
    assert format_instant(AT, zone) == shown
    assert str(Instant(AT, zone)) == shown


def test_without_a_zone_it_is_the_active_one_when_shown():
    later = Instant(AT)
    with timezone.override("Africa/Nairobi"):
        assert str(later) == "2026-01-05 09:00 EAT"
    with timezone.override("Europe/Rome"):
        assert str(later) == "2026-01-05 07:00 CET"
    # As HTML: a <time> element with the instant in UTC and the zone's IANA name.
    with timezone.override("Asia/Kuwait"):
        assert later.__html__() == (
            '<time datetime="2026-01-05T06:00:00Z" title="Asia/Kuwait">'
            "2026-01-05 09:00 UTC+03</time>"
        )
    # It survives a cache (pickled) and still waits for the zone of whoever reads it.
    copy = pickle.loads(pickle.dumps(later))  # noqa: S301 (our own object)
    with timezone.override("America/New_York"):
        assert str(copy) == "2026-01-05 01:00 EST"


def test_seconds_summer_time_and_nothing():
    summer = dt.datetime(2026, 7, 1, 10, 0, 5, tzinfo=dt.UTC)
    assert format_instant(summer, "Europe/Rome", seconds=True) == "2026-07-01 12:00:05 CEST"
    assert instant(None) == "—"


def test_the_zones_one_may_choose_are_iana_names():
    names = zone_names()
    assert names[0] == "UTC"
    for name in ("Africa/Nairobi", "Asia/Kuwait", "Europe/Rome", "America/New_York"):
        assert is_zone_name(name)
    # Legacy aliases and made-up names are not in the list.
    for name in ("US/Eastern", "Etc/GMT+3", "EST5EDT", "Mars/Olympus", "", "africa/nairobi"):
        assert not is_zone_name(name)
    assert list(names[1:]) == sorted(names[1:])


def test_the_portals_date_is_not_the_viewers():
    # 23:00 UTC on 5 January is already 6 January in Kiritimati (UTC+14).
    late = dt.datetime(2026, 1, 5, 23, 0, tzinfo=dt.UTC)
    with timezone.override("Pacific/Kiritimati"):
        assert timezone.localdate(late) == dt.date(2026, 1, 6)
        assert portal_today(late) == dt.date(2026, 1, 5)
