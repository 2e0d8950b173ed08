"""A series as one recurring event: a calendar app expanding it must find
exactly the meetings Copse holds, at the same local time all year."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events

from copse import testing
from copse.calendars import ics
from copse.calendars.tests.helpers import events, make_series_with_meetings, parse
from copse.meetings.models import Meeting

UTC = dt.UTC
LA = ZoneInfo("America/Los_Angeles")
YEAR_START = dt.datetime(2027, 1, 1, tzinfo=LA)
YEAR_END = dt.datetime(2028, 1, 1, tzinfo=LA)


@pytest.fixture
def series_and_member(db):
    community = testing.make_community(slug="guild", visibility="members")
    member = testing.make_user()
    testing.seat(community, member)
    # 1 January 2027 is a Friday, not a second Thursday: the rule starts later.
    series = make_series_with_meetings(community, first_date=dt.date(2027, 1, 1), months=14)
    return series, member


def _expanded(body, start=YEAR_START, end=YEAR_END):
    return recurring_ical_events.of(parse(body)).between(start, end)


def _rows_in_year(series):
    return Meeting.objects.filter(
        series=series, starts_at__gte=YEAR_START, starts_at__lt=YEAR_END
    ).exclude(status=Meeting.Status.CANCELLED)


def test_expansion_yields_exactly_the_live_meetings_after_a_move_and_a_cancel(
    series_and_member,
):
    series, member = series_and_member
    rows = list(series.meetings.order_by("starts_at"))
    moved, cancelled = rows[3], rows[6]
    moved.starts_at += dt.timedelta(days=1, hours=2)
    moved.ends_at += dt.timedelta(days=1, hours=2)
    moved.title = "April, a day late"
    moved.sequence = 1
    moved.save()
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.sequence = 1
    cancelled.save()

    body = ics.series_calendar(series, member)
    occurrences = _expanded(body)

    expected = sorted(m.starts_at for m in _rows_in_year(series))
    assert len(expected) == 11
    assert sorted(o["DTSTART"].dt.astimezone(UTC) for o in occurrences) == expected
    assert sorted(o["DTEND"].dt.astimezone(UTC) for o in occurrences) == sorted(
        m.ends_at for m in _rows_in_year(series)
    )
    assert cancelled.starts_at not in expected
    (override,) = [o for o in occurrences if o["DTSTART"].dt.astimezone(UTC) == moved.starts_at]
    assert str(override["SUMMARY"]) == "April, a day late"


def test_every_occurrence_keeps_its_local_wall_clock_time_across_daylight_saving(
    series_and_member,
):
    series, member = series_and_member
    occurrences = _expanded(ics.series_calendar(series, member))
    assert len(occurrences) == 12
    offsets = set()
    for occurrence in occurrences:
        local = occurrence["DTSTART"].dt.astimezone(LA)
        assert (local.hour, local.minute) == (13, 0)
        assert local.weekday() == 3 and 8 <= local.day <= 14  # the second Thursday
        offsets.add(local.utcoffset())
    assert offsets == {dt.timedelta(hours=-8), dt.timedelta(hours=-7)}


def test_the_master_starts_at_the_first_real_occurrence(series_and_member):
    series, member = series_and_member
    body = ics.series_calendar(series, member)
    (master,) = [e for e in events(body) if "RRULE" in e]
    assert master["DTSTART"].dt == dt.datetime(2027, 1, 14, 13, 0, tzinfo=LA)
    assert master["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert str(master["UID"]).startswith(f"series-{series.pk}@")
    assert master["RRULE"].to_ical() == b"FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TH"
    calendar = parse(body)
    assert str(calendar["X-WR-CALNAME"]) == "Monthly circle"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]


def test_a_cancelled_occurrence_is_an_exdate_and_raises_the_sequence(series_and_member):
    series, member = series_and_member
    before = next(e for e in events(ics.series_calendar(series, member)) if "RRULE" in e)
    cancelled = series.meetings.order_by("starts_at")[2]
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.sequence += 1
    cancelled.save()
    after = next(e for e in events(ics.series_calendar(series, member)) if "RRULE" in e)
    assert after["SEQUENCE"] > before["SEQUENCE"]
    excluded = [d.dt for d in after["EXDATE"].dts]
    assert excluded == [cancelled.occurrence_start.astimezone(LA)]


def test_an_ended_series_stops_after_the_meetings_it_made(db):
    community = testing.make_community(visibility="members")
    member = testing.make_user()
    testing.seat(community, member)
    series = make_series_with_meetings(community, first_date=dt.date(2027, 1, 1), months=6)
    series.ended_at = dt.datetime(2027, 3, 1, tzinfo=UTC)
    series.save()
    body = ics.series_calendar(series, member)
    occurrences = _expanded(body, end=YEAR_END.replace(year=2030))
    assert sorted(o["DTSTART"].dt.astimezone(UTC) for o in occurrences) == sorted(
        series.meetings.values_list("starts_at", flat=True)
    )
    assert len(occurrences) == 6  # January to June


def test_a_moved_meeting_shows_only_what_the_viewer_may_see(series_and_member):
    """Overrides are meeting events: a non-reader never gets here (the view
    checks `community.read`), but the override still asks the core."""
    series, member = series_and_member
    moved = series.meetings.order_by("starts_at").first()
    moved.starts_at += dt.timedelta(hours=1)
    moved.ends_at += dt.timedelta(hours=1)
    moved.address = "1 Quay Street"
    moved.save()
    override = next(e for e in events(ics.series_calendar(series, member)) if "RECURRENCE-ID" in e)
    assert str(override["UID"]) == ics.series_uid(series)
    assert override["RECURRENCE-ID"].dt == moved.occurrence_start.astimezone(LA)
    assert str(override["LOCATION"]) == "1 Quay Street"
