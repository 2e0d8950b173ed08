"""The demo's trust pulses: four quarterly pulses in the Riverbend
Principals' Circle whose trust rises each time, a fifth open now with four
answers (Farah has not answered); in the CIO CoP a pulse with results, one
that four people answered, which shows nothing, and one open now."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from copse.accounts.models import User
from copse.demo import pulses as demo
from copse.notifications.models import Notification
from copse.pulses import selectors
from copse.pulses.models import Pulse, PulseAnswer, Respondent

pytestmark = pytest.mark.django_db


def test_the_circle_trusts_more_each_quarter_and_a_pulse_is_open(client):
    call_command("demo", stdout=StringIO())
    farah = User.objects.get(email="farah@riverbend.example")
    circle = Pulse.objects.filter(community__slug="principals-circle").order_by("opens_on")
    assert circle.count() == 5
    *closed, current = circle
    assert all(p.results_shown and p.answers_sealed_at for p in closed)
    assert [p.respondent_count for p in closed] == [r.answers for r in demo.CIRCLE_ROUNDS]
    assert current.is_open and current.respondent_count == 4 and not current.results_shown
    assert not Respondent.objects.filter(pulse=current, user=farah).exists()
    # Each pulse's answers are its own people's, one each.
    for pulse in circle:
        assert PulseAnswer.objects.filter(pulse=pulse).count() == pulse.respondent_count
        assert Respondent.objects.filter(pulse=pulse).count() == pulse.respondent_count

    points = selectors.trend_for(farah, closed[0].community)
    assert len(points) == 4
    overall = [sum(point.means) / 5 for point in points]
    assert overall == sorted(overall) and overall[0] < overall[-1] - 1
    for n in range(5):
        assert points[0].means[n] < points[-1].means[n]

    client.force_login(farah)
    page = client.get(reverse("pulses:list", args=["principals-circle"])).content.decode()
    assert "(8 answered)" in page and ">Answer</a>" in page
    page = client.get(closed[-1].get_absolute_url()).content.decode()
    assert "I trust this group with things I would not say at a district meeting." in page
    page = client.get(current.get_absolute_url()).content.decode()
    assert "4 people have answered" in page and 'type="radio"' in page
    assert Notification.objects.filter(user=farah, kind="pulse_opened", read_at=None).exists()

    # A second load adds nothing.
    call_command("demo", stdout=StringIO())
    assert Pulse.objects.filter(community__slug="principals-circle").count() == 5
    assert (
        PulseAnswer.objects.filter(pulse__community__slug="principals-circle").count()
        == sum(r.answers for r in demo.CIRCLE_ROUNDS) + 4
    )


def test_four_answers_in_the_cio_cop_show_nothing(client):
    call_command("demo", stdout=StringIO())
    spring, summer, autumn = Pulse.objects.filter(community__slug="sv-cio-cop").order_by("opens_on")
    assert spring.results_shown and spring.respondent_count == 12
    assert summer.has_closed and summer.respondent_count == 4 and not summer.results_shown
    assert autumn.is_open and autumn.respondent_count == 3
    client.force_login(User.objects.get(email="dev@contoso.example"))
    page = client.get(summer.get_absolute_url()).content.decode()
    assert "Fewer than 5 people answered, so no results are shown" in page
    assert "Smaller side meetings" not in page
    page = client.get(autumn.get_absolute_url()).content.decode()
    assert "3 people have answered" in page and 'type="radio"' in page
