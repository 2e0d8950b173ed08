"""Attacks on the sponsor's report: the matrix's confidential community, its
SECRET ask and a value story shared for the report with the SECRET in it.
Neither the sponsor nor a site admin may find the community's name or the
secret in the report or its CSV, and the sponsor meets a missing page at
every page of the community."""

import pytest
from django.urls import reverse

from copse import testing
from copse.conversations.models import Post
from copse.core import permissions
from copse.core.tests.authorization import SECRET
from copse.library.models import LibraryItem
from copse.pulses.models import PulseAnswer
from copse.sponsors.tests import programme

pytestmark = pytest.mark.django_db

# A few of the community's pages, each reached by its own kind of id.
COMMUNITY_PAGES = [
    ("communities:home", lambda ctx: {"slug": "circle"}),
    ("communities:members", lambda ctx: {"slug": "circle"}),
    ("conversations:list", lambda ctx: {"slug": "circle"}),
    ("conversations:thread", lambda ctx: {"slug": "circle", "thread_id": ctx["thread_id"]}),
    ("meetings:list", lambda ctx: {"slug": "circle"}),
    ("library:list", lambda ctx: {"slug": "circle"}),
    ("norms:current", lambda ctx: {"slug": "circle"}),
]


@pytest.fixture
def busy_world(world):
    """The matrix's world with the confidential community made busy enough
    that every figure would show, were it named: members, asks with helpful
    replies, a library item re-used, a pulse above its threshold."""
    community, people, ctx = world
    extra = programme.Made(community)
    for n in range(6):
        person = testing.make_user(f"circle{n}@example.com", name=f"Circle {n}")
        testing.seat(community, person)
        extra.people.append(person)
    for asker in range(5):
        programme.ask(extra, title=SECRET, asker=asker, replier=5, reply_after_hours=1)
    Post.objects.filter(community=community).update(helpful=True)
    programme.library_item(extra, title=SECRET, reuses=3)
    pulse = programme.pulse(extra, answers=[(5, 5, 5, 5, 5)] * 6, open_answer=SECRET)
    assert PulseAnswer.objects.filter(pulse=pulse).count() == 6
    assert LibraryItem.objects.filter(title=SECRET).exists()
    # A named community beside it, so the report has rows to show.
    programme.community(name="Open Designers", members=6, visibility="open")
    return community, people, ctx


@pytest.mark.parametrize("role", ["sponsor", "site_admin"])
@pytest.mark.parametrize("url_name", ["sponsors:report", "sponsors:report_csv"])
@pytest.mark.parametrize("days", ["90", "365"])
def test_the_report_never_names_the_confidential_community_nor_its_secret(
    client, busy_world, role, url_name, days
):
    community, people, _ = busy_world
    client.force_login(people[role])
    response = client.get(reverse(url_name), {"days": days})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Open Designers" in body
    assert community.name not in body
    assert community.slug not in body
    assert SECRET not in body
    # Nobody's name, but the viewer's own in the navigation.
    for person in people.values():
        if person is not None and person != people[role]:
            assert person.name not in body, f"{person.name} named to the {role}"


def test_the_confidential_community_is_one_count_and_its_members_another(client, busy_world):
    community, people, _ = busy_world
    client.force_login(people["sponsor"])
    page = client.get(reverse("sponsors:report")).content.decode()
    seated = community.memberships.filter(
        status__in=("active", "on_leave"), role__in=("member", "facilitator")
    ).count()
    assert f"1 confidential or unlisted community, {seated} members in all" in page


@pytest.mark.parametrize(("name", "kwargs_of"), COMMUNITY_PAGES)
def test_a_sponsor_meets_a_missing_page_in_the_confidential_community(
    client, busy_world, name, kwargs_of
):
    community, people, ctx = busy_world
    client.force_login(people["sponsor"])
    response = client.get(reverse(name, kwargs=kwargs_of(ctx)))
    assert response.status_code == 404
    assert community.name.encode() not in response.content
    assert SECRET.encode() not in response.content


def test_the_sponsor_role_reads_nothing_of_any_community(busy_world):
    community, people, _ = busy_world
    sponsor = people["sponsor"]
    for action in (
        "community.view",
        "community.read",
        "community.view_value",
        "community.view_pulses",
    ):
        assert not permissions.can(sponsor, action, community), action
    assert permissions.can(sponsor, "programme.view_report")
    assert not permissions.can(sponsor, "programme.grant_sponsor")
    assert not permissions.can(sponsor, "programme.manage")
