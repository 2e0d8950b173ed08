"""The personal feed: the right meetings for each role, and nothing of a
confidential community beyond its name and the times."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from copse import testing
from copse.calendars import ics
from copse.calendars.tests.helpers import add_item, events, make_meeting, unfolded
from copse.core import permissions
from copse.core.tests.authorization import ROLES

SECRETS = {
    "title": "Carrier renegotiation strategy",
    "description": "Northwind is switching carriers next quarter",
    "agenda": "Our failed tender with Globex",
    "guest_item": "Lessons from the Initech outage",
    "address": "14 Hidden Lane",
    "web_link": "https://meet.example/very-private-room",
    "dinner": "The Quiet Fox",
}


@pytest.fixture
def feed_world(roles):
    """Two meetings of the confidential community: one the guest presents at,
    one they do not; and one of another community nobody here reads."""
    community, people = roles
    presented = make_meeting(
        community,
        title=SECRETS["title"],
        description=SECRETS["description"],
        address=SECRETS["address"],
        web_link=SECRETS["web_link"],
        dinner_venue=SECRETS["dinner"],
    )
    add_item(presented, SECRETS["agenda"], presenter=people["member"], position=1)
    add_item(presented, SECRETS["guest_item"], presenter=people["guest_presenter"], position=2)
    members_only = make_meeting(
        community, title="Members' planning", starts_at=presented.starts_at + dt.timedelta(days=30)
    )
    elsewhere = make_meeting(testing.make_community(visibility="members"), title="Elsewhere")
    for user in people.values():
        if user is not None:
            permissions.forget_standings(user)
    return (
        community,
        people,
        {"presented": presented, "members_only": members_only, "elsewhere": elsewhere},
    )


def _uids(body):
    return {str(event["UID"]) for event in events(body)}


# What each role's feed lists of the confidential community's meetings.
SEES = {
    "member": {"presented", "members_only"},
    "delegate": {"presented", "members_only"},
    "facilitator": {"presented", "members_only"},
    "guest_presenter": {"presented"},
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_each_role_gets_only_the_meetings_it_may_see(feed_world, role):
    _, people, meetings = feed_world
    body = ics.feed_calendar(people[role])
    expected = {ics.meeting_uid(meetings[name]) for name in SEES.get(role, set())}
    assert _uids(body) == expected


@pytest.mark.parametrize("role", ["member", "facilitator", "guest_presenter"])
def test_confidential_events_carry_no_content(feed_world, role):
    _, people, meetings = feed_world
    body = ics.feed_calendar(people[role])
    presenter_names = [people["member"].name, people["guest_presenter"].name]
    for raw in (body, unfolded(body)):
        for text in [
            *SECRETS.values(),
            *presenter_names,
            "Members' planning",
            "Members\\' planning",
        ]:
            assert text.encode() not in raw, f"{text!r} in {role}'s feed"
    for event in events(body):
        assert set(event) <= {
            "UID",
            "DTSTAMP",
            "SEQUENCE",
            "DTSTART",
            "DTEND",
            "STATUS",
            "URL",
            "SUMMARY",
        }


def test_confidential_events_are_named_after_the_community_for_those_who_know_it(feed_world):
    _, people, meetings = feed_world
    (event, _) = events(ics.feed_calendar(people["member"]))
    assert str(event["SUMMARY"]) == "The Circle: meeting"
    assert str(event["URL"]).endswith(f"/c/circle/meetings/{meetings['presented'].pk}/")
    assert event["DTSTART"].dt.astimezone(dt.UTC) == meetings["presented"].starts_at


def test_a_guest_presenter_is_not_told_the_community_name(feed_world):
    """They may see the meeting but not `community.view` the community."""
    _, people, _ = feed_world
    body = ics.feed_calendar(people["guest_presenter"])
    (event,) = events(body)
    assert str(event["SUMMARY"]) == "Copse: meeting"
    assert b"The Circle" not in body


def test_a_members_only_community_keeps_its_detail_in_the_feed(db):
    community = testing.make_community(visibility="members", name="The Guild")
    member = testing.make_user()
    testing.seat(community, member)
    meeting = make_meeting(community, title="Guild night", address="2 Quay Street")
    add_item(meeting, "Show and tell", presenter=member)
    (event,) = events(ics.feed_calendar(member))
    assert str(event["SUMMARY"]) == "Guild night"
    assert str(event["LOCATION"]) == "2 Quay Street"
    assert "Show and tell" in str(event["DESCRIPTION"])


def test_the_feed_spans_ninety_days_back_and_four_hundred_ahead(db):
    community = testing.make_community(visibility="members")
    member = testing.make_user()
    testing.seat(community, member)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    inside = [
        make_meeting(community, starts_at=now - dt.timedelta(days=89)),
        make_meeting(community, starts_at=now + dt.timedelta(days=399)),
    ]
    make_meeting(community, starts_at=now - dt.timedelta(days=91))
    make_meeting(community, starts_at=now + dt.timedelta(days=401))
    assert _uids(ics.feed_calendar(member)) == {ics.meeting_uid(m) for m in inside}


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(feed_world):
    _, people, meetings = feed_world
    meetings["members_only"].status = "cancelled"
    meetings["members_only"].save()
    statuses = {
        str(e["UID"]): str(e["STATUS"]) for e in events(ics.feed_calendar(people["member"]))
    }
    assert statuses[ics.meeting_uid(meetings["members_only"])] == "CANCELLED"


def _queries_for_feed(user):
    permissions.forget_standings(user)
    with CaptureQueriesContext(connection) as queries:
        ics.feed_calendar(user)
    return len(queries)


@pytest.mark.parametrize("visibility", ["confidential", "members"])
@pytest.mark.parametrize("role", ["member", "guest_presenter"])
def test_the_feed_costs_the_same_queries_for_few_and_many_meetings(db, visibility, role):
    community = testing.make_community(visibility=visibility)
    people = {"member": testing.make_user(), "guest_presenter": testing.make_user()}
    testing.seat(community, people["member"])
    testing.seat(community, people["guest_presenter"], role="guest_presenter")

    def add_meetings(count):
        for n in range(count):
            meeting = make_meeting(community, title=f"Meeting {n}")
            add_item(meeting, "Item", presenter=people["guest_presenter"])
            add_item(meeting, "Other item", presenter=people["member"])

    add_meetings(2)
    few = _queries_for_feed(people[role])
    add_meetings(8)
    assert len(events(ics.feed_calendar(people[role]))) == 10
    assert _queries_for_feed(people[role]) == few


def test_open_communities_meetings_reach_only_their_members_feeds(db):
    """Anyone may read an open community's meetings, but only its members have
    them pushed into their calendars."""
    community = testing.make_community(visibility="open", name="Instructional designers")
    member, passer_by = testing.make_user(), testing.make_user()
    testing.seat(community, member)
    make_meeting(community, title="Monthly web conference")
    assert b"Monthly web conference" in unfolded(ics.feed_calendar(member))
    assert b"Monthly web conference" not in unfolded(ics.feed_calendar(passer_by))
    assert permissions.can(passer_by, "meeting.view", community.meetings.get())
