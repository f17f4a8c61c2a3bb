from django import template

from core.currencies import rate_text
from core.tables import render_table

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict value by a variable key (empty when absent)."""
    if not isinstance(mapping, dict):
        return []
    return mapping.get(key) or []


@register.filter
def duration_hm(seconds) -> str:
    """Seconds as hours and minutes, e.g. ``7 h 30 min``."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


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
