from django import template

from core.currencies import rate_text
from core.figures import duration_hm
from core.tables import render_table
from core.zones import Instant

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict value by a variable key (empty when absent)."""
    if not isinstance(mapping, dict):
        return []
    return mapping.get(key) or []


# Seconds as hours and minutes, e.g. ``7 h 30 min`` (``core.figures``).
register.filter("duration_hm", duration_hm)


@register.filter
def working_duration(seconds, day_hours=None) -> str:
    """Working time in working days and hours, e.g. ``2 working days 3 h 15 min``, a
    working day being ``day_hours`` long (the calendar's nominal day); hours and minutes
    alone without it or under a day."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    day = int(float(day_hours) * 3600) if day_hours else 0
    if not day or seconds < day:
        return duration_hm(seconds)
    days, rest = divmod(seconds, day)
    text = f"{days} working day{'s' if days != 1 else ''}"
    return f"{text} {duration_hm(rest)}" if rest >= 60 else text


@register.filter
def instant(value, precision: str = ""):
    """``{{ record.received_at|instant }}``: an instant in the viewer's zone with the zone
    named, e.g. ``2026-01-05 09:00 EAT`` (``|instant:"seconds"`` to the second); empty when
    there is none."""
    if not value:
        return ""
    return Instant(value, seconds=precision == "seconds").__html__()


@register.filter
def instant_in(value, zone: str):
    """``{{ record.received_at|instant_in:record.calendar.timezone }}``: an instant in the
    given zone (a provider's local time), the zone named; empty when there is none."""
    if not value:
        return ""
    return Instant(value, zone or "").__html__()


@register.simple_tag(takes_context=True)
def data_table(context, table) -> str:
    """``{% data_table table %}``: a table of ``core.tables`` as HTML (its empty state when
    it has no row); buttons in its cells post with the page's CSRF token."""
    return render_table(table, csrf_token=context.get("csrf_token") or "")


@register.filter
def rate(value, currency: str = "") -> str:
    """``{{ offering.cost_recovery_rate|rate:offering.currency }}``: a rate with its
    currency's decimals ("16.80 USD", "0.125 USD"); "—" when there is none."""
    if value is None or value == "":
        return "—"
    return f"{rate_text(value, currency or '')} {currency or ''}".strip()
