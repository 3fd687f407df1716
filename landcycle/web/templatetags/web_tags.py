"""Template filters of the frame."""

from django import template

from landcycle.web import formatting

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: ``mapping.get(key)``; None when ``mapping`` is not a mapping."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def number(value, digits=2):
    """A number without float noise: ``{{ v|number }}``, ``{{ v|number:0 }}`` (``formatting``)."""
    return formatting.number(value, int(digits))


@register.filter
def ha_mu(area_m2):
    """Square metres as ``1.23 公顷（18.45 亩）``."""
    return formatting.ha_mu(area_m2)
