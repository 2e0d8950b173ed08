"""Replies posted at the same moment get distinct, gapless positions."""

import pytest

from copse import testing
from copse.conversations import services
from copse.conversations.models import Post, Thread
from copse.memberships.tests.test_concurrency import _in_parallel


@pytest.mark.django_db(transaction=True)
def test_parallel_replies_are_numbered_without_gaps_or_clashes():
    community = testing.make_community(visibility="members")
    people = [testing.make_user() for _ in range(10)]
    for person in people:
        testing.seat(community, person)
    thread = services.start_thread(
        actor=people[0], community=community, kind="discussion", title="Busy", body="Go"
    )

    def replier(person):
        def reply():
            fresh = Thread.objects.get(pk=thread.pk)
            for n in range(3):
                services.post_reply(actor=person, thread=fresh, body=f"{person.pk} says {n}")
            return True

        return reply

    results, errors = _in_parallel([replier(p) for p in people])
    assert not errors, errors
    positions = sorted(Post.objects.filter(thread=thread).values_list("position", flat=True))
    assert positions == list(range(31))
    thread.refresh_from_db()
    assert (thread.last_position, thread.reply_count) == (30, 30)
