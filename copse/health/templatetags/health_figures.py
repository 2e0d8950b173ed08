"""Figures of the health pages as people say them, in the reader's language
and with their locale's way of writing numbers."""

from django import template
from django.utils import formats
from django.utils.translation import gettext

from copse.health.figures import span_text

register = template.Library()


@register.filter
def span(value):
    """A waiting time (a timedelta) in minutes, hours or days."""
    return span_text(value)


@register.filter
def as_percent(value):
    """A whole percentage (45) as the reader's language writes it: "45%",
    "45 %" in French."""
    if value is None:
        return "–"
    return gettext("%(number)s%%") % {"number": formats.number_format(value)}


@register.filter
def percent(value):
    """A share from 0 to 1 as a whole percentage."""
    if value is None:
        return "–"
    return as_percent(round(100 * value))
