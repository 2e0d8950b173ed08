"""The export pages run the same, bounded number of SQL queries whatever the
number of exports asked for. Worlds are bulk-created; the pages are real
requests (the status page also as htmx polls it)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.exports.models import Export

SIZES = (2, 25)
POLL = {"HTTP_HX_REQUEST": "true"}

PAGES = {
    # The session, the user (with what every page shows of them), the
    # community, the standings, the viewer's exports and the one under way.
    "community exports": (
        "facilitator",
        lambda w: reverse("exports:community", args=[w.slug]),
        {},
        6,
    ),
    # The same, with the export instead of the two lists.
    "community export ready": ("facilitator", lambda w: w.ready.get_absolute_url(), {}, 5),
    "community export polled": ("facilitator", lambda w: w.running.get_absolute_url(), POLL, 5),
    # The session, the user, and the copies (or the one copy).
    "your data": ("member", lambda w: reverse("exports:personal"), {}, 3),
    "your copy ready": ("member", lambda w: w.own.get_absolute_url(), {}, 3),
    "your copy polled": ("member", lambda w: w.own_running.get_absolute_url(), POLL, 3),
}


class World:
    def __init__(self):
        self.community = testing.make_community(slug="circle-q", visibility="confidential")
        self.slug = self.community.slug
        self.facilitator = testing.make_user(name="Fay Facilitator")
        self.member = testing.make_user(name="Mona Member")
        testing.seat(self.community, self.facilitator, role="facilitator")
        testing.seat(self.community, self.member)
        self.ready = self._made(Export.Kind.COMMUNITY, self.facilitator, self.community)
        self.ready.save()
        self.running = Export.objects.create(
            kind=Export.Kind.COMMUNITY,
            community=self.community,
            requested_by=self.facilitator,
            status=Export.Status.RUNNING,
            progress=40,
            step="Meetings and their materials",
        )
        self.own = self._made(Export.Kind.PERSONAL, self.member, None)
        self.own.save()
        self.own_running = Export.objects.create(
            kind=Export.Kind.PERSONAL, requested_by=self.member, status=Export.Status.QUEUED
        )
        self.size = 0

    @staticmethod
    def _made(kind, person, community, n: int = 0, status=Export.Status.READY) -> Export:
        now = timezone.now()
        return Export(
            kind=kind,
            community=community,
            requested_by=person,
            status=status,
            finished_at=now,
            expires_at=now + dt.timedelta(days=7 if status == Export.Status.READY else -1),
            progress=100,
            file_name=f"{kind}-{n}.zip",
            size=1000 + n,
            sha256="0" * 64,
            counts={"threads": n, "posts": 2 * n, "library_items": n},
        )

    def grow(self, size: int) -> None:
        """`size` more finished exports of each kind: ready, expired, failed."""
        more = size - self.size
        if more <= 0:
            return
        ready, expired = Export.Status.READY, Export.Status.EXPIRED
        rows = []
        for n in range(self.size, size):
            status = (ready, expired, Export.Status.FAILED)[n % 3]
            rows.append(
                self._made(Export.Kind.COMMUNITY, self.facilitator, self.community, n, status)
            )
            rows.append(self._made(Export.Kind.PERSONAL, self.member, None, n, status))
        Export.objects.bulk_create(rows)
        self.size = size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_the_same_bounded_number_of_queries_at_any_size(
    client, db, django_assert_max_num_queries, page, size
):
    viewer, url, headers, limit = PAGES[page]
    world = World()
    client.force_login(getattr(world, viewer))
    world.grow(SIZES[0])
    client.get(url(world), **headers)  # the session warms up
    with CaptureQueriesContext(connection) as baseline:
        client.get(url(world), **headers)
    world.grow(size)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url(world), **headers)
    assert response.status_code == 200
    assert len(captured) == len(baseline), (
        f"{page}: {len(baseline)} queries with {SIZES[0]}, {len(captured)} with {size}"
    )
