"""Meeting times for people: in the meeting's own zone, and in the viewer's."""

from zoneinfo import ZoneInfo

from django import template
from django.utils.html import format_html

register = template.Library()


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@register.simple_tag
def meeting_when(meeting, viewer=None):
    """ "Thu 12 March 2026, 13:00–17:00 PDT" and, when the viewer lives in
    another zone, "(21:00–01:00 your time)"."""
    zone = _zone(meeting.time_zone)
    start = meeting.starts_at.astimezone(zone)
    end = meeting.ends_at.astimezone(zone)
    same_day = start.date() == end.date()
    text = (
        f"{start:%a %-d %B %Y}, {start:%H:%M}–{end:%H:%M}"
        if same_day
        else (f"{start:%a %-d %B %Y %H:%M} – {end:%a %-d %B %H:%M}")
    )
    main = format_html('<time datetime="{}">{}</time> {}', start.isoformat(), text, start.tzname())
    own = getattr(viewer, "time_zone", None) if getattr(viewer, "is_authenticated", False) else None
    if own and own != meeting.time_zone:
        mine = _zone(own)
        my_start, my_end = meeting.starts_at.astimezone(mine), meeting.ends_at.astimezone(mine)
        if my_start.utcoffset() != start.utcoffset():
            day = "" if my_start.date() == start.date() else f"{my_start:%a %-d %B} "
            return format_html(
                '{} <span class="muted">({}{}–{} your time, {})</span>',
                main,
                day,
                f"{my_start:%H:%M}",
                f"{my_end:%H:%M}",
                own.replace("_", " "),
            )
    return main


@register.filter
def minutes_as_hours(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
