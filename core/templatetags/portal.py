from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict value by a variable key (empty when absent)."""
    if not isinstance(mapping, dict):
        return []
    return mapping.get(key) or []
