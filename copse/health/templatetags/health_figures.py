"""Figures of the health pages as people say them."""

from django import template

from copse.health.figures import span_text

register = template.Library()


@register.filter
def span(value):
    """A waiting time (a timedelta) in minutes, hours or days."""
    return span_text(value)


@register.filter
def percent(value):
    """A share from 0 to 1 as a whole percentage."""
    if value is None:
        return "–"
    return f"{round(100 * value)}%"
