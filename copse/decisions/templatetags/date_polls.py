"""Date poll times for people: each in the reader's own time zone, with the
wall-clock time it was proposed in beside it when that differs."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from copse.core import permissions
from copse.decisions import polls

register = template.Library()


def reader_zone(viewer, poll) -> str:
    """The zone a reader sees times in: their own, or (signed out) the poll's."""
    if getattr(viewer, "is_authenticated", False) and getattr(viewer, "time_zone", ""):
        return viewer.time_zone
    return poll.time_zone


@register.simple_tag
def zone_name(viewer, poll) -> str:
    return reader_zone(viewer, poll).replace("_", " ")


@register.simple_tag
def poll_time(instant, viewer, poll, with_end=True):
    """ "Thu 5 November 2026, 18:00–19:30 CET" on the reader's clocks, and
    "(18:00 in Europe/Berlin, as proposed)" when the poll's clocks differ."""
    zone = reader_zone(viewer, poll)
    start = polls.in_zone(instant, zone)
    end = polls.in_zone(instant + dt.timedelta(minutes=poll.duration_minutes), zone)
    # Day and month names in the reader's language (`date_format`).
    if not with_end:
        text = date_format(start, "D j F Y, H:i")
    elif start.date() == end.date():
        text = f"{date_format(start, 'D j F Y, H:i')}–{end:%H:%M}"
    else:
        text = f"{date_format(start, 'D j F Y, H:i')} – {date_format(end, 'D j F, H:i')}"
    main = format_html(
        '<time datetime="{}">{}</time> {}',
        start.isoformat(timespec="seconds"),
        text,
        start.tzname(),
    )
    if zone != poll.time_zone:
        theirs = polls.in_zone(instant, poll.time_zone)
        if theirs.utcoffset() != start.utcoffset():
            day = "" if theirs.date() == start.date() else f"{date_format(theirs, 'D j F')} "
            return format_html(
                '{} <span class="muted">({})</span>',
                main,
                gettext("%(when)s in %(zone)s, as proposed")
                % {"when": f"{day}{theirs:%H:%M}", "zone": poll.time_zone.replace("_", " ")},
            )
    return main


@register.simple_tag
def answer_label(value: str) -> str:
    return polls.ANSWERS(value).label if value in polls.ANSWERS.values else gettext("No answer")


@register.inclusion_tag("decisions/polls/_section.html", takes_context=True)
def date_polls_section(context, community):
    """The open date polls of `community`, for the decisions list page."""
    viewer = context["request"].user
    page = polls.poll_list(viewer, community, state="open")
    return {
        "community": community,
        "viewer": viewer,
        "page": page,
        "can_propose_dates": permissions.can(viewer, "community.propose_dates", community),
    }
