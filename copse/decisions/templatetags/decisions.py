"""Deadlines as each reader lives them: in their own time zone, named."""

from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html

register = template.Library()


def _zone_of(viewer) -> ZoneInfo:
    name = (
        getattr(viewer, "time_zone", None) if getattr(viewer, "is_authenticated", False) else None
    )
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@register.simple_tag
def deadline_for(moment, viewer, style="long"):
    """ "Thursday 12 March 2026, 17:00 PDT", or "12 Mar, 17:00 PDT" (short),
    in the viewer's zone (UTC for the signed out), so nobody converts."""
    if moment is None:
        return ""
    local = moment.astimezone(_zone_of(viewer))
    text = f"{local:%a %-d %b %Y, %H:%M}" if style == "short" else f"{local:%A %-d %B %Y, %H:%M}"
    return format_html('<time datetime="{}">{} {}</time>', moment.isoformat(timespec="seconds"), text, local.tzname())
