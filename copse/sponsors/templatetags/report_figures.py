"""How the report writes a figure: grouped digits, a dash for nothing to
count, and the words that stand in for a figure held back."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from copse.sponsors.suppression import is_suppressed

register = template.Library()


@register.filter
def figure(value, unit=""):
    if value is None:
        return "–"
    if is_suppressed(value):
        return str(value)
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("1")) if value == value.to_integral() else value
    if isinstance(value, float):
        value = round(value, 2)
    return f"{intcomma(value)}{unit}"


@register.filter
def held_back(value) -> bool:
    return is_suppressed(value)
