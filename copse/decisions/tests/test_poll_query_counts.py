"""The date poll page and the lists of polls run a fixed number of queries,
whatever the number of times, people and polls."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.decisions import polls

# Measured once; the point is that both sizes stay under the same figure.
POLL_PAGE = 15
POLL_LIST = 12
DECISIONS_PAGE = 9


def _community(people: int):
    community = testing.make_community()
    fay = testing.make_user(name="Fay", time_zone="Europe/Berlin")
    testing.seat(community, fay, role="facilitator")
    members = [testing.make_user(time_zone="America/Los_Angeles") for _ in range(people)]
    for member in members:
        testing.seat(community, member)
    return community, fay, members


def _poll(community, fay, members, options: int):
    start = timezone.now() + dt.timedelta(days=10)
    times = [((start + dt.timedelta(days=n)).date(), dt.time(18)) for n in range(options)]
    poll = polls.create_poll(
        actor=fay,
        community=community,
        title="Next meeting",
        times=times,
        time_zone="Europe/Berlin",
        format="online",
    )
    ids = list(poll.options.values_list("pk", flat=True))
    for n, member in enumerate(members):
        polls.answer_poll(
            actor=member,
            poll=poll,
            answers={pk: ("yes", "if_need_be", "no")[(n + i) % 3] for i, pk in enumerate(ids)},
        )
    return poll


@pytest.mark.parametrize(("people", "options"), [(2, 2), (15, 8)])
def test_the_poll_page(client, db, django_assert_max_num_queries, people, options):
    community, fay, members = _community(people)
    poll = _poll(community, fay, members, options)
    client.force_login(fay)
    with django_assert_max_num_queries(POLL_PAGE):
        response = client.get(poll.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == people + 3


@pytest.mark.parametrize("count", [1, 14])
def test_the_list_of_polls_and_the_decisions_page(client, db, django_assert_max_num_queries, count):
    community, fay, members = _community(3)
    for _ in range(count):
        _poll(community, fay, members, 3)
    client.force_login(members[0])
    with django_assert_max_num_queries(POLL_LIST):
        response = client.get(f"/c/{community.slug}/decisions/dates/")
    assert response.content.decode().count('class="card" id="poll-') == count
    with django_assert_max_num_queries(DECISIONS_PAGE):
        response = client.get(f"/c/{community.slug}/decisions/")
    assert response.content.decode().count('class="card" id="poll-') == count
