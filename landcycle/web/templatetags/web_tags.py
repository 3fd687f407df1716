"""Template filters of the frame."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: ``mapping.get(key)``; None when ``mapping`` is not a mapping."""
    return mapping.get(key) if hasattr(mapping, "get") else None
