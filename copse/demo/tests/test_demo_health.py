"""The demo's health stories: a quiet member in the A/O CoP, a facilitator
who takes most of the airtime in the Administrators' CoP, and a nudge in the
CIO CoP's log."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from copse.accounts.models import User
from copse.communities.models import Community
from copse.demo import health as story
from copse.health import selectors
from copse.health.models import Nudge

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=StringIO())


def _user(email):
    return User.objects.get(email=email)


def test_the_ao_cop_has_one_quiet_member_for_months(client, demo):
    community = Community.objects.get(slug=story.AO)
    irene = _user("irene.castillo@woodgrove.example")
    report = selectors.health_report(irene, community, days=90)
    quiet = {q.user.email: q for q in report.quiet}
    assert story.QUIET.email in quiet
    henrik = quiet[story.QUIET.email]
    assert henrik.person.posts == henrik.person.answers == henrik.person.attended == 0
    assert (timezone.now() - henrik.person.last_active_at).days > 90
    assert henrik.may_nudge
    client.force_login(irene)
    page = client.get(reverse("health:health", args=[story.AO])).content.decode()
    assert "Henrik Olsen" in page and "Send a kind nudge" in page


def test_a_facilitator_takes_most_of_the_airtime_in_the_administrators_cop(demo):
    community = Community.objects.get(slug=story.ADMINS)
    report = selectors.health_report(_user(story.TALKER), community, days=90)
    assert report.network.airtime > 0.5
    joanne = next(p for p in report.people if p.user.email == story.TALKER)
    assert joanne.posts >= len(story.TALK) + len(story.TALK_REPLIES)


def test_marias_nudge_to_olu_is_in_her_log_and_only_they_read_it(client, demo):
    nudge = Nudge.objects.get(community__slug=story.CIO)
    assert nudge.member.email == story.NUDGED and nudge.sent_by.email == story.NUDGER
    client.force_login(_user(story.NUDGER))
    page = client.get(reverse("health:health", args=[story.CIO])).content.decode()
    assert "Read what you wrote" in page
    assert client.get(nudge.get_absolute_url()).status_code == 200
    client.force_login(_user("dev@contoso.example"))
    assert client.get(nudge.get_absolute_url()).status_code == 404


def test_the_ask_times_are_times_a_person_takes(demo):
    community = Community.objects.get(slug=story.ADMINS)
    report = selectors.health_report(_user(story.TALKER), community, days=90)
    assert report.asks.first_helpful.count >= 1
    assert report.asks.first_helpful.median.days <= 3


def test_a_second_load_adds_no_story_again(demo):
    before = (
        Nudge.objects.count(),
        User.objects.filter(email=story.QUIET.email).count(),
        Community.objects.get(slug=story.ADMINS).posts.count(),
    )
    call_command("demo", stdout=StringIO())
    after = (
        Nudge.objects.count(),
        User.objects.filter(email=story.QUIET.email).count(),
        Community.objects.get(slug=story.ADMINS).posts.count(),
    )
    assert before == after == (1, 1, before[2])
