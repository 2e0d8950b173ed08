"""The health page and "How we are doing" run the same number of queries
whatever the number of members, posts, asks, meetings, topics, library
items and nudges: every figure comes from a grouped query, never one per
person. Worlds are bulk-created; the pages are real requests."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse.accounts.models import User
from copse.conversations.models import Post, Thread
from copse.health.models import Nudge
from copse.health.tests.world import World
from copse.library.models import ItemAuthor, LibraryItem, Reuse
from copse.meetings.models import Meeting, Rsvp
from copse.memberships.models import Membership
from copse.topics.models import Topic, TopicVote

pytestmark = pytest.mark.django_db

# (members, threads per member, meetings)
SMALL = (3, 1, 2)
LARGE = (25, 6, 14)
# What the facilitators' page costs at most (the reply network's own
# queries included), and the members' page.
HEALTH_MOST = 32
PROGRESS_MOST = 18


def grow(world: World, members: int, threads_each: int, meetings: int) -> None:
    community = world.community
    now = timezone.now()
    people = User.objects.bulk_create(
        [
            User(email=f"p{n}@{community.slug}.example", display_name=f"Person {n}")
            for n in range(members)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(community=community, user=person, role="member", status="active")
            for person in people
        ]
    )
    Membership.objects.filter(community=community).update(joined_at=now - dt.timedelta(days=300))
    everyone = [world.fay, world.mona, world.max, world.quinn, *people]
    threads = Thread.objects.bulk_create(
        [
            Thread(
                community=community,
                kind="ask" if n % 2 else "discussion",
                ask_state="open" if n % 2 else "",
                title=f"Thread {person.pk}-{n}",
                author=person,
                last_activity_at=now,
                visibility_floor=community.visibility,
                last_position=2,
                reply_count=2 if n % 3 else 0,
            )
            for person in everyone
            for n in range(threads_each)
        ]
    )
    posts = []
    for k, thread in enumerate(threads):
        posts.append(Post(thread=thread, community=community, position=0, author=thread.author))
        if thread.reply_count:
            for position in (1, 2):
                posts.append(
                    Post(
                        thread=thread,
                        community=community,
                        position=position,
                        author=everyone[(k + position) % len(everyone)],
                        helpful=position == 1,
                        helpful_at=now if position == 1 else None,
                    )
                )
    Post.objects.bulk_create(posts)
    held = Meeting.objects.bulk_create(
        [
            Meeting(
                community=community,
                title=f"Meeting {n}",
                starts_at=now - dt.timedelta(days=7 * n + 1),
                ends_at=now - dt.timedelta(days=7 * n),
            )
            for n in range(meetings)
        ]
    )
    Rsvp.objects.bulk_create(
        [
            Rsvp(meeting=meeting, user=person, answer="yes", place="going", attended=n % 3 > 0)
            for meeting in held
            for n, person in enumerate(everyone)
        ]
    )
    topics = Topic.objects.bulk_create(
        [Topic(community=community, title=f"Topic {p.pk}", proposed_by=p) for p in everyone]
    )
    TopicVote.objects.bulk_create(
        [TopicVote(topic=topic, user=person) for topic in topics[:3] for person in everyone]
    )
    items = LibraryItem.objects.bulk_create(
        [
            LibraryItem(
                community=community, kind="template", title=f"T{p.pk}", created_by=p, updated_at=now
            )
            for p in everyone
        ]
    )
    ItemAuthor.objects.bulk_create(
        [ItemAuthor(item=item, person=item.created_by, name="x") for item in items]
    )
    Reuse.objects.bulk_create(
        [Reuse(item=items[0], person=p, note="Used it.") for p in everyone[1:]]
    )
    Nudge.objects.bulk_create(
        [Nudge(community=community, member=p, sent_by=world.fay, body="Hi") for p in people]
    )


def _count(client, world, viewer, name) -> int:
    client.force_login(viewer)
    url = reverse(name, args=[world.community.slug])
    client.get(url)  # settings made on the first visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "?days=365")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "most"), [("health:health", HEALTH_MOST), ("health:progress", PROGRESS_MOST)]
)
def test_the_pages_run_a_fixed_number_of_queries_at_two_sizes(
    client, name, most, django_assert_max_num_queries
):
    small = World(slug="small", name="Small CoP")
    grow(small, *SMALL)
    large = World(slug="large", name="Large CoP")
    grow(large, *LARGE)
    viewer_small = small.fay if name == "health:health" else small.mona
    viewer_large = large.fay if name == "health:health" else large.mona
    counted = _count(client, small, viewer_small, name)
    assert counted <= most
    client.force_login(viewer_large)
    url = reverse(name, args=["large"])
    client.get(url)  # settings made on the first visit, as for the small one
    with django_assert_max_num_queries(counted):
        response = client.get(url + "?days=365")
    html = response.content.decode()
    if name == "health:health":
        assert "Person 24" in html and "Quiet members" in html
    else:
        assert "Person" not in html
