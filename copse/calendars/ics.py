"""Meetings as iCalendar (RFC 5545): one meeting, a series, a person's feed.

What an event says depends on the viewer, and is decided only by the
permission core: the place needs `meeting.view_logistics`, the description
and agenda `meeting.view_whole`; a guest presenter sees their own agenda items.

The personal feed is fetched by calendar providers from outside, without a
session, and stored on their servers. So an event of a confidential community
carries only the community's name, the times, the status and a link back: no
title, agenda, presenters, place or description.

Times are written in the meeting's own zone (TZID plus a VTIMEZONE), so a
client shows a meeting at its local wall-clock time across daylight-saving
changes, as `meetings.recurrence` schedules it.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from icalendar import Calendar, Event
from icalendar.prop import vDuration, vRecur

from copse.core import permissions
from copse.core.languages import in_language_of
from copse.core.markdown import plain_text
from copse.meetings import recurrence
from copse.meetings.models import AgendaItem, Meeting

log = logging.getLogger(__name__)

PRODID = "-//Copse//Meetings//EN"
# The feed is written in its owner's language (docs/languages.md).
FEED_NAME = gettext_lazy("Copse meetings")
FEED_PAST = dt.timedelta(days=90)
FEED_AHEAD = dt.timedelta(days=400)
# Calendar apps that honour it re-fetch the feed this often.
FEED_REFRESH = dt.timedelta(hours=1)
# VTIMEZONE definitions cover this much around the events they serve; a
# series' rule repeats beyond its meetings made so far, so its zones reach further.
ZONE_MARGIN = dt.timedelta(days=366)
SERIES_ZONE_AHEAD = dt.timedelta(days=5 * 366)


# --- Building blocks ----------------------------------------------------------


def _host() -> str:
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def _absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{_host()}"


def series_uid(series) -> str:
    return f"series-{series.pk}@{_host()}"


def _zone(name: str) -> dt.tzinfo:
    """The named zone; UTC for a name this server does not know, so a bad value
    costs the local display, never the export."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone in a meeting; exported in UTC")
        return dt.UTC


def _local(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """`instant` on the wall clock of `zone`, unless that wall-clock time is
    ambiguous (the repeated hour when clocks go back): RFC 5545 reads such a
    time as its first occurrence, so the second one is written in UTC."""
    local = instant.astimezone(zone)
    as_read = local.replace(fold=0)
    if as_read.astimezone(dt.UTC) != instant.astimezone(dt.UTC):
        return instant.astimezone(dt.UTC)
    return as_read


def _one_line(text: str) -> str:
    """Text for a one-line property: control characters (a stray CR or LF in a
    title) become spaces, so no value can end its line and start another."""
    return " ".join("".join(" " if _is_control(ch) else ch for ch in text).split())


def _lines(text: str) -> str:
    """Text for DESCRIPTION: line breaks kept (icalendar escapes them), other
    control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch == "\n" or not _is_control(ch))


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def _new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", _one_line(name))
    calendar.add("x-wr-calname", _one_line(name))
    return calendar


def _to_bytes(calendar: Calendar, first: dt.date, last: dt.date) -> bytes:
    calendar.add_missing_timezones(first_date=first - ZONE_MARGIN, last_date=last + ZONE_MARGIN)
    return calendar.to_ical()


AGENDA = AgendaItem.objects.select_related("presenter").order_by("position", "id")


def _with_agenda(meetings):
    """Meetings with their agenda and presenters loaded in one query, and the
    permission core's presenter cache filled from it, so checking many
    meetings costs no query per meeting."""
    prefetch_related_objects(meetings, Prefetch("agenda_items", queryset=AGENDA))
    for meeting in meetings:
        permissions.know_presenters(
            meeting, (item.presenter_id for item in meeting.agenda_items.all() if item.presenter_id)
        )
    return meetings


# --- What one event says --------------------------------------------------------


def _summary(meeting: Meeting) -> str:
    summary = meeting.title
    if not meeting.is_official:
        summary = gettext("%(title)s (side meeting, unofficial)") % {"title": summary}
    return _cancelled_prefix(meeting) + summary


def _anonymous_summary(meeting: Meeting, viewer) -> str:
    # Guest presenters may not know the community's name (`community.view`).
    if permissions.can(viewer, "community.view", meeting.community):
        name = meeting.community.name
    else:
        name = "Copse"
    if meeting.is_official:
        summary = gettext("%(community)s: meeting") % {"community": name}
    else:
        summary = gettext("%(community)s: side meeting (unofficial)") % {"community": name}
    return _cancelled_prefix(meeting) + summary


def _cancelled_prefix(meeting: Meeting) -> str:
    # Some calendar apps ignore STATUS; the word keeps a cancellation visible.
    return gettext("Cancelled: ") if meeting.is_cancelled else ""


def _location(meeting: Meeting) -> str:
    address = ", ".join(line.strip() for line in meeting.address.splitlines() if line.strip())
    return " · ".join(part for part in (address, meeting.web_link) if part)


def _agenda_lines(items) -> list[str]:
    lines = []
    for item in items:
        presenter = f" ({item.presenter.name})" if item.presenter_id else ""
        lines.append(_one_line(f"- {item.title}{presenter}"))
    return lines


def _description(meeting: Meeting, viewer, *, whole: bool, logistics: bool) -> str:
    items = list(meeting.agenda_items.all())
    parts = []
    if whole:
        if meeting.is_cancelled and meeting.cancel_reason:
            parts.append(gettext("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
        if meeting.description:
            # Written in Markdown; calendars show text.
            parts.append(plain_text(meeting.description))
        if items:
            parts.append("\n".join([gettext("Agenda:"), *_agenda_lines(items)]))
    else:
        # A guest presenter: only what they present.
        own = [item for item in items if item.presenter_id == getattr(viewer, "pk", None)]
        if own:
            parts.append("\n".join([gettext("Your part of the agenda:"), *_agenda_lines(own)]))
    if logistics and meeting.dinner_venue:
        parts.append(_one_line(gettext("Dinner: %(venue)s") % {"venue": meeting.dinner_venue}))
    if logistics and meeting.web_link:
        parts.append(gettext("Join online: %(link)s") % {"link": meeting.web_link})
    if parts:
        parts.append(
            gettext("On Copse: %(link)s") % {"link": _absolute(meeting.get_absolute_url())}
        )
    return "\n\n".join(parts)


def _add_times(event: Event, meeting: Meeting) -> None:
    zone = _zone(meeting.time_zone)
    event.add("dtstart", _local(meeting.starts_at, zone))
    event.add("dtend", _local(meeting.ends_at, zone))


def meeting_event(meeting: Meeting, viewer, *, for_feed: bool = False) -> Event:
    """One VEVENT for `meeting`, saying only what `viewer` may see.

    `for_feed` marks the personal feed, which leaves Copse without a session.
    The caller has checked `meeting.view`; load the agenda with `_with_agenda`.
    """
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    _add_times(event, meeting)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("url", _absolute(meeting.get_absolute_url()))
    if for_feed and not permissions.can(viewer, "meeting.detail_in_outside_feed", meeting):
        event.add("summary", _one_line(_anonymous_summary(meeting, viewer)))
        return event
    event.add("summary", _one_line(_summary(meeting)))
    logistics = permissions.can(viewer, "meeting.view_logistics", meeting)
    whole = permissions.can(viewer, "meeting.view_whole", meeting)
    location = _location(meeting) if logistics else ""
    if location:
        event.add("location", _one_line(location))
    description = _description(meeting, viewer, whole=whole, logistics=logistics)
    if description:
        event.add("description", _lines(description))
    return event


# --- Calendars ----------------------------------------------------------------------


def meeting_calendar(meeting: Meeting, viewer) -> bytes:
    """One meeting, downloaded by a signed-in viewer who may `meeting.view` it."""
    _with_agenda([meeting])
    calendar = _new_calendar(meeting.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(meeting_event(meeting, viewer))
    return _to_bytes(calendar, meeting.starts_at.date(), meeting.ends_at.date())


def meetings_calendar(name: str, meetings, viewer) -> bytes:
    """Many meetings in one calendar (a community's export), each event
    saying only what `viewer` may see. The caller chose meetings the viewer
    may `meeting.view`."""
    meetings = _with_agenda(list(meetings))
    calendar = _new_calendar(name)
    calendar.add("method", "PUBLISH")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, viewer))
    today = timezone.now().date()
    first = min([today, *(m.starts_at.date() for m in meetings)])
    last = max([today, *(m.ends_at.date() for m in meetings)])
    return _to_bytes(calendar, first, last)


def feed_meetings(user) -> list[Meeting]:
    """What the personal feed lists: meetings of the user's own communities and
    those they present at (not every open community's), from 90 days ago to
    400 days ahead. Three queries whatever their number, plus the user's
    standings."""
    now = timezone.now()
    mine = Q(community_id__in=permissions.seated_community_ids(user)) | Q(
        pk__in=AgendaItem.objects.filter(presenter=user).values("meeting_id")
    )
    meetings = (
        Meeting.objects.filter(permissions.visible_meetings_q(user))
        .filter(mine)
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lte=now + FEED_AHEAD)
        .select_related("community")
        .order_by("starts_at", "id")
    )
    return _with_agenda(list(meetings))


def feed_calendar(user) -> bytes:
    """The personal feed, in its owner's language: calendar apps fetch it
    without a session, so no browser says which."""
    with in_language_of(user):
        calendar = _new_calendar(str(FEED_NAME))
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
        for meeting in feed_meetings(user):
            calendar.add_component(meeting_event(meeting, user, for_feed=True))
    today = timezone.now().date()
    return _to_bytes(calendar, today - FEED_PAST, today + FEED_AHEAD)


# --- A series --------------------------------------------------------------------------


def _series_rule(series, generated: list[Meeting]) -> vRecur | None:
    try:
        rule = vRecur.from_ical(series.rrule)
    except ValueError:
        log.warning("series %s has a rule that cannot be exported", series.pk)
        return None
    if series.ended_at and "UNTIL" not in rule and "COUNT" not in rule:
        # An ended series keeps the meetings it already made, so it stops
        # after the last of them. With a zoned DTSTART, UNTIL is in UTC.
        last = max([series.ended_at, *(m.occurrence_start for m in generated)])
        rule["UNTIL"] = last.astimezone(dt.UTC)
    return rule


def _first_local_start(series) -> dt.datetime | None:
    """The rule's first occurrence on or after `first_date`. RFC 5545 counts
    DTSTART as an occurrence even when the rule would skip it, so DTSTART must
    be a real one or calendars would show a meeting that never happens."""
    try:
        return next(iter(recurrence.local_starts(series)), None)
    except ValueError:
        return None


def _is_moved(meeting: Meeting, series) -> bool:
    length = dt.timedelta(minutes=series.duration_minutes)
    return (
        meeting.starts_at != meeting.occurrence_start
        or meeting.ends_at - meeting.starts_at != length
    )


def _series_master(series, generated: list[Meeting], first_local: dt.datetime) -> Event:
    zone = _zone(series.time_zone)
    start = first_local.replace(tzinfo=zone)
    event = Event()
    event.add("uid", series_uid(series))
    stamps = [series.created_at, *(m.updated_at for m in generated)]
    event.add("dtstamp", max(stamps))
    # Every change to one of its meetings raises that meeting's SEQUENCE, so
    # their sum rises whenever the series as a calendar sees it changes.
    event.add("sequence", sum(m.sequence for m in generated))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=series.duration_minutes))
    event.add("summary", _one_line(series.title))
    event.add("status", "CONFIRMED")
    event.add("url", _absolute(series.community.get_absolute_url()))
    rule = _series_rule(series, generated)
    if rule is not None:
        event.add("rrule", rule)
    cancelled = [m for m in generated if m.is_cancelled]
    if cancelled:
        event.add("exdate", [_local(m.occurrence_start, zone) for m in cancelled])
    return event


def _series_override(meeting: Meeting, series, viewer) -> Event:
    """A moved occurrence: the meeting's own event, filed under the series'
    UID at the occurrence it replaces."""
    event = meeting_event(meeting, viewer)
    event["uid"] = series_uid(series)
    event.add("recurrence-id", _local(meeting.occurrence_start, _zone(series.time_zone)))
    return event


def series_calendar(series, viewer) -> bytes:
    """A series as one recurring event, with its cancelled occurrences excluded
    and its moved ones overridden. The caller has checked `community.read`."""
    generated = list(
        series.meetings.filter(occurrence_start__isnull=False)
        .select_related("community")
        .order_by("occurrence_start")
    )
    _with_agenda(generated)
    calendar = _new_calendar(series.title)
    calendar.add("method", "PUBLISH")
    first_local = _first_local_start(series)
    if first_local is not None:
        calendar.add_component(_series_master(series, generated, first_local))
        for meeting in generated:
            if not meeting.is_cancelled and _is_moved(meeting, series):
                calendar.add_component(_series_override(meeting, series, viewer))
    last = max([series.first_date, timezone.now().date()] + [m.ends_at.date() for m in generated])
    return _to_bytes(calendar, series.first_date, last + SERIES_ZONE_AHEAD)
