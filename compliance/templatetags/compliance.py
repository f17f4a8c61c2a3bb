from django import template

from ..selectors import records_url

register = template.Library()


@register.filter
def records_link(result) -> str:
    """The records page filtered to the records behind a compliance result."""
    return records_url(result)


@register.filter
def percent(value) -> str:
    """A fraction as a percentage with one decimal (``0.9675`` → ``96.8%``)."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"
