"""Time zones: the portal's own, which the date rules go by, and the viewer's, which the
pages show instants in.

Instants are stored and computed in UTC. A rule that needs today's date (an SLA in force,
a survey open, the current month) takes it in the portal's zone (``TIME_ZONE``, UTC)
whoever asks: ``portal_today``. Pages show every instant in the zone of the person reading them
(activated for each request by ``accounts.middleware``), with that zone named:
``instant`` here, the ``|instant`` filter in templates, and ``|instant_in`` for an instant
in a given zone (a provider's local time). Dates that are local by definition (a
compliance month in the provider's zone, a holiday, an SLA's period) are plain dates and
are shown as they are. The API and the exports keep ISO 8601 instants with their offset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

# The areas of the IANA database whose Area/Location names a person chooses from; the
# legacy aliases (US/Eastern, Etc/GMT+3, ...) are left out of the list.
AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
DEFAULT_ZONE = "UTC"


def portal_today(now: dt.datetime | None = None) -> dt.date:
    """The portal's date at ``now`` (by default now), in its own zone: the date the rules go
    by, whoever asks and whatever zone their pages show times in."""
    return timezone.localdate(now, timezone=timezone.get_default_timezone())


@cache
def zone_names() -> tuple[str, ...]:
    """The time zones one may choose, by IANA name: UTC, then every Area/Location zone
    (e.g. ``Africa/Nairobi``, ``America/Argentina/Buenos_Aires``), sorted."""
    names = {name for name in available_timezones() if "/" in name and name.split("/")[0] in AREAS}
    return (DEFAULT_ZONE, *sorted(names))


def is_zone_name(name: str) -> bool:
    """Whether ``name`` is one of the zones one may choose (``zone_names``)."""
    return name in _zone_set()


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(zone_names())


def zone_of(name: str | None) -> dt.tzinfo | None:
    """The zone of an IANA name, or None when there is no such zone."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def offset_text(offset: dt.timedelta | None) -> str:
    """An offset from UTC as ``+03``, ``-04``, ``+05:45``."""
    minutes = int((offset or dt.timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")


def zone_abbreviation(local: dt.datetime) -> str:
    """What the zone of an aware datetime is called at that moment: its abbreviation when it
    has one in letters (``EAT``, ``CEST``, ``UTC``), else its offset (``UTC+03``)."""
    name = local.tzname() or ""
    if name.isalpha():
        return name
    return "UTC" + offset_text(local.utcoffset())


def zone_name(zone: dt.tzinfo) -> str:
    """The IANA name of a zone (``UTC`` for Python's own UTC)."""
    return getattr(zone, "key", None) or str(zone)


def _zone(zone: dt.tzinfo | str | None) -> dt.tzinfo:
    if zone is None or zone == "":
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        return zone_of(zone) or dt.UTC
    return zone


def _aware(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def format_instant(
    value: dt.datetime, zone: dt.tzinfo | str | None = None, *, seconds: bool = False
) -> str:
    """An instant as a wall time in ``zone`` (by default the viewer's, the active zone) with
    the zone named: ``2026-01-05 09:00 EAT``; to the second with ``seconds``."""
    local = _aware(value).astimezone(_zone(zone))
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if seconds else f"{local:%Y-%m-%d %H:%M}"
    return f"{shown} {zone_abbreviation(local)}"


@dataclass(frozen=True)
class Instant:
    """An instant to show, formatted only when it is shown: in the zone active then (the
    viewer's), or in ``zone`` (an IANA name, e.g. a provider's). A table cached for many
    viewers may hold it: each of them sees it in their own zone.

    As text it is ``2026-01-05 09:00 EAT``; as HTML a ``<time>`` element that carries the
    instant in ISO 8601 (UTC) and the zone's IANA name as its title."""

    value: dt.datetime
    zone: str = ""
    seconds: bool = False

    def __str__(self) -> str:
        return format_instant(self.value, self.zone or None, seconds=self.seconds)

    def __html__(self) -> SafeString:
        zone = _zone(self.zone or None)
        iso = _aware(self.value).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return format_html(
            '<time datetime="{}" title="{}">{}</time>', iso, zone_name(zone), str(self)
        )


def instant(value: dt.datetime | None, zone: str = "", *, seconds: bool = False) -> Instant | str:
    """``Instant`` of ``value`` ("—" when there is none): see ``Instant``."""
    if value is None:
        return "—"
    return Instant(value, zone, seconds)
