"""Attacks on Home: nobody sees anything of a confidential community they do
not read (no title, no name, no count), however they stand towards it."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.decisions import services as decisions
from copse.meetings.models import Meeting
from copse.pulses.models import Pulse
from copse.topics import services as topics

pytestmark = pytest.mark.django_db

WORD = "Quarantined"


@pytest.fixture
def circle(roles):
    """The matrix's confidential community, with one of everything Home
    gathers, each titled with WORD."""
    community, people = roles
    member, facilitator = people["member"], people["facilitator"]
    conversations.start_thread(
        actor=member,
        community=community,
        kind="ask",
        title=f"{WORD} ask about carriers",
        body="We pay too much.",
        tag_names=[],
    )
    thread = conversations.start_thread(
        actor=member,
        community=community,
        kind="discussion",
        title=f"{WORD} discussion",
        body="Notes.",
        tag_names=[],
    )
    conversations.post_reply(actor=facilitator, thread=thread, body="Agreed.")
    topics.nominate(
        actor=member, community=community, title=f"{WORD} topic", why="Soon.", area="Technology"
    )
    starts_at = timezone.now() + dt.timedelta(days=3)
    Meeting.objects.create(
        community=community,
        title=f"{WORD} meeting",
        time_zone="UTC",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
    )
    decisions.create_proposal(
        actor=facilitator,
        community=community,
        title=f"{WORD} proposal",
        body="Let us decide.",
        deadline=timezone.now() + dt.timedelta(days=2),
    )
    today = timezone.localdate()
    Pulse.objects.create(community=community, opens_on=today, closes_on=today)
    return community, people


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


def _assert_sees_nothing_of(page: str, community) -> None:
    assert WORD not in page
    assert community.name not in page
    assert community.slug not in page
    # No count betrays it either: nothing unread, nothing waiting.
    assert "unread posts" not in page
    assert "to decide" not in page


@pytest.mark.parametrize(
    "role",
    [
        "non_member",
        "requester",
        "invitee",
        "guest_presenter",
        "former_member",
        "site_admin",
        "sponsor",
    ],
)
def test_who_does_not_read_the_circle_sees_nothing_of_it_on_home(client, circle, role):
    community, people = circle
    _assert_sees_nothing_of(_home(client, people[role]), community)


def test_a_facilitator_of_another_community_sees_nothing_of_it(client, circle):
    community, _ = circle
    elsewhere = testing.make_community(name="Another Circle", visibility="confidential")
    other = testing.make_user(name="Otto Elsewhere")
    testing.seat(elsewhere, other, role="facilitator")
    page = _home(client, other)
    _assert_sees_nothing_of(page, community)
    assert "Another Circle" in page


def test_a_site_admin_seated_elsewhere_sees_only_that_community(client, circle):
    community, people = circle
    elsewhere = testing.make_community(name="Open Circle", visibility="open")
    testing.seat(elsewhere, people["site_admin"])
    page = _home(client, people["site_admin"])
    _assert_sees_nothing_of(page, community)
    assert "Open Circle" in page


def test_a_former_member_who_started_a_thread_hears_of_no_reply(client, circle):
    community, people = circle
    testing.seat(community, people["former_member"])
    thread = conversations.start_thread(
        actor=people["former_member"],
        community=community,
        kind="discussion",
        title=f"{WORD} from before leaving",
        body="Hello.",
        tag_names=[],
    )
    testing.seat(community, people["former_member"], status="left")
    conversations.post_reply(actor=people["member"], thread=thread, body="Hello back.")
    _assert_sees_nothing_of(_home(client, people["former_member"]), community)


def test_the_delegate_reads_the_news_but_is_asked_nothing(client, circle):
    community, people = circle
    page = _home(client, people["delegate"])
    assert f"{WORD} ask about carriers" in page
    assert f"{WORD} proposal" not in page  # delegates do not answer proposals
    assert f"{WORD} topic" not in page  # nor vote for topics


def test_the_member_sees_all_of_it(client, circle):
    community, people = circle
    page = _home(client, people["facilitator"])
    for title in ("ask about carriers", "discussion", "topic", "meeting", "proposal"):
        assert f"{WORD} {title}" in page
    assert "Answer the trust pulse of The Circle" in page
    assert "1 join request to decide" in page
