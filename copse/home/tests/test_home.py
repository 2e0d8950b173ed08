"""Home as each person sees it: every section with its contents and its
empty state, where a person lands after signing in, and what a visit is."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.home import services
from copse.home.models import HomeVisit
from copse.home.tests.world import HomeWorld
from copse.meetings import services as meetings
from copse.meetings.models import Meeting

pytestmark = pytest.mark.django_db

HOME = "/home/"


@pytest.fixture
def world():
    return HomeWorld(communities=2)


def home_as(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_what_waits_in_every_community(client, world):
    page = home_as(client, world.viewer)
    for n in (0, 1):
        assert f"Who has moved carriers? ({n})" in page  # a new ask, still unanswered
        assert f"Sharing our onboarding checklist ({n})" in page  # a reply to the viewer
        assert f"Spring gathering ({n})" in page
        assert f"Meet quarterly in person ({n})" in page
        assert f"Answer the trust pulse of Circle {n}" in page
        assert f"Circle {n}: manage members" in page or n == 1
    assert "1 new reply" in page
    # Not answered yet: an "Answer now" for each meeting.
    assert page.count("Answer now") == 2
    # The first community's norms changed: accept them, and vote nowhere there.
    assert "The norms of Circle 0 changed" in page
    assert "The norms of Circle 1 changed" not in page
    assert "Vendor contracts (1)" in page
    assert "Vendor contracts (0)" not in page
    # The viewer facilitates Circle 0 only: its request and invitation wait.
    assert "1 join request to decide" in page
    assert "1 invitation not yet accepted" in page
    assert "Circle 1: manage members" not in page


def test_an_answered_meeting_shows_the_answer_not_answer_now(client, world):
    meeting = Meeting.objects.get(title="Spring gathering (1)")
    meetings.rsvp(actor=world.viewer, meeting=meeting, answer="yes")
    page = home_as(client, world.viewer)
    assert page.count("Answer now") == 1
    assert "Your answer: <strong>Yes</strong>" in page


def test_own_threads_and_own_asks_are_not_news(client, world):
    page = home_as(client, world.olly)
    assert "Who has moved carriers?" not in page  # Olly asked it
    assert "Sharing our onboarding checklist (0)" in page  # Mona's thread is new to Olly


def test_someone_in_no_community_sees_each_empty_state(client):
    page = home_as(client, testing.make_user())
    assert "You do not belong to any community yet" in page
    assert "Nothing new since your last visit" in page
    assert "Nothing is waiting for your answer" in page
    assert "No meetings coming up" in page
    assert "No topics are open for voting" in page
    assert "You have accepted the current norms" in page
    assert "Waiting for you as facilitator" not in page


def test_a_facilitator_with_nothing_waiting_is_told_so(client):
    community = testing.make_community()
    fay = testing.make_user()
    testing.seat(community, fay, role="facilitator")
    page = home_as(client, fay)
    assert "No join requests or invitations are waiting" in page


def test_a_member_on_leave_sees_they_are_on_leave_and_is_asked_nothing(client, world):
    for community in world.communities:
        testing.seat(community, world.viewer, status="on_leave")
    page = home_as(client, world.viewer)
    assert "On leave" in page
    # They still read: the news is there; answering waits for their return.
    assert "Who has moved carriers? (1)" in page
    assert "Meet quarterly in person" not in page
    assert "Answer the trust pulse" not in page
    assert "Answer now" not in page


def test_signing_in_lands_on_home(client):
    person = testing.make_user()
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": testing.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_a_next_address_still_wins_over_home(client):
    person = testing.make_user()
    response = client.post(
        reverse("account_login") + "?next=/meetings/",
        {"login": person.email, "password": testing.PASSWORD, "next": "/meetings/"},
    )
    assert response["Location"] == "/meetings/"


def test_the_front_door_sends_the_signed_in_home_and_others_to_the_directory(client):
    assert client.get("/")["Location"] == reverse("communities:directory")
    client.force_login(testing.make_user())
    assert client.get("/")["Location"] == HOME


def test_the_signed_out_are_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_home_is_the_first_link_of_the_navigation(client):
    client.force_login(testing.make_user())
    page = client.get(reverse("communities:directory")).content.decode()
    nav = page[page.index('<nav class="site-nav"') :]
    links = nav[nav.index("<ul>") :]
    assert links.index('href="/home/"') < links.index('href="/communities/"')


# --- What a visit is ----------------------------------------------------------


def test_a_first_visit_counts_the_past_two_weeks_and_remembers_it():
    person = testing.make_user()
    since = services.record_visit(actor=person)
    assert timezone.now() - since >= services.FIRST_VISIT_LOOKS_BACK
    assert HomeVisit.objects.filter(user=person).exists()


def test_coming_back_within_the_hour_keeps_what_was_new():
    person = testing.make_user()
    long_ago = timezone.now() - dt.timedelta(days=3)
    a_while_ago = timezone.now() - dt.timedelta(minutes=30)
    HomeVisit.objects.create(user=person, previous_visit_at=long_ago, last_visit_at=a_while_ago)
    assert services.record_visit(actor=person) == long_ago
    visit = HomeVisit.objects.get(user=person)
    assert visit.previous_visit_at == long_ago
    assert visit.last_visit_at > a_while_ago  # seen again, written once in five minutes


def test_a_reload_within_minutes_writes_nothing():
    person = testing.make_user()
    just_now = timezone.now() - dt.timedelta(minutes=1)
    HomeVisit.objects.create(user=person, previous_visit_at=None, last_visit_at=just_now)
    services.record_visit(actor=person)
    assert HomeVisit.objects.get(user=person).last_visit_at == just_now


def test_coming_back_after_hours_counts_from_the_last_time_seen():
    person = testing.make_user()
    yesterday = timezone.now() - dt.timedelta(days=1)
    HomeVisit.objects.create(
        user=person, previous_visit_at=yesterday - dt.timedelta(days=5), last_visit_at=yesterday
    )
    assert services.record_visit(actor=person) == yesterday
    assert HomeVisit.objects.get(user=person).previous_visit_at == yesterday


def test_what_was_read_before_the_last_visit_is_not_new(client, world):
    later = timezone.now() + dt.timedelta(minutes=1)
    HomeVisit.objects.filter(user=world.viewer).update(previous_visit_at=later, last_visit_at=later)
    page = home_as(client, world.viewer)
    assert "Nothing new since your last visit" not in page  # the unanswered asks still wait
    assert "Sharing our onboarding checklist" not in page
    assert "New threads" not in page
