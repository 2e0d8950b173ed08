"""Meeting times for people: in the meeting's own zone, and in the viewer's."""

from zoneinfo import ZoneInfo

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

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
    # Day and month names in the reader's language (docs/languages.md).
    text = (
        f"{date_format(start, 'D j F Y')}, {start:%H:%M}–{end:%H:%M}"
        if same_day
        else f"{date_format(start, 'D j F Y H:i')} – {date_format(end, 'D j F H:i')}"
    )
    main = format_html('<time datetime="{}">{}</time> {}', start.isoformat(), text, start.tzname())
    own = getattr(viewer, "time_zone", None) if getattr(viewer, "is_authenticated", False) else None
    if own and own != meeting.time_zone:
        mine = _zone(own)
        my_start, my_end = meeting.starts_at.astimezone(mine), meeting.ends_at.astimezone(mine)
        if my_start.utcoffset() != start.utcoffset():
            values = {
                "start": f"{my_start:%H:%M}",
                "end": f"{my_end:%H:%M}",
                "zone": own.replace("_", " "),
            }
            if my_start.date() == start.date():
                yours = gettext("%(start)s–%(end)s your time, %(zone)s") % values
            else:
                values["day"] = date_format(my_start, "D j F")
                yours = gettext("%(day)s %(start)s–%(end)s your time, %(zone)s") % values
            return format_html('{} <span class="muted">({})</span>', main, yours)
    return main


@register.filter
def minutes_as_hours(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return gettext("%(hours)s h") % {"hours": hours}
    return gettext("%(minutes)s min") % {"minutes": rest}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
