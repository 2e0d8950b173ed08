"""Community pages run the same, bounded number of SQL queries whatever the data size.

Each page is fetched in a world of 10 and of 1,000 communities (the viewer
belongs to all of them) and members (all in one community). The worlds are
bulk-created, so the test stays fast; the pages are real requests.
"""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copse import testing
from copse.accounts.models import User
from copse.communities.models import Community
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.memberships.services import _recount
from copse.norms.models import NormsVersion
from copse.organisations.models import Organisation

SIZES = (10, 1000)

# What each page may run at most, at any size. A page whose count grows with
# the data fails at 1,000 long before it reaches these limits.
PAGES = {
    "directory, anonymous": ("anonymous", lambda c: reverse("communities:directory"), 3),
    "directory, member": ("member", lambda c: reverse("communities:directory"), 10),
    "directory, site admin": ("site_admin", lambda c: reverse("communities:directory"), 10),
    # The home: session, user, community with the viewer's figures, standings,
    # the five latest threads and their tags; the rest is kept between requests.
    "home, member": ("member", lambda c: c.get_absolute_url(), 8),
    "home, facilitator": ("facilitator", lambda c: c.get_absolute_url(), 8),
    "members, member": ("member", lambda c: reverse("communities:members", args=[c.slug]), 10),
    "members, facilitator": (
        "facilitator",
        lambda c: reverse("communities:members", args=[c.slug]),
        10,
    ),
    "manage, facilitator": (
        "facilitator",
        lambda c: reverse("memberships:manage", args=[c.slug]),
        15,
    ),
}


class World:
    """One big community, many others, and the people who look at them."""

    def __init__(self):
        self.community = testing.make_community(
            slug="sv-ao-cop",
            name="Applications and Operations CoP",
            visibility="members",
            join_policy="request",
            meeting_cadence="Every other month",
        )
        self.member = testing.make_user("member@example.com", name="Mona Member")
        self.facilitator = testing.make_user("facilitator@example.com", name="Fay Facilitator")
        self.site_admin = testing.make_site_admin(email="admin@example.com", name="Ada Admin")
        testing.seat(self.community, self.facilitator, role="facilitator")
        testing.seat(self.community, self.member)
        version = NormsVersion.objects.create(
            community=self.community, number=1, body="What is said here stays here."
        )
        Community.objects.filter(pk=self.community.pk).update(norms_version=version.number)
        self.communities = 1
        self.people = 0

    def grow(self, size: int) -> None:
        """Add communities and people until there are `size` of each."""
        password = make_password(None)
        more = size - self.communities
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Company {self.people + n}") for n in range(max(more // 5, 1))
        )
        communities = Community.objects.bulk_create(
            Community(
                name=f"Community {self.communities + n:05d}",
                slug=f"community-{self.communities + n}",
                purpose="Peers who share a concern and learn together.",
                visibility=("open", "members", "confidential")[n % 3],
                listed=n % 7 != 0,
                eligibility="Practitioners",
                meeting_cadence="Monthly",
                member_count=3,
            )
            for n in range(more)
        )
        people = User.objects.bulk_create(
            User(
                email=f"person{self.people + n}@example.com",
                display_name=f"Person {self.people + n:05d}",
                handle=f"person-{self.people + n}",
                job_title="Director of Applications",
                organisation=organisations[n % len(organisations)],
                organisation_source="admin",
                password=password,
            )
            for n in range(size - self.people)
        )
        Membership.objects.bulk_create(
            [
                *(
                    Membership(community=c, user=self.member, organisation=None)
                    for c in communities
                ),
                *(
                    Membership(
                        community=self.community,
                        user=person,
                        organisation=person.organisation,
                        # Every tenth member has not accepted the current norms.
                        norms_accepted=0 if n % 10 == 0 else 1,
                        status="on_leave" if n % 50 == 0 else "active",
                    )
                    for n, person in enumerate(people)
                ),
            ]
        )
        waiting = User.objects.bulk_create(
            User(
                email=f"waiting{self.people + n}@example.com",
                display_name=f"Waiting {n}",
                handle=f"waiting-{self.people + n}",
                organisation=organisations[0],
                organisation_source="admin",
                password=password,
            )
            for n in range(max(size // 20, 1))
        )
        JoinRequest.objects.bulk_create(
            JoinRequest(community=self.community, user=person, note="Please let me in.")
            for person in waiting
        )
        Invitation.objects.bulk_create(
            Invitation(community=self.community, email=f"invited{self.people + n}@example.com")
            for n in range(max(size // 20, 1))
        )
        _recount(self.community)
        self.communities += more
        self.people = size


def _sign_in(client, world, viewer):
    if viewer != "anonymous":
        client.force_login(getattr(world, viewer))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_the_same_bounded_number_of_queries_at_any_size(
    client, db, django_assert_max_num_queries, page, size
):
    viewer, url, limit = PAGES[page]
    world = World()
    _sign_in(client, world, viewer)
    world.grow(SIZES[0])
    client.get(url(world.community))  # the session and caches warm up
    with CaptureQueriesContext(connection) as baseline:
        client.get(url(world.community))
    world.grow(size)
    # Growing changed what the home keeps between requests (its member
    # count): the first look renders those parts again, the next does not.
    client.get(url(world.community))
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url(world.community))
    assert response.status_code == 200
    assert len(captured) == len(baseline), (
        f"{page}: {len(baseline)} queries with {SIZES[0]}, {len(captured)} with {size}"
    )
