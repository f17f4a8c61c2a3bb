from django import template

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
