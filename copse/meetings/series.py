"""The meetings a series puts on the calendar: a row for each occurrence in
the next months, made once. Their reminders, and the series' monthly
top-up, are queued by the callers (`services.generate_meetings`,
`tasks.extend_series`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from copse.meetings import recurrence
from copse.meetings.models import Meeting, MeetingSeries

# How far ahead a series keeps meetings on the calendar.
GENERATE_MONTHS_AHEAD = 6


def add_missing_meetings(series: MeetingSeries, *, now: dt.datetime | None = None) -> list[Meeting]:
    """Create the series' meetings for the next months that do not exist yet.

    Idempotent: an occurrence that already has a row (even one moved or
    cancelled since) is never created again.
    """
    if series.ended_at is not None:
        return []
    now = now or timezone.now()
    until = now + dt.timedelta(days=31 * GENERATE_MONTHS_AHEAD)
    starts = recurrence.occurrences(series, after=now, before=until)
    existing = set(
        Meeting.objects.filter(series=series, occurrence_start__in=starts).values_list(
            "occurrence_start", flat=True
        )
    )
    created = []
    for start in starts:
        if start in existing:
            continue
        created.append(
            Meeting.objects.create(
                community=series.community,
                series=series,
                occurrence_start=start,
                title=f"{series.title}, {start.strftime('%B %Y')}",
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=series.duration_minutes),
                time_zone=series.time_zone,
                format=series.format,
                capacity=series.capacity,
                organiser=series.created_by,
            )
        )
    return created
