"""The parts of a community's home kept between requests change at once, and
never show one viewer what another may see.

Each test warms the cache as one viewer, changes something through the
services, and fetches the home again as every kind of viewer: a member, a
facilitator, a former member and someone who never joined, of a
confidential community.
"""

import datetime as dt

import pytest
from django.core.cache import caches
from django.utils import timezone

from copse import testing
from copse.meetings import services as meetings
from copse.memberships import services as memberships
from copse.topics import services as topics


@pytest.fixture
def circle(db):
    caches["template_fragments"].clear()
    community = testing.make_community(
        slug="cio", name="CIO Circle", visibility="confidential", listed=False
    )
    people = {
        "facilitator": testing.make_user(name="Fay Facilitator"),
        "member": testing.make_user(name="Mona Member"),
        "other": testing.make_user(name="Otto Other"),
        "outsider": testing.make_user(name="Nina Nonmember"),
    }
    testing.seat(community, people["facilitator"], role="facilitator")
    testing.seat(community, people["member"])
    testing.seat(community, people["other"])
    memberships._recount(community)
    community.refresh_from_db()
    return community, people


def _home(client, user, community):
    client.force_login(user)
    response = client.get(community.get_absolute_url())
    return response.status_code, response.content.decode()


def _meeting(community, facilitator, title="Quarterly review"):
    start = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    return meetings.create_meeting(
        actor=facilitator,
        community=community,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        time_zone="Europe/London",
        address="Town hall",
    )


def test_a_moved_meeting_shows_at_once_and_outsiders_see_nothing(client, circle):
    community, people = circle
    meeting = _meeting(community, people["facilitator"])
    status, page = _home(client, people["member"], community)
    assert "Quarterly review" in page
    new_start = meeting.starts_at + dt.timedelta(days=3)
    meetings.update_meeting(
        actor=people["facilitator"],
        meeting=meeting,
        starts_at=new_start,
        ends_at=new_start + dt.timedelta(hours=2),
    )
    when = new_start.astimezone(dt.UTC).strftime("%-d %B %Y")
    for viewer in ("member", "facilitator"):
        status, page = _home(client, people[viewer], community)
        assert status == 200 and when in page, viewer
    status, page = _home(client, people["outsider"], community)
    assert "Quarterly review" not in page


def test_a_vote_shows_at_once_for_every_member(client, circle):
    community, people = circle
    topic = topics.nominate(
        actor=people["member"],
        community=community,
        title="Cloud costs",
        why="Budgets.",
        area=(community.topic_areas or [""])[0],
    )
    assert "(0 votes)" in _home(client, people["other"], community)[1]
    topics.vote(actor=people["other"], topic=topic)
    for viewer in ("member", "facilitator", "other"):
        assert "(1 vote)" in _home(client, people[viewer], community)[1], viewer
    topics.withdraw_vote(actor=people["other"], topic=topic)
    assert "(0 votes)" in _home(client, people["facilitator"], community)[1]


def test_a_member_who_leaves_leaves_the_side_column_and_sees_no_more(client, circle):
    community, people = circle
    _meeting(community, people["facilitator"])
    status, page = _home(client, people["other"], community)
    assert "Otto Other" in page and "Quarterly review" in page
    memberships.leave(actor=people["other"], community=community)
    status, page = _home(client, people["member"], community)
    assert "Otto Other" not in page and "Quarterly review" in page
    # The former member and the outsider get none of the cached parts.
    for viewer in ("other", "outsider"):
        status, page = _home(client, people[viewer], community)
        assert "Quarterly review" not in page, viewer
        assert "Mona Member" not in page, viewer


def test_a_role_change_shows_at_once(client, circle):
    community, people = circle
    page = _home(client, people["member"], community)[1]
    assert page.count('badge">Facilitator') == 1
    membership = community.memberships.get(user=people["other"])
    memberships.change_role(actor=people["facilitator"], membership=membership, role="facilitator")
    for viewer in ("member", "other", "facilitator"):
        page = _home(client, people[viewer], community)[1]
        assert page.count('badge">Facilitator') == 2, viewer
    # The new facilitator's own view has the facilitators' buttons; the
    # member's, warmed by the same cached parts, does not.
    assert "Manage members" in _home(client, people["other"], community)[1]
    assert "Manage members" not in _home(client, people["member"], community)[1]


def test_a_removed_member_sees_nothing_cached(client, circle):
    community, people = circle
    _meeting(community, people["facilitator"])
    assert "Quarterly review" in _home(client, people["member"], community)[1]
    membership = community.memberships.get(user=people["member"])
    memberships.remove_member(actor=people["facilitator"], membership=membership, reason="Spam")
    status, page = _home(client, people["member"], community)
    assert "Quarterly review" not in page and "Otto Other" not in page
    page = _home(client, people["other"], community)[1]
    assert "Mona Member" not in page and "Quarterly review" in page


def test_a_name_change_shows_in_the_side_column(client, circle):
    community, people = circle
    assert "Otto Other" in _home(client, people["member"], community)[1]
    person = people["other"]
    person.display_name = "Otto Renamed"
    person.save()
    page = _home(client, people["member"], community)[1]
    assert "Otto Renamed" in page and "Otto Other" not in page
