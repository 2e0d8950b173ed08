"""One meeting as iCalendar: identity, times, and what each viewer may read."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from copse import testing
from copse.calendars import ics
from copse.calendars.tests.helpers import add_item, events, make_meeting, parse, unfolded
from copse.core import permissions
from copse.meetings.models import Meeting

UTC = dt.UTC
LA = "America/Los_Angeles"


@pytest.fixture
def circle(db):
    """A members-only community (not confidential): downloads and feeds both
    carry detail as the viewer may see it."""
    community = testing.make_community(slug="guild", name="The Guild", visibility="members")
    member = testing.make_user(name="Mona Member")
    testing.seat(community, member)
    return community, member


def _only_event(body):
    (event,) = events(body)
    return event


def test_uid_is_stable_and_names_the_host(circle, settings):
    settings.BASE_URL = "https://copse.example.org"
    community, member = circle
    meeting = make_meeting(community)
    first = _only_event(ics.meeting_calendar(meeting, member))
    meeting.title = "Renamed"
    meeting.save()
    second = _only_event(ics.meeting_calendar(meeting, member))
    assert str(first["UID"]) == str(second["UID"]) == f"meeting-{meeting.pk}@copse.example.org"
    assert str(second["URL"]) == f"https://copse.example.org/c/guild/meetings/{meeting.pk}/"


def test_sequence_is_the_meetings_and_rises_with_it(circle):
    community, member = circle
    meeting = make_meeting(community, sequence=2)
    assert _only_event(ics.meeting_calendar(meeting, member))["SEQUENCE"] == 2
    Meeting.objects.filter(pk=meeting.pk).update(sequence=3)
    meeting.refresh_from_db()
    assert _only_event(ics.meeting_calendar(meeting, member))["SEQUENCE"] == 3


def test_dtstamp_is_the_last_change(circle):
    community, member = circle
    meeting = make_meeting(community)
    event = _only_event(ics.meeting_calendar(meeting, member))
    assert event["DTSTAMP"].dt == meeting.updated_at.replace(microsecond=0)


def test_status_follows_cancellation(circle):
    community, member = circle
    meeting = make_meeting(community)
    assert str(_only_event(ics.meeting_calendar(meeting, member))["STATUS"]) == "CONFIRMED"
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    event = _only_event(ics.meeting_calendar(meeting, member))
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")


def _zone_from_vtimezone(calendar, tzid):
    """The zone as the emitted VTIMEZONE defines it, not as this machine's
    tz database does: that is what a calendar app without the name would use."""
    (vtimezone,) = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    return vtimezone.to_tz(lookup_tzid=False)


@pytest.mark.parametrize(
    ("starts_at", "offset_hours"),
    [
        (dt.datetime(2027, 1, 14, 21, 0, tzinfo=UTC), -8),  # 13:00 PST
        (dt.datetime(2027, 7, 8, 20, 0, tzinfo=UTC), -7),  # 13:00 PDT
    ],
)
def test_times_are_local_with_a_vtimezone_across_daylight_saving(circle, starts_at, offset_hours):
    community, member = circle
    meeting = make_meeting(community, starts_at=starts_at, time_zone=LA)
    body = ics.meeting_calendar(meeting, member)
    assert f"DTSTART;TZID={LA}:".encode() in body
    calendar = parse(body)
    event = _only_event(body)
    assert event["DTSTART"].dt.astimezone(UTC) == meeting.starts_at
    assert event["DTEND"].dt.astimezone(UTC) == meeting.ends_at
    assert event["DTSTART"].dt.replace(tzinfo=None).time() == dt.time(13, 0)
    zone = _zone_from_vtimezone(calendar, LA)
    local = event["DTSTART"].dt.replace(tzinfo=None).replace(tzinfo=zone)
    assert local.utcoffset() == dt.timedelta(hours=offset_hours)
    assert local.astimezone(UTC) == meeting.starts_at


def test_the_repeated_hour_is_written_in_utc_so_it_keeps_its_instant(circle):
    """01:30 happens twice in Los Angeles on 7 November 2027; a TZID time would
    be read as the first, so the second is written in UTC."""
    community, member = circle
    second_one_thirty = dt.datetime(2027, 11, 7, 9, 30, tzinfo=UTC)  # 01:30 PST
    assert second_one_thirty.astimezone(ZoneInfo(LA)).fold == 1
    meeting = make_meeting(community, starts_at=second_one_thirty, time_zone=LA)
    event = _only_event(ics.meeting_calendar(meeting, member))
    assert event["DTSTART"].dt == second_one_thirty
    assert event["DTEND"].dt.astimezone(UTC) == meeting.ends_at


def test_an_unknown_zone_is_exported_in_utc(circle):
    community, member = circle
    meeting = make_meeting(community, time_zone="Mars/Olympus_Mons")
    event = _only_event(ics.meeting_calendar(meeting, member))
    assert event["DTSTART"].dt == meeting.starts_at


def test_a_member_gets_place_description_agenda_and_presenters(circle):
    community, member = circle
    guest = testing.make_user(name="Gus Guest")
    testing.seat(community, guest, role="guest_presenter")
    meeting = make_meeting(
        community,
        title="Carrier talks",
        description="We compare contracts.",
        address="1 Quay Street\nBristol",
        web_link="https://meet.example/abc",
        dinner_venue="The Old Mill",
    )
    add_item(meeting, "Contract terms", presenter=guest, position=1)
    add_item(meeting, "Open floor", presenter=member, position=2)
    event = _only_event(ics.meeting_calendar(meeting, member))
    assert str(event["SUMMARY"]) == "Carrier talks"
    assert str(event["LOCATION"]) == "1 Quay Street, Bristol · https://meet.example/abc"
    description = str(event["DESCRIPTION"])
    for text in (
        "We compare contracts.",
        "- Contract terms (Gus Guest)",
        "- Open floor (Mona Member)",
        "Dinner: The Old Mill",
        "Join online: https://meet.example/abc",
    ):
        assert text in description


def test_a_guest_presenter_gets_the_place_and_only_their_own_items(circle):
    community, member = circle
    guest = testing.make_user(name="Gus Guest")
    testing.seat(community, guest, role="guest_presenter")
    meeting = make_meeting(
        community, description="Members only.", address="1 Quay Street", cancel_reason=""
    )
    add_item(meeting, "Contract terms", presenter=guest)
    add_item(meeting, "Members' round", presenter=member)
    permissions.forget_standings(guest)
    assert not permissions.can(guest, "meeting.view_whole", meeting)
    event = _only_event(ics.meeting_calendar(meeting, guest))
    assert str(event["LOCATION"]) == "1 Quay Street"
    description = str(event["DESCRIPTION"])
    assert "Your part of the agenda:\n- Contract terms (Gus Guest)" in description
    assert "Members' round" not in description
    assert "Mona Member" not in description
    assert "Members only." not in description


def test_anyone_reading_an_open_community_gets_no_place_without_logistics(db):
    community = testing.make_community(visibility="open")
    meeting = make_meeting(community, description="Public talk.", address="1 Quay Street")
    event = _only_event(ics.meeting_calendar(meeting, AnonymousUser()))
    assert "LOCATION" not in event
    assert "Public talk." in str(event["DESCRIPTION"])


def test_a_side_meeting_is_marked_unofficial(circle):
    community, member = circle
    meeting = make_meeting(community, title="Coffee", kind=Meeting.Kind.SIDE)
    event = _only_event(ics.meeting_calendar(meeting, member))
    assert str(event["SUMMARY"]) == "Coffee (side meeting, unofficial)"


def test_line_breaks_in_text_cannot_add_properties(circle):
    community, member = circle
    meeting = make_meeting(
        community,
        title="Evil\r\nATTENDEE:mailto:x@example.com",
        address="Street\r\nORGANIZER:mailto:y@example.com",
        description="Line one\r\nLine two\x07",
    )
    add_item(meeting, "Item\nX-INJECTED:1")
    body = ics.meeting_calendar(meeting, member)
    event = _only_event(body)
    assert "ATTENDEE" not in event and "ORGANIZER" not in event
    assert not any(
        line.startswith((b"ATTENDEE", b"ORGANIZER", b"X-INJECTED"))
        for line in unfolded(body).split(b"\r\n")
    )
    assert str(event["SUMMARY"]) == "Evil ATTENDEE:mailto:x@example.com"
    # The description is Markdown shown as plain text: one paragraph, one line.
    assert "Line one Line two" in str(event["DESCRIPTION"])
    assert "\x07" not in str(event["DESCRIPTION"])


def test_the_download_names_the_calendar_after_the_meeting(circle):
    community, member = circle
    meeting = make_meeting(community, title="Carrier talks")
    calendar = parse(ics.meeting_calendar(meeting, member))
    assert str(calendar["X-WR-CALNAME"]) == "Carrier talks"
    assert str(calendar["METHOD"]) == "PUBLISH"


def test_a_markdown_description_is_plain_text_in_the_calendar(circle):
    community, member = circle
    meeting = make_meeting(
        community,
        description="## What we will cover\n\n- **Audit** the contracts\n- See [the notes](https://x.example/n)",
    )
    # Read back by the icalendar parser, as a calendar app would.
    description = str(_only_event(ics.meeting_calendar(meeting, member))["DESCRIPTION"])
    assert "What we will cover\nAudit the contracts\nSee the notes" in description
    for mark in ("##", "**", "](", "- "):
        assert mark not in description.split("On Copse:")[0]
