"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py)."""

import datetime as dt

from copse.core.tests.authorization import EVERYONE_200, READS, SECRET, SIGNED_IN

#                                   an   nm   rq   iv   mb   dl   gp   fc   fm   sa
PRESENTER_TOO = [404, 404, 404, 404, 200, 200, 200, 200, 404, 404]
SIGNED_IN_POST_PAGE = [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]
ALWAYS_REDIRECTS = [302] * 10


def _meeting(ctx):
    return {"slug": "circle", "meeting_id": ctx["meeting_id"]}


def _series(ctx):
    return {"slug": "circle", "series_id": ctx["series_id"]}


def _feed(ctx):
    return {"token": ctx["calendar_token"]}


ROWS = {
    "calendars:meeting_ics": (_meeting, "get", "", None, PRESENTER_TOO),
    "calendars:series_ics": (_series, "get", "", None, READS),
    "calendars:settings": (None, "get", "", None, SIGNED_IN),
    # Answers with the new address on the page itself.
    "calendars:regenerate": (None, "post", "", None, SIGNED_IN_POST_PAGE),
    "calendars:revoke": (None, "post", "", None, ALWAYS_REDIRECTS),
    # The token is the credential, so every role gets the feed. It is the
    # member's, and lists a meeting whose every field holds the secret: the
    # matrix's check that non-readers never see it tests that a confidential
    # community's events leave Copse without their content.
    "calendars:feed": (_feed, "get", "", None, EVERYONE_200),
}


def build(community, people, ctx):
    """A monthly series with a meeting next week full of the secret, and a feed
    for the member."""
    from django.utils import timezone

    from copse.calendars.services import create_or_replace_feed
    from copse.meetings import recurrence
    from copse.meetings.models import AgendaItem, Meeting, MeetingSeries

    series = MeetingSeries.objects.create(
        community=community,
        title="Monthly circle",
        rrule=recurrence.build_rrule(cadence="monthly", nth=2, weekday="TH"),
        first_date=timezone.localdate() + dt.timedelta(days=7),
        start_time=dt.time(13, 0),
        time_zone="Europe/London",
    )
    start = recurrence.occurrences(
        series, after=timezone.now(), before=timezone.now() + dt.timedelta(days=70)
    )[0]
    meeting = Meeting.objects.create(
        community=community,
        series=series,
        occurrence_start=start,
        title=SECRET,
        description=SECRET,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=series.duration_minutes),
        time_zone=series.time_zone,
        address=SECRET,
        dinner_venue=SECRET,
    )
    AgendaItem.objects.create(meeting=meeting, title=SECRET, presenter=people["member"])
    ctx["series_id"] = series.pk
    ctx["secret_meeting_id"] = meeting.pk
    ctx["calendar_token"] = create_or_replace_feed(people["member"])
