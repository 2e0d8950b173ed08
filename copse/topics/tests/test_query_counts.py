"""The backlog runs the same number of queries with 5 topics and 5 votes as
with 200 topics and 2,000 votes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copse import testing
from copse.topics.models import Topic, TopicVote

# Measured at both sizes: session, user, the viewer's standings, the
# community, the tab counts, the page, the viewer's votes on it, the
# notification badge.
BUDGET = 8
# Session, user, topic, standings (3), savepoint, delete, update, release,
# the new count, the viewer's vote.
VOTE_BUDGET = 12


@pytest.fixture
def voters(db):
    community = testing.make_community(slug="cop", visibility="members")
    people = [testing.make_user() for _ in range(10)]
    testing.seat(community, people[0], role="facilitator")
    for person in people[1:]:
        testing.seat(community, person)
    return community, people


def _grow(community, people, topics: int, votes_each: int, status: str):
    """Bulk-create topics, each with `votes_each` votes (the viewer's among them)."""
    Topic.objects.all().delete()
    made = Topic.objects.bulk_create(
        Topic(
            community=community,
            title=f"Topic {n}",
            why="Why it matters, at some length.",
            area="People",
            proposed_by=people[n % len(people)],
            status=status,
            vote_count=votes_each,
        )
        for n in range(topics)
    )
    TopicVote.objects.bulk_create(
        TopicVote(topic=topic, user=person) for topic in made for person in people[:votes_each]
    )
    return made


SIZES = {"small": (5, 1), "large": (200, 10)}  # 5 topics/5 votes; 200 topics/2,000 votes


@pytest.mark.parametrize("status", ["proposed", "parked"])
@pytest.mark.parametrize("viewer_index", [0, 1], ids=["facilitator", "member"])
def test_backlog_queries_do_not_grow_with_topics_or_votes(
    client, voters, django_assert_max_num_queries, status, viewer_index
):
    community, people = voters
    client.force_login(people[viewer_index])
    url = reverse("topics:backlog", args=[community.slug]) + f"?status={status}"
    counts = []
    for size, (topics, votes_each) in SIZES.items():
        _grow(community, people, topics, votes_each, status)
        assert TopicVote.objects.count() == topics * votes_each
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('class="card topic-row"') == min(topics, 50)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(BUDGET):
        client.get(url)
    # The next page costs the same.
    cursor = response.context["page"].next_cursor
    with django_assert_max_num_queries(BUDGET):
        assert client.get(url + f"&after={cursor}").status_code == 200


def test_a_vote_swaps_its_row_in_a_fixed_number_of_queries(
    client, voters, django_assert_max_num_queries
):
    community, people = voters
    made = _grow(community, people, 200, 10, "proposed")
    client.force_login(people[1])
    url = reverse("topics:vote", args=[community.slug, made[0].pk])
    with django_assert_max_num_queries(VOTE_BUDGET):
        response = client.post(url, {"withdraw": "1"}, HTTP_HX_REQUEST="true")
    assert "9 votes" in response.content.decode()
