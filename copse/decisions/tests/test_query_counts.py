"""The proposal page and the list of proposals run the same, bounded number
of SQL queries whatever the number of members, positions, replies, revisions
and proposals. Worlds are bulk-created; the pages are real requests."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.accounts.models import User
from copse.decisions.models import Position, PositionReply, Proposal, ProposalRevision
from copse.memberships.models import Membership
from copse.norms.services import publish_norms
from copse.organisations.models import Organisation

SIZES = (4, 120)
STANCES = ("agree", "abstain", "disagree", "block")

PAGES = {
    "proposal, member": ("member", lambda w: w.proposal.get_absolute_url(), 13),
    "proposal, facilitator": ("facilitator", lambda w: w.proposal.get_absolute_url(), 13),
    "proposal, delegate": ("delegate", lambda w: w.proposal.get_absolute_url(), 13),
    # The home also asks for the viewer's waiting value prompts (one query),
    # and for the top topics of its side column (one query).
    "community home, member": ("member", lambda w: w.community.get_absolute_url(), 15),
    "community home, delegate": ("delegate", lambda w: w.community.get_absolute_url(), 14),
    "open proposals, member": (
        "member",
        lambda w: reverse("decisions:list", args=[w.community.slug]),
        # The page's proposals, and the open date polls beside them.
        9,
    ),
    "decided proposals, facilitator": (
        "facilitator",
        lambda w: reverse("decisions:list", args=[w.community.slug]) + "?state=decided",
        9,
    ),
}


class World:
    def __init__(self):
        self.community = testing.make_community(slug="sv-cio-cop", visibility="confidential")
        self.facilitator = testing.make_user(name="Fay Facilitator")
        self.member = testing.make_user(name="Mona Member")
        self.delegate = testing.make_user(name="Dee Delegate")
        testing.seat(self.community, self.facilitator, role="facilitator")
        seat = testing.seat(self.community, self.member)
        testing.seat(self.community, self.delegate, role="delegate", principal=seat)
        publish_norms(
            actor=self.facilitator,
            community=self.community,
            body="We keep confidences.\n",
            change_note="First version.",
        )
        self.community.refresh_from_db()
        Membership.objects.filter(community=self.community).update(
            norms_accepted=self.community.norms_version
        )
        self.proposal = Proposal.objects.create(
            community=self.community,
            proposed_by=self.facilitator,
            title="Add a norm about recordings",
            body="We do not record meetings.",
            kind="norms",
            norms_text="We keep confidences.\nWe do not record meetings.\n",
            norms_base_version=self.community.norms_version,
            deadline=timezone.now() + dt.timedelta(days=5),
        )
        self.size = 0

    def grow(self, size: int) -> None:
        """`size` members who each answered (some left since, some have
        replies), `size` revisions and `size` proposals of each state."""
        more = size - self.size
        if more <= 0:
            return
        organisation = Organisation.objects.create(name=f"Company {size}")
        people = User.objects.bulk_create(
            User(
                email=f"voter{self.size + n}@example.com",
                display_name=f"Voter {self.size + n:04d}",
                handle=f"voter-{self.size + n}",
                organisation=organisation if n % 2 else None,
                organisation_source="admin",
                password=make_password(None),
            )
            for n in range(more)
        )
        Membership.objects.bulk_create(
            Membership(
                community=self.community,
                user=person,
                organisation=person.organisation,
                norms_accepted=self.community.norms_version,
                # Every fifth has left since answering; their position shows, uncounted.
                status="left" if n % 5 == 4 else "active",
            )
            for n, person in enumerate(people)
        )
        # Half the newcomers answer; the rest are waiting.
        positions = Position.objects.bulk_create(
            Position(
                proposal=self.proposal,
                user=person,
                stance=STANCES[n % 4],
                reason="Because." if n % 3 else "",
                revision=1,
            )
            for n, person in enumerate(people)
            if n % 2 == 0
        )
        PositionReply.objects.bulk_create(
            PositionReply(position=position, author=people[(n + 1) % len(people)], body="Why?")
            for n, position in enumerate(positions)
            for _ in range(2)
        )
        base = Proposal.objects.get(pk=self.proposal.pk).revision
        ProposalRevision.objects.bulk_create(
            ProposalRevision(
                proposal=self.proposal,
                number=base + n,
                title=self.proposal.title,
                body=self.proposal.body,
                norms_text=self.proposal.norms_text,
                note=f"Change {base + n}",
                revised_by=people[n % len(people)],
            )
            for n in range(more)
        )
        Proposal.objects.filter(pk=self.proposal.pk).update(revision=base + more)
        Proposal.objects.bulk_create(
            Proposal(
                community=self.community,
                proposed_by=people[n % len(people)],
                title=f"Proposal {self.size + n}",
                body="Something to decide.",
                status=("open", "passed", "not_passed", "withdrawn")[n % 4],
                deadline=timezone.now() + dt.timedelta(days=3),
            )
            for n in range(more * 2)
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
    # The home keeps fragments between requests, some keyed by the minute:
    # each measured request renders them afresh, from the data of its size,
    # whichever minute it falls in.
    fragments = caches["template_fragments"]
    fragments.clear()
    with CaptureQueriesContext(connection) as baseline:
        client.get(url(world))
    world.grow(size)
    fragments.clear()
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url(world))
    assert response.status_code == 200
    assert len(captured) == len(baseline), (
        f"{page}: {len(baseline)} queries with {SIZES[0]}, {len(captured)} with {size}"
    )
