"""The pulses pages run the same, bounded number of SQL queries whatever the
number of members, answers and pulses. Worlds are bulk-created; the pages
are real requests."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.accounts.models import User
from copse.memberships.models import Membership
from copse.pulses.models import Pulse, PulseAnswer, Respondent

SIZES = (3, 30)

PAGES = {
    # The session, the user, the standings (3), the community, the pulses,
    # the unread count (and, for the pulse page, its results: 2).
    "pulses, member": ("member", lambda w: reverse("pulses:list", args=[w.slug]), 9),
    "pulses, facilitator": ("facilitator", lambda w: reverse("pulses:list", args=[w.slug]), 9),
    "open pulse, member": ("member", lambda w: w.open.get_absolute_url(), 8),
    "open pulse, answered": ("answered", lambda w: w.open.get_absolute_url(), 8),
    "closed pulse with results": ("member", lambda w: w.results.get_absolute_url(), 10),
    "schedule a pulse": ("facilitator", lambda w: reverse("pulses:new", args=[w.slug]), 9),
}


def _answers(pulse, count):
    PulseAnswer.objects.bulk_create(
        PulseAnswer(
            pulse=pulse,
            statement_1=n % 5 + 1,
            statement_2=(n + 1) % 5 + 1,
            statement_3=(n + 2) % 5 + 1,
            statement_4=(n + 3) % 5 + 1,
            statement_5=(n + 4) % 5 + 1,
            open_answer=f"Thought {n}" if n % 2 else "",
        )
        for n in range(count)
    )


class World:
    def __init__(self):
        self.community = testing.make_community(slug="circle-q")
        self.slug = self.community.slug
        self.facilitator = testing.make_user(name="Fay Facilitator")
        self.member = testing.make_user(name="Mona Member")
        self.answered = testing.make_user(name="Ann Answered")
        testing.seat(self.community, self.facilitator, role="facilitator")
        testing.seat(self.community, self.member)
        testing.seat(self.community, self.answered)
        today = timezone.localdate()
        self.open = Pulse.objects.create(
            community=self.community, opens_on=today, closes_on=today + dt.timedelta(days=9)
        )
        Respondent.objects.create(pulse=self.open, user=self.answered)
        self.results = Pulse.objects.create(
            community=self.community,
            opens_on=today - dt.timedelta(days=30),
            closes_on=today - dt.timedelta(days=20),
        )
        self.size = 0

    def grow(self, size: int) -> None:
        """`size` more members who answered the open pulse, `size` more
        answers to the closed one and `size` older closed pulses."""
        more = size - self.size
        if more <= 0:
            return
        people = User.objects.bulk_create(
            User(
                email=f"principal{self.size + n}@example.com",
                display_name=f"Principal {self.size + n:03d}",
                handle=f"principal-{self.size + n}",
                password=make_password(None),
            )
            for n in range(more)
        )
        Membership.objects.bulk_create(
            Membership(community=self.community, user=person, status="active") for person in people
        )
        Respondent.objects.bulk_create(
            Respondent(pulse=self.open, user=person) for person in people
        )
        _answers(self.open, more)
        _answers(self.results, more + 5)
        oldest = Pulse.objects.filter(community=self.community).order_by("opens_on").first()
        for n in range(more):
            opens_on = oldest.opens_on - dt.timedelta(days=60 * (n + 1))
            pulse = Pulse.objects.create(
                community=self.community,
                opens_on=opens_on,
                closes_on=opens_on + dt.timedelta(days=14),
                respondent_count=6 if n % 3 else 4,
            )
            _answers(pulse, pulse.respondent_count)
        Pulse.objects.filter(pk__in=[self.open.pk, self.results.pk]).update(
            respondent_count=Respondent.objects.filter(pulse=self.open).count()
        )
        Pulse.objects.filter(pk=self.results.pk).update(
            respondent_count=PulseAnswer.objects.filter(pulse=self.results).count()
        )
        self.size = size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_the_same_bounded_number_of_queries_at_any_size(
    client, db, django_assert_max_num_queries, page, size
):
    viewer, url, limit = PAGES[page]
    world = World()
    client.force_login(getattr(world, viewer))
    world.grow(SIZES[0])
    client.get(url(world))  # the session warms up
    with CaptureQueriesContext(connection) as baseline:
        client.get(url(world))
    world.grow(size)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url(world))
    assert response.status_code == 200
    assert len(captured) == len(baseline), (
        f"{page}: {len(baseline)} queries with {SIZES[0]}, {len(captured)} with {size}"
    )
