"""The members' "How we are doing": the community's totals and trends,
for the seated only, and never a person's name or figures."""

import pytest
from django.urls import reverse

from copse import testing
from copse.health import selectors
from copse.health.tests.world import World
from copse.memberships.models import Membership
from copse.norms.services import publish_norms

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy():
    """Asks answered and not, meetings with attendance, norms half accepted."""
    world = World()
    for n, hours in enumerate((2, 6)):
        ask = world.thread(world.mona, kind="ask", days_ago=20 + n, title=f"Ask {n}")
        world.post(ask, world.max, hours_later=hours)
    world.thread(world.max, kind="ask", days_ago=3, title="Still waiting")
    talk = world.thread(world.fay, days_ago=10, title="Agenda")
    world.post(talk, world.fay, days_ago=9)
    world.post(talk, world.mona, days_ago=8)
    for n in range(3):
        meeting = world.meeting(days_ago=10 + 30 * n)
        world.rsvp(meeting, world.mona, attended=True)
        world.rsvp(meeting, world.max, attended=n == 0)
    publish_norms(actor=world.fay, community=world.community, body="Stays here.", change_note="1")
    world.community.refresh_from_db()
    Membership.objects.filter(community=world.community, user=world.mona).update(norms_accepted=1)
    return world


def _page(client, world, viewer, query=""):
    client.force_login(viewer)
    return client.get(reverse("health:progress", args=[world.community.slug]) + query)


def test_the_totals_for_the_period(busy):
    report = selectors.progress_report(busy.mona, busy.community, days=90)
    assert report.posts == 3 + 2 + 3
    assert (report.asks.started, report.asks.answered, report.asks.answered_percent) == (3, 2, 67)
    assert report.asks.first_reply.median.total_seconds() == 4 * 3600
    assert (report.meetings_held, report.places, report.came) == (3, 6, 4)
    assert report.attendance_percent == 67
    assert (report.members, report.norms_version, report.norms_accepted, report.seated) == (
        4,
        1,
        2,
        4,
    )
    assert report.size_band.key == "small"
    assert sum(report.activity.series[0][1]) == report.posts
    # The last three meetings, oldest first: Max came only to the newest.
    assert [values[0] for _, values in report.attendance.rows] == [50, 50, 100]
    shorter = selectors.progress_report(busy.mona, busy.community, days=30)
    assert shorter.meetings_held == 1
    assert shorter.asks.started == 3


def test_a_year_is_shown_by_month_and_shorter_periods_by_week(busy):
    year = selectors.progress_report(busy.mona, busy.community, days=365)
    assert year.activity.title == "Posts per month"
    assert len(year.activity.labels) in (12, 13)
    month = selectors.progress_report(busy.mona, busy.community, days=30)
    assert month.activity.title == "Posts per week"
    assert len(month.activity.labels) in (5, 6)


@pytest.mark.parametrize("role", ["mona", "fay", "dee"])
def test_no_name_appears_on_the_members_page(client, busy, role):
    dee = testing.make_user(name="Dee Delegate")
    testing.seat(
        busy.community,
        dee,
        role="delegate",
        principal=busy.community.memberships.get(user=busy.mona),
    )
    viewer = {"mona": busy.mona, "fay": busy.fay, "dee": dee}[role]
    response = _page(client, busy, viewer, "?days=365")
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<h1>") : html.index("</main>")]
    for person in (busy.fay, busy.mona, busy.max, busy.quinn, dee):
        for word in (person.name, person.name.split()[0], person.email, person.handle):
            assert word not in body, word
    for figure in ("67%", "8", "4 hours"):
        assert figure in body
    assert "Ask 0" not in body and "Still waiting" not in body


def test_the_page_says_so_when_there_is_nothing_yet(client):
    world = World(slug="new", name="New CoP")
    html = _page(client, world, world.mona).content.decode()
    assert "No asks in this period." in html
    assert "Nothing was posted in this period." in html
    assert "We have no written norms yet." in html


def test_only_the_seated_see_it(client, busy):
    admin = testing.make_site_admin(name="Ada Admin")
    outsider = testing.make_user(name="Olive Outsider")
    guest = testing.make_user(name="Gus Guest")
    testing.seat(busy.community, guest, role="guest_presenter")
    former = testing.make_user(name="Fred Former")
    testing.seat(busy.community, former, status="left")
    sponsor = testing.make_user(name="Stan Sponsor", is_sponsor=True)
    for viewer in (admin, outsider, guest, former, sponsor):
        assert _page(client, busy, viewer).status_code == 404, viewer.name
    client.logout()
    response = client.get(reverse("health:progress", args=["cio"]))
    assert response.status_code == 302


def test_an_open_communitys_progress_is_for_its_seated_too(client):
    world = World(visibility="open", slug="open", name="Open CoP")
    outsider = testing.make_user(name="Olive Outsider")
    assert _page(client, world, outsider).status_code == 404
    assert _page(client, world, world.mona).status_code == 200


def test_the_home_links_members_to_how_we_are_doing_and_facilitators_to_health(client, busy):
    home = busy.community.get_absolute_url()
    progress = reverse("health:progress", args=["cio"])
    health = reverse("health:health", args=["cio"])
    client.force_login(busy.mona)
    html = client.get(home).content.decode()
    assert progress in html and health not in html
    client.force_login(busy.fay)
    html = client.get(home).content.decode()
    assert progress in html and health in html
    client.force_login(testing.make_site_admin(name="Ada Admin"))
    html = client.get(home).content.decode()
    assert progress not in html and health not in html
