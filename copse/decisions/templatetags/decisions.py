"""Deadlines as each reader lives them (in their own time zone, named), and
the proposals waiting for the reader's answer on a community's home: the
home's template loads this, so communities never imports decisions."""

from zoneinfo import ZoneInfo

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from copse.core import permissions

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
    # Day and month names in the reader's language.
    text = date_format(local, "D j M Y, H:i" if style == "short" else "l j F Y, H:i")
    return format_html(
        '<time datetime="{}">{} {}</time>',
        moment.isoformat(timespec="seconds"),
        text,
        local.tzname(),
    )


# How many waiting proposals a community's home shows.
HOME_PREVIEW = 5


@register.inclusion_tag("decisions/_waiting.html")
def proposals_waiting(viewer, community):
    """The open proposals `viewer` may answer and has not, in `community`.
    Only those who may answer are ever waited for: no query for the others."""
    from copse.decisions.selectors import waiting_for_answer

    if not permissions.standing(viewer, community).is_active_contributor:
        return {"proposals": []}
    rows = list(waiting_for_answer(viewer, [community])[:HOME_PREVIEW])
    return {"proposals": rows, "community": community, "viewer": viewer}


@register.filter
def result_in_language(result: str) -> str:
    """Why a proposal ended as it did, in the reader's language (`outcomes.in_language`)."""
    from copse.decisions.outcomes import in_language

    return in_language(result)


@register.filter
def apply_problem_in_language(problem: str) -> str:
    """Why a passed proposal could not change Copse (`effects`), kept in
    English and read in the reader's language."""
    from django.utils.translation import gettext

    return gettext(problem) if problem else ""
