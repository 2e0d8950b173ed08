"""The facilitators' health page: each person's figures over the period,
the quiet members, asks and how fast they were answered, attendance,
size, norms and the reply network; what the period parameter does."""

import datetime as dt

import pytest
from django.urls import reverse

from copse import testing
from copse.health import selectors
from copse.health.tests.world import World, ago
from copse.library.models import LibraryItem, Reuse
from copse.topics.models import Topic, TopicVote

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def _page(client, world, query=""):
    client.force_login(world.fay)
    return client.get(reverse("health:health", args=[world.community.slug]) + query)


def _row(report, user):
    return next(p for p in report.people if p.user.pk == user.pk)


def test_the_page_shows_every_section_to_a_facilitator(client, world):
    response = _page(client, world)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Quiet members",
        "Who takes part",
        "Asks",
        "Attendance",
        "Norms",
        "Who answers whom",
        "Size",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "No asks in this period." in html
    assert "Quinn Quiet" in html


def test_participation_counts_each_kind_of_activity_in_the_period_only(world):
    mona, max_, fay = world.mona, world.max, world.fay
    ask = world.thread(mona, kind="ask", days_ago=10, title="Who has switched carriers?")
    helpful = world.post(ask, max_, days_ago=9, helpful=True, helpful_at=ago(8))
    world.post(ask, fay, days_ago=9)
    world.post(ask, mona, days_ago=8)
    # Long before the period: counts for when they last took part, not in the figures.
    old = world.thread(max_, days_ago=200)
    world.post(old, mona, days_ago=199)
    # Removed: not counted at all.
    world.post(ask, max_, days_ago=7, removed_at=ago(6))
    held = world.meeting(days_ago=20)
    world.rsvp(held, mona, attended=True)
    world.rsvp(held, max_, attended=False)
    coming = world.meeting(days_ago=-10)
    world.rsvp(coming, max_, answer="no", place="")
    topic = Topic.objects.create(community=world.community, title="Telecom", proposed_by=mona)
    TopicVote.objects.create(topic=topic, user=max_)
    TopicVote.objects.create(topic=topic, user=mona)
    item = LibraryItem.objects.create(
        community=world.community,
        kind="template",
        title="RFP template",
        created_by=mona,
        updated_at=ago(3),
    )
    item.authors.create(person=mona, name=mona.name)
    Reuse.objects.create(item=item, person=max_, note="Used it for our RFP.")

    report = selectors.health_report(fay, world.community, days=90)
    m, x = _row(report, mona), _row(report, max_)
    assert (m.posts, m.asks, m.replies) == (2, 1, 1)
    assert (x.posts, x.asks, x.replies) == (1, 0, 1)
    assert (m.helpful_given, m.helpful_received) == (1, 0)
    assert (x.helpful_given, x.helpful_received) == (0, 1)
    assert (m.answers, m.attended) == (1, 1)
    assert (x.answers, x.attended) == (2, 0)
    assert (m.topics, m.votes, x.topics, x.votes) == (1, 1, 0, 1)
    assert (m.items_added, m.reuses_made, m.reuses_of_theirs) == (1, 0, 1)
    assert (x.items_added, x.reuses_made, x.reuses_of_theirs) == (0, 1, 0)
    assert helpful.helpful
    # The year-long view counts the old thread and reply too.
    year = selectors.health_report(fay, world.community, days=365)
    assert (_row(year, mona).posts, _row(year, max_).posts) == (3, 2)


def test_every_seated_person_has_a_row_and_nobody_else(world):
    dee = testing.make_user(name="Dee Delegate")
    seat = world.community.memberships.get(user=world.mona)
    testing.seat(world.community, dee, role="delegate", principal=seat)
    gone = testing.make_user(name="Fred Former")
    testing.seat(world.community, gone, status="left")
    guest = testing.make_user(name="Gus Guest")
    testing.seat(world.community, guest, role="guest_presenter")
    report = selectors.health_report(world.fay, world.community, days=90)
    names = {p.user.name for p in report.people}
    assert names == {"Fay Facilitator", "Mona Member", "Max Member", "Quinn Quiet", "Dee Delegate"}


def test_quiet_members_are_those_with_nothing_for_the_quiet_weeks(world):
    # Mona posted last week; Max answered a meeting five weeks ago; Quinn
    # came to a meeting four months ago and nothing since.
    thread = world.thread(world.fay, days_ago=30)
    world.post(thread, world.mona, days_ago=7)
    world.rsvp(world.meeting(days_ago=-2), world.max, answer="yes")
    from copse.meetings.models import Rsvp

    Rsvp.objects.filter(user=world.max).update(answered_at=ago(35))
    world.rsvp(world.meeting(days_ago=120), world.quinn, attended=True)
    report = selectors.health_report(world.fay, world.community, days=30)
    quiet = {q.user.name: q for q in report.quiet}
    # Six weeks by default: Max (five weeks) is not quiet yet.
    assert set(quiet) == {"Quinn Quiet"}
    # Quinn's answer, a week before the meeting, was the last thing they did.
    assert quiet["Quinn Quiet"].person.last_active_at.date() == ago(127).date()
    settings = selectors.settings_for(world.community)
    settings.quiet_weeks = 4
    settings.save()
    report = selectors.health_report(world.fay, world.community, days=30)
    assert [q.user.name for q in report.quiet] == ["Quinn Quiet", "Max Member"]


def test_newcomers_are_not_quiet_until_the_quiet_weeks_have_passed_since_joining(world):
    newcomer = testing.make_user(name="Nia Newcomer")
    testing.seat(world.community, newcomer)
    report = selectors.health_report(world.fay, world.community, days=90)
    assert "Nia Newcomer" not in {q.user.name for q in report.quiet}
    assert "Quinn Quiet" in {q.user.name for q in report.quiet}


def test_members_on_leave_and_the_facilitator_looking_are_never_quiet(world):
    testing.seat(world.community, world.quinn, status="on_leave")
    report = selectors.health_report(world.fay, world.community, days=90)
    names = {q.user.name for q in report.quiet}
    assert "Quinn Quiet" not in names
    assert "Fay Facilitator" not in names
    # Another facilitator who has been quiet is on the list for Fay.
    assert names == {"Mona Member", "Max Member"}


def test_ask_times_are_median_and_90th_percentile_of_first_replies(world):
    # Asks answered after 1, 2, 3, 4 and 10 hours; one answered only by its
    # asker; one helpful reply after 5 hours.
    for n, hours in enumerate((1, 2, 3, 4, 10)):
        ask = world.thread(world.mona, kind="ask", days_ago=20, title=f"Ask {n}")
        world.post(ask, world.mona, hours_later=hours / 2)  # the asker's own: not an answer
        reply = world.post(ask, world.max, hours_later=hours)
        if n == 0:
            reply.helpful = True
            reply.helpful_at = ask.created_at + dt.timedelta(hours=5)
            reply.save()
    world.thread(world.max, kind="ask", days_ago=2, title="Nobody answered me")
    report = selectors.health_report(world.fay, world.community, days=30)
    asks = report.asks
    assert (asks.started, asks.answered, asks.answered_percent) == (6, 5, 83)
    assert asks.first_reply.median == dt.timedelta(hours=3)
    # Inclusive method: 4 + 0.6 * (10 - 4) hours.
    assert asks.first_reply.p90 == dt.timedelta(hours=7.6)
    assert asks.first_helpful.count == 1
    assert asks.first_helpful.median == dt.timedelta(hours=5)
    assert [t.title for t in asks.unanswered] == ["Nobody answered me"]


def test_unanswered_asks_are_listed_oldest_first_with_links(client, world):
    newer = world.thread(world.max, kind="ask", days_ago=2, title="Newer question")
    older = world.thread(world.mona, kind="ask", days_ago=50, title="Older question")
    answered = world.thread(world.mona, kind="ask", days_ago=3, title="Answered question")
    world.post(answered, world.max, days_ago=2)
    html = _page(client, world).content.decode()
    assert html.index("Older question") < html.index("Newer question")
    assert "Answered question" not in html
    assert older.get_absolute_url() in html and newer.get_absolute_url() in html


def test_attendance_per_meeting_and_per_member_over_the_last_twelve(client, world):
    meetings = [world.meeting(days_ago=30 * n + 1, title=f"Meeting {n}") for n in range(14)]
    for n, meeting in enumerate(meetings):
        world.rsvp(meeting, world.mona, attended=True)
        world.rsvp(meeting, world.max, attended=n % 2 == 0)
    # One without attendance taken, one cancelled, one side meeting.
    untaken = world.meeting(days_ago=0.5, title="Not taken")
    world.rsvp(untaken, world.mona)
    world.meeting(days_ago=6, status="cancelled")
    world.meeting(days_ago=7, kind="side")
    report = selectors.health_report(world.fay, world.community, days=90)
    assert len(report.meetings) == 12
    assert report.meetings[-1].meeting == untaken
    assert report.meetings[0].meeting == meetings[10]
    assert [m.came for m in report.meetings[:-1]] == [1 + (n % 2 == 0) for n in range(10, -1, -1)]
    rows = {person.user.name: marks for person, marks in report.attendance_rows}
    assert rows["Mona Member"] == [True] * 11 + [None]
    assert rows["Quinn Quiet"] == [False] * 11 + [None]
    chart = report.attendance
    assert chart.series[0][0] == "Had a place" and chart.series[1][1][-1] is None
    html = _page(client, world).content.decode()
    assert 'class="chart-data"' in html and "data:image/svg+xml;base64," in html


def test_size_band_and_norms_acceptance(client, world):
    from copse.memberships.models import Membership
    from copse.norms.services import publish_norms

    publish_norms(
        actor=world.fay, community=world.community, body="Stays here.", change_note="First."
    )
    world.community.refresh_from_db()
    Membership.objects.filter(community=world.community, user=world.mona).update(
        norms_accepted=world.community.norms_version
    )
    report = selectors.health_report(world.fay, world.community, days=90)
    assert {p.user.name for p, _ in report.norms["accepted"]} == {
        "Fay Facilitator",
        "Mona Member",
    }
    assert {p.user.name for p in report.norms["waiting"]} == {"Max Member", "Quinn Quiet"}
    assert report.size_band.key == "small"
    html = _page(client, world).content.decode()
    assert "2 of 4 seated people have accepted the current norms (version 1)" in html
    assert "Small" in html


@pytest.mark.parametrize(
    ("query", "days"),
    [
        ("", 90),
        ("?days=30", 30),
        ("?days=365", 365),
        ("?days=7", 90),
        ("?days=abc", 90),
        ("?days=" + "9" * 5000, 90),
        ("?days=%00", 90),
        ("?days=-30", 90),
    ],
)
def test_the_period_is_30_90_or_365_days_and_anything_else_is_90(client, world, query, days):
    response = _page(client, world, query)
    assert response.status_code == 200
    assert response.context["report"].days == days
    assert f'aria-current="page">Last {days} days<' in response.content.decode()
