"""Votes cast at the same moment are all counted, once each, on SQLite and
PostgreSQL: `Topic.vote_count` always equals the number of TopicVote rows.

Each thread has its own database connection, as separate web processes would
(real transactions: transactional_db).
"""

import pytest
from django.test import Client
from django.urls import reverse

from copse import testing
from copse.memberships.tests.test_concurrency import _in_parallel
from copse.topics import services
from copse.topics.models import Topic, TopicVote


@pytest.fixture
def ballot(transactional_db):
    community = testing.make_community(visibility="members")
    people = [testing.make_user() for _ in range(8)]
    for person in people:
        testing.seat(community, person)
    topic = services.nominate(
        actor=people[0], community=community, title="Busy topic", why="", area="People"
    )
    return community, people, topic


def _exact(topic):
    topic.refresh_from_db()
    assert topic.vote_count == TopicVote.objects.filter(topic=topic).count()
    return topic.vote_count


@pytest.mark.django_db(transaction=True)
def test_parallel_votes_and_withdrawals_keep_the_count_exact(ballot):
    community, people, topic = ballot

    def voter(person, keep):
        def run():
            fresh = Topic.objects.get(pk=topic.pk)
            for _ in range(3):
                services.vote(actor=person, topic=fresh)
                services.withdraw_vote(actor=person, topic=fresh)
            services.vote(actor=person, topic=fresh)
            if not keep:
                services.withdraw_vote(actor=person, topic=fresh)
            return True

        return run

    # Half keep their vote in the end, half withdraw it.
    results, errors = _in_parallel([voter(p, n % 2 == 0) for n, p in enumerate(people)])
    assert not errors, errors
    assert _exact(topic) == len(people) // 2


@pytest.mark.django_db(transaction=True)
def test_the_same_person_voting_from_several_tabs_counts_once(ballot):
    community, people, topic = ballot
    person = people[1]

    def click():
        client = Client()
        client.force_login(person)
        response = client.post(reverse("topics:vote", args=[community.slug, topic.pk]))
        return response.status_code

    statuses, errors = _in_parallel([click for _ in range(6)])
    assert not errors, errors
    assert statuses == [302] * 6
    assert _exact(topic) == 1
