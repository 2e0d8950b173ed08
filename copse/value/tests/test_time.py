"""Time invested against time saved: meetings attended times their length,
plus the person's own estimate of reading and writing, against the hours
their stories record; facilitators also see the community's totals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from copse.meetings.models import Rsvp
from copse.value import selectors, services
from copse.value.tests.conftest import make_meeting

pytestmark = pytest.mark.django_db


def _attended(meeting, person, attended=True):
    Rsvp.objects.create(meeting=meeting, user=person, answer="yes", attended=attended)


@pytest.fixture
def month(world):
    """Two four-hour meetings and a three-hour one in the last 90 days, one of
    400 days ago; the asker came to three, the member to one; estimates and
    stories."""
    recent = [
        world.meeting,
        make_meeting(world.community, days_ago=40, hours=4, title="February"),
        make_meeting(world.community, days_ago=70, hours=3, title="January"),
    ]
    old = make_meeting(world.community, days_ago=400, hours=4, title="Last year")
    for meeting in (*recent, old):
        _attended(meeting, world.asker)
    _attended(recent[0], world.member)
    _attended(recent[1], world.member, attended=False)
    cancelled = make_meeting(world.community, days_ago=5, title="Off", status="cancelled")
    _attended(cancelled, world.member)
    services.set_time_estimate(actor=world.asker, community=world.community, minutes_per_week=70)
    services.set_time_estimate(actor=world.member, community=world.community, minutes_per_week=35)
    for person, hours, money, currency, sharing in (
        (world.asker, "40", "250000", "USD", "report"),
        (world.asker, "2.5", "1000", "EUR", "private"),
        (world.member, "10", "500", "USD", "private"),
    ):
        services.record_story(
            actor=person,
            community=world.community,
            cycle="realised",
            title="Saved",
            story="Saved.",
            hours_saved=Decimal(hours),
            money_saved=Decimal(money),
            currency=currency,
            sharing=sharing,
        )
    return world


def test_a_persons_time_adds_meetings_and_their_estimate(month):
    world = month
    mine = selectors.time_of(world.asker, world.community, days=90)
    assert mine.meetings == 3
    assert mine.meeting_hours == Decimal("11.0")
    # 70 minutes a week for 90 days: 15 hours.
    assert mine.reading_hours == Decimal("15.0")
    assert mine.invested_hours == Decimal("26.0")
    assert mine.saved.hours == Decimal("42.5")
    assert mine.saved.money == [("USD", Decimal("250000.00")), ("EUR", Decimal("1000.00"))]
    a_year = selectors.time_of(world.asker, world.community, days=365)
    assert a_year.meetings == 3  # 400 days ago is outside even a year


def test_the_community_totals_sum_every_member(month):
    world = month
    ours = selectors.community_time(world.community, days=90)
    assert ours.meetings == 4
    assert ours.meeting_hours == Decimal("15.0")
    assert (ours.minutes_per_week, ours.estimates) == (105, 2)
    assert ours.reading_hours == Decimal("22.5")
    assert ours.saved.hours == Decimal("52.5")
    assert dict(ours.saved.money) == {"USD": Decimal("250500.00"), "EUR": Decimal("1000.00")}


def test_each_person_sees_their_own_and_facilitators_the_totals(client, month):
    world = month
    url = reverse("value:time", args=["cio"])
    client.force_login(world.member)
    page = client.get(url).content.decode()
    assert "Your time, last 90 days" in page
    assert "The community's totals" not in page
    assert "250,000" not in page and "EUR" not in page  # the asker's own figures
    client.force_login(world.facilitator)
    page = client.get(url, {"days": "30"}).content.decode()
    assert "Your time, last 30 days" in page
    assert "The community's totals, last 30 days" in page
    assert "USD 250,500" in page
    assert "Dev Asker" not in page and "Priya Member" not in page  # no one by name
    assert "<img" in page and 'class="chart-data"' in page


def test_the_estimate_is_kept_and_bad_input_comes_back(client, month):
    world = month
    url = reverse("value:time", args=["cio"]) + "?days=365"
    client.force_login(world.member)
    response = client.post(url, {"minutes_per_week": "5000"})
    assert response.status_code == 400
    assert 'value="5000"' in response.content.decode()
    response = client.post(url, {"minutes_per_week": "90"})
    assert response.status_code == 302
    assert response["Location"].endswith("?days=365")
    assert selectors.time_of(world.member, world.community, days=7).minutes_per_week == 90


def test_odd_periods_fall_back_to_ninety_days(client, month):
    client.force_login(month.member)
    for value in ("7", "-1", "abc", "9" * 40, ""):
        page = client.get(reverse("value:time", args=["cio"]), {"days": value}).content.decode()
        assert "Your time, last 90 days" in page, value


def test_a_delegate_and_an_on_leave_member_see_their_own(client, month):
    from copse import testing

    world = month
    testing.seat(world.community, world.member, status="on_leave")
    client.force_login(world.member)
    page = client.get(reverse("value:time", args=["cio"])).content.decode()
    assert "Your time" in page
    assert "Save my estimate" not in page  # on leave: read, not write
    client.force_login(world.delegate)
    assert "Save my estimate" in client.get(reverse("value:time", args=["cio"])).content.decode()
