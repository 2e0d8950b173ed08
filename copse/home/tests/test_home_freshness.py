"""What changes shows on Home at the next request: Home keeps nothing of a
person's page between requests, and these tests hold whatever it may cache
later. Each loads Home, changes something through the services as people
would, and loads it again."""

import pytest

from copse.conversations import services as conversations
from copse.home.tests.world import HomeWorld
from copse.meetings import services as meetings
from copse.meetings.models import Meeting
from copse.memberships import services as memberships
from copse.memberships.models import Membership

pytestmark = pytest.mark.django_db

HOME = "/home/"


@pytest.fixture
def world():
    return HomeWorld(communities=2)


def home_of(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_thread_shows_at_once(client, world):
    assert "Carrier contracts compared" not in home_of(client, world.viewer)
    conversations.start_thread(
        actor=world.olly,
        community=world.communities[1],
        kind="discussion",
        title="Carrier contracts compared",
        body="Our notes.",
        tag_names=[],
    )
    assert "Carrier contracts compared" in home_of(client, world.viewer)


def test_a_reply_to_your_thread_shows_at_once(client, world):
    mine = conversations.start_thread(
        actor=world.viewer,
        community=world.communities[1],
        kind="discussion",
        title="Our escalation ladder",
        body="How we escalate.",
        tag_names=[],
    )
    page = home_of(client, world.viewer)
    assert "Our escalation ladder" not in page  # one's own thread is not news
    conversations.post_reply(actor=world.olly, thread=mine, body="We do the same.")
    page = home_of(client, world.viewer)
    section = page.split("Replies to your threads", 1)[1].split("</ul>", 1)[0]
    assert "Our escalation ladder" in section
    assert "1 new reply" in section


def test_a_meeting_answered_shows_the_answer_at_once(client, world):
    meeting = Meeting.objects.get(title="Spring gathering (1)")
    assert "Your answer: <strong>" not in home_of(client, world.viewer)
    meetings.rsvp(actor=world.viewer, meeting=meeting, answer="yes")
    page = home_of(client, world.viewer)
    assert "Your answer: <strong>Yes" in page
    meetings.rsvp(actor=world.viewer, meeting=meeting, answer="no")
    assert "Your answer: <strong>No" in home_of(client, world.viewer)


def test_a_seat_lost_takes_the_community_off_home_at_once(client, world):
    circle = world.communities[1]
    page = home_of(client, world.viewer)
    assert "Circle 1" in page and "Who has moved carriers? (1)" in page
    seat = Membership.objects.get(community=circle, user=world.viewer)
    memberships.remove_member(actor=world.olly, membership=seat, reason="Left the company.")
    page = home_of(client, world.viewer)
    for trace in ("Circle 1", "(1)", "circle-1"):
        assert trace not in page
    # The other community is still there.
    assert "Who has moved carriers? (0)" in page


def test_leaving_takes_the_community_off_home_at_once(client, world):
    home_of(client, world.viewer)
    memberships.leave(actor=world.viewer, community=world.communities[1])
    page = home_of(client, world.viewer)
    assert "Circle 1" not in page and "(1)" not in page


def test_a_role_change_shows_or_hides_the_facilitators_queue_at_once(client, world):
    circle = world.communities[1]
    page = home_of(client, world.viewer)
    assert "Circle 1: manage members" not in page
    seat = Membership.objects.get(community=circle, user=world.viewer)
    memberships.change_role(actor=world.olly, membership=seat, role="facilitator")
    page = home_of(client, world.viewer)
    assert "Circle 1: manage members" in page
    assert "1 join request to decide" in page
    seat.refresh_from_db()
    memberships.change_role(actor=world.olly, membership=seat, role="member")
    assert "Circle 1: manage members" not in home_of(client, world.viewer)


def test_one_person_never_sees_anothers_home(client, world):
    """Olly and the viewer share both communities but not their Home: each
    sees their own replies, answers and queues, one after the other."""
    meeting = Meeting.objects.get(title="Spring gathering (0)")
    meetings.rsvp(actor=world.olly, meeting=meeting, answer="maybe")
    viewer_page = home_of(client, world.viewer)
    olly_page = home_of(client, world.olly)
    assert "Your answer: <strong>Maybe" in olly_page
    assert "Your answer: <strong>Maybe" not in viewer_page
    # Olly facilitates Circle 1, the viewer does not.
    assert "Circle 1: manage members" in olly_page
    assert "Circle 1: manage members" not in viewer_page
    # The replies to the viewer's threads are the viewer's news, not Olly's.
    assert "Replies to your threads" in viewer_page
    assert "Replies to your threads" not in olly_page
    assert "Your answer: <strong>Maybe" not in home_of(client, world.viewer)
