"""Template filters of the evaluation pages: ``{% load evaluation_tags %}``."""

from django import template

from landcycle.evaluation import display

register = template.Library()


@register.filter
def class_label(klass):
    """``REVIEW`` → 待复核."""
    return display.class_label(klass)


@register.filter
def figure_label(name):
    """``output_10k_cny_per_ha`` → 地均产值（万元/公顷）."""
    return display.figure_label(name)
