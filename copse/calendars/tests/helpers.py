"""Rows for calendar tests, made with the ORM until the meetings services land."""

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from copse.meetings import recurrence
from copse.meetings.models import AgendaItem, Meeting, MeetingSeries


def make_meeting(community, *, starts_at=None, hours=4, **fields) -> Meeting:
    starts_at = starts_at or dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=14)
    defaults = {
        "title": "Spring gathering",
        "time_zone": "Europe/London",
        "ends_at": starts_at + dt.timedelta(hours=hours),
    }
    defaults.update(fields)
    return Meeting.objects.create(community=community, starts_at=starts_at, **defaults)


def add_item(meeting, title, presenter=None, position=0) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=meeting, title=title, presenter=presenter, position=position
    )


def make_series_with_meetings(community, *, first_date, months=14, **fields) -> MeetingSeries:
    """A monthly series with a Meeting row for each occurrence, as the meetings
    app generates them."""
    defaults = {
        "title": "Monthly circle",
        "rrule": recurrence.build_rrule(cadence="monthly", nth=2, weekday="TH"),
        "start_time": dt.time(13, 0),
        "duration_minutes": 240,
        "time_zone": "America/Los_Angeles",
    }
    defaults.update(fields)
    series = MeetingSeries.objects.create(community=community, first_date=first_date, **defaults)
    zone = ZoneInfo(series.time_zone)
    after = dt.datetime.combine(first_date, dt.time(0), zone)
    before = after + dt.timedelta(days=31 * months)
    for start in recurrence.occurrences(series, after=after, before=before):
        Meeting.objects.create(
            community=community,
            series=series,
            occurrence_start=start,
            title=series.title,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=series.duration_minutes),
            time_zone=series.time_zone,
        )
    return series


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(body: bytes) -> list:
    return parse(body).walk("VEVENT")


def unfolded(body: bytes) -> bytes:
    """The raw text with folded lines joined, so a long value cannot hide a
    leak across a fold."""
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
