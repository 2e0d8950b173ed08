"""Home runs the same, bounded number of queries whether the person belongs
to one community or six, each with something of every kind waiting, and
whatever the amount of content behind it."""

import datetime as dt

import pytest
from django.utils import timezone

from copse.conversations.models import Post, Thread
from copse.home.tests.world import HomeWorld
from copse.meetings.models import Meeting
from copse.topics.models import Topic

pytestmark = pytest.mark.django_db

# A reload of Home: the session (1), the user with their page figures (1),
# their standings (1), their communities with each one's unread threads,
# value questions, open pulse, join requests and invitations and the visit
# marker (1), the three lists of news (1), the next meetings with the
# viewer's answers (1), topics (1) and proposals (1).
HOME_QUERIES = 8
# The first request of a visit also moves the visit marker (a savepoint, the
# update, its release), refreshes the session's last-seen time (the same
# three) and asks whether the person's mail bounces (1, then kept in the
# session for minutes).
FIRST_OF_A_VISIT = HOME_QUERIES + 3 + 3 + 1


def _grow(world, threads: int = 40, replies: int = 5) -> None:
    """More of everything in each community, bulk-created: threads started
    by Olly and by the viewer, with replies, meetings and topics."""
    now = timezone.now()
    for community in world.communities:
        made = Thread.objects.bulk_create(
            Thread(
                community=community,
                kind="ask" if n % 3 == 0 else "discussion",
                title=f"Grown thread {n}",
                author=world.olly if n % 2 else world.viewer,
                last_activity_at=now,
                last_position=replies,
                reply_count=replies,
                ask_state="open",
            )
            for n in range(threads)
        )
        Post.objects.bulk_create(
            Post(
                thread=thread,
                community=community,
                position=p,
                author=world.olly if p else thread.author,
                body=f"post {p}",
            )
            for thread in made
            for p in range(replies + 1)
        )
        Meeting.objects.bulk_create(
            Meeting(
                community=community,
                title=f"Grown meeting {n}",
                time_zone="UTC",
                starts_at=now + dt.timedelta(days=20 + n),
                ends_at=now + dt.timedelta(days=20 + n, hours=2),
            )
            for n in range(10)
        )
        Topic.objects.bulk_create(
            Topic(community=community, title=f"Grown topic {n}", proposed_by=world.olly)
            for n in range(20)
        )


@pytest.mark.parametrize(("communities", "grown"), [(1, False), (6, False), (6, True)])
def test_home_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, communities, grown
):
    world = HomeWorld(communities=communities)
    if grown:
        _grow(world)
    client.force_login(world.viewer)
    with django_assert_max_num_queries(FIRST_OF_A_VISIT):
        assert client.get("/home/").status_code == 200
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/home/")
    assert response.status_code == 200
    page = response.content.decode()
    # Everything was there to count: each community's news and waiting items.
    for n in range(communities):
        assert f"Who has moved carriers? ({n})" in page or grown
        assert f"Meet quarterly in person ({n})" in page or n == 0
    # Circle 0's norms changed since the viewer accepted them: no voting there.
    assert "Vendor contracts (1)" in page or grown or communities == 1
    assert "Spring gathering (0)" in page
    assert "Answer the trust pulse of Circle 0" in page
    assert "Sharing our onboarding checklist (0)" in page or grown
