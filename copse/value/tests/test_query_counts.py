"""Value pages run the same, bounded number of queries with 3 members and
with 30, each with stories, meetings attended, estimates and prompts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.meetings.models import Rsvp
from copse.value.models import TimeEstimate, ValuePrompt, ValueStory
from copse.value.tests.conftest import make_item, make_meeting

SIZES = (3, 30)


class Growing:
    def __init__(self):
        self.community = testing.make_community(slug="cio", visibility="confidential")
        self.facilitator = testing.make_user("maria@example.com")
        self.member = testing.make_user("dev@example.com")
        testing.seat(self.community, self.facilitator, role="facilitator")
        testing.seat(self.community, self.member)
        self.thread = conversations.start_thread(
            actor=self.member, community=self.community, kind="ask", title="Telecom?", body="?"
        )
        self.people = 0
        self.story = None

    def grow(self, size: int) -> None:
        for n in range(self.people, size):
            person = testing.make_user(f"member{n}@example.com")
            testing.seat(self.community, person)
            meeting = make_meeting(self.community, days_ago=1 + n % 80, title=f"Meeting {n}")
            item = make_item(self.community, title=f"Template {n}")
            thread = conversations.start_thread(
                actor=person, community=self.community, kind="ask", title=f"Ask {n}", body="?"
            )
            for who in (person, self.member):
                Rsvp.objects.create(meeting=meeting, user=who, answer="yes", attended=True)
            TimeEstimate.objects.create(user=person, community=self.community, minutes_per_week=30)
            for author, sharing in ((person, "community"), (self.member, "private")):
                story = ValueStory.objects.create(
                    community=self.community,
                    author=author,
                    cycle="realised",
                    title=f"Story {n}",
                    story="Saved.",
                    money_saved=Decimal(100 + n),
                    currency=("USD", "EUR", "GBP")[n % 3],
                    hours_saved=Decimal(n),
                    sharing=sharing,
                )
                story.threads.add(thread, self.thread)
                story.meetings.add(meeting)
                story.library_items.add(item)
                if author == self.member and self.story is None:
                    self.story = story  # the member's own: they read and edit it
            ValuePrompt.objects.create(
                user=self.member, community=self.community, kind="attended", meeting=meeting
            )
            ValuePrompt.objects.create(
                user=self.member, community=self.community, kind="helpful", thread=thread
            )
        ValueStory.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
        self.people = size


PAGES = {
    "list, member": ("member", lambda w: reverse("value:list", args=["cio"]), 12),
    "list, facilitator": ("facilitator", lambda w: reverse("value:list", args=["cio"]), 12),
    "story, member": ("member", lambda w: w.story.get_absolute_url(), 12),
    "new, member": ("member", lambda w: reverse("value:new", args=["cio"]), 12),
    "edit, author": ("member", lambda w: reverse("value:edit", args=["cio", w.story.pk]), 18),
    "time, member": ("member", lambda w: reverse("value:time", args=["cio"]), 12),
    "time, facilitator": ("facilitator", lambda w: reverse("value:time", args=["cio"]), 16),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_value_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, page):
    role, url_of, limit = PAGES[page]
    world = Growing()
    client.force_login(getattr(world, role))
    world.grow(SIZES[0])
    url = url_of(world)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    world.grow(SIZES[1])
    with django_assert_max_num_queries(limit) as big:
        response = client.get(url)
    assert response.status_code == 200
    assert len(big) == len(small), f"{page}: {len(small)} with 3 members, {len(big)} with 30"


@pytest.mark.django_db
def test_prompts_cost_the_home_and_the_thread_one_query(client):
    world = Growing()
    client.force_login(world.member)
    counts = []
    for size in SIZES:
        world.grow(size)
        for url in (world.community.get_absolute_url(), world.thread.get_absolute_url()):
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert b"Did this save you time or money?" in response.content or url.endswith(
                f"/{world.thread.pk}/"
            )
            counts.append(len(captured))
    assert counts[:2] == counts[2:], counts
