"""Date polls through the services and the pages: proposing times, answering
and changing answers, the best time, picking it (which creates a meeting, a
side meeting, a series, or moves a meeting and tells those coming), and
times shown in each person's own zone across daylight-saving changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from copse import testing
from copse.core import permissions
from copse.decisions import polls
from copse.decisions.models import DateAnswer, DatePoll
from copse.meetings import services as meetings
from copse.meetings.models import Meeting, MeetingSeries
from copse.notifications.models import Notification

BERLIN = "Europe/Berlin"
PACIFIC = "America/Los_Angeles"
NEXT_YEAR = timezone.now().year + 1
# Between the US change (second Sunday of March) and the EU one (last Sunday):
# Berlin is still on CET (UTC+1), Los Angeles already on PDT (UTC-7).
BETWEEN_CHANGES = dt.date(NEXT_YEAR, 3, 20)
# After both: Berlin on CEST (UTC+2), Los Angeles on PDT.
AFTER_CHANGES = dt.date(NEXT_YEAR, 4, 2)


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


@pytest.fixture
def circle(db):
    community = testing.make_community(slug="circle", name="The Circle")
    people = {
        "fay": testing.make_user("fay@example.com", name="Fay Facilitator", time_zone=BERLIN),
        "mona": testing.make_user("mona@example.com", name="Mona Member", time_zone=BERLIN),
        "max": testing.make_user("max@example.com", name="Max Member", time_zone=PACIFIC),
        "dee": testing.make_user("dee@example.com", name="Dee Delegate", time_zone=PACIFIC),
        "fred": testing.make_user("fred@example.com", name="Fred Former"),
    }
    testing.seat(community, people["fay"], role="facilitator")
    mona = testing.seat(community, people["mona"])
    testing.seat(community, people["max"])
    testing.seat(community, people["dee"], role="delegate", principal=mona)
    testing.seat(community, people["fred"], status="left")
    return community, people


def _soon(days: int, hour: int = 18) -> tuple[dt.date, dt.time]:
    day = (timezone.now() + dt.timedelta(days=days)).astimezone(ZoneInfo(BERLIN)).date()
    return day, dt.time(hour, 0)


def _poll(actor, community, **fields):
    values = {
        "title": "Next meeting",
        "times": [_soon(10), _soon(11), _soon(12)],
        "time_zone": BERLIN,
        "duration_minutes": 90,
        "format": "online",
        **fields,
    }
    return polls.create_poll(actor=actor, community=community, **values)


# --- Proposing ----------------------------------------------------------------------


def test_a_member_proposes_times_and_members_and_delegates_are_asked(
    circle, django_capture_on_commit_callbacks
):
    community, people = circle
    with django_capture_on_commit_callbacks(execute=True):
        poll = _poll(people["mona"], community)
    assert poll.options.count() == 3
    asked = set(
        Notification.objects.filter(kind="date_poll", target_id=poll.pk).values_list(
            "user__email", flat=True
        )
    )
    # Not the proposer, not someone who left.
    assert asked == {"fay@example.com", "max@example.com", "dee@example.com"}


def test_eighteen_hundred_in_berlin_after_the_change_is_stored_as_sixteen_utc(circle):
    community, people = circle
    poll = _poll(
        people["fay"],
        community,
        times=[(BETWEEN_CHANGES, dt.time(18)), (AFTER_CHANGES, dt.time(18))],
    )
    starts = [o.starts_at.astimezone(dt.UTC) for o in poll.options.all()]
    assert [(s.date(), s.hour) for s in starts] == [(BETWEEN_CHANGES, 17), (AFTER_CHANGES, 16)]
    pacific = [s.astimezone(ZoneInfo(PACIFIC)).hour for s in starts]
    assert pacific == [10, 9]


def test_the_poll_page_shows_each_reader_the_times_on_their_own_clocks(circle, client):
    community, people = circle
    poll = _poll(
        people["fay"],
        community,
        times=[(BETWEEN_CHANGES, dt.time(18)), (AFTER_CHANGES, dt.time(18))],
    )
    client.force_login(people["max"])
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "your time zone, America/Los Angeles" in page
    assert f"{BETWEEN_CHANGES:%a %-d %B %Y}, 10:00–11:30</time> PDT" in page
    assert f"{AFTER_CHANGES:%a %-d %B %Y}, 09:00–10:30</time> PDT" in page
    assert "18:00 in Europe/Berlin, as proposed" in page
    client.force_login(people["mona"])
    page = client.get(poll.get_absolute_url()).content.decode()
    assert f"{BETWEEN_CHANGES:%a %-d %B %Y}, 18:00–19:30</time> CET" in page
    assert f"{AFTER_CHANGES:%a %-d %B %Y}, 18:00–19:30</time> CEST" in page
    assert "as proposed" not in page


def test_a_time_the_clocks_skip_is_refused_with_the_reason_and_the_form_keeps_what_was_typed(
    circle, client
):
    community, people = circle
    skipped = _last_sunday(NEXT_YEAR, 3)
    with pytest.raises(polls.NonexistentTime, match="does not exist in Europe/Berlin"):
        _poll(people["fay"], community, times=[(skipped, dt.time(2, 30)), _soon(5)])
    client.force_login(people["fay"])
    response = client.post(
        f"/c/{community.slug}/decisions/dates/new/",
        {
            "title": "Spring meeting",
            "purpose": "meeting",
            "time_zone": BERLIN,
            "duration_minutes": "90",
            "format": "online",
            "date_1": skipped.isoformat(),
            "start_1": "02:30",
            "date_2": AFTER_CHANGES.isoformat(),
            "start_2": "18:00",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "the clocks go forward that night" in page
    assert 'value="Spring meeting"' in page
    assert f'value="{skipped.isoformat()}"' in page
    assert not DatePoll.objects.exists()


def test_a_time_the_clocks_pass_twice_is_the_first_still_on_summer_time(circle):
    community, people = circle
    twice = _last_sunday(NEXT_YEAR, 10)
    poll = _poll(people["fay"], community, times=[(twice, dt.time(2, 30)), _soon(5)])
    option = poll.options.order_by("-starts_at").first()
    utc = option.starts_at.astimezone(dt.UTC)
    assert (utc.date(), utc.hour, utc.minute) == (twice, 0, 30)  # 02:30 CEST


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"times": [(dt.date(2001, 1, 1), dt.time(9)), (AFTER_CHANGES, dt.time(18))]},
            "has passed",
        ),
        ({"times": [(AFTER_CHANGES, dt.time(18))]}, "at least 2 times"),
        ({"times": [(AFTER_CHANGES, dt.time(18))] * 2}, "proposed twice"),
        ({"title": "   "}, "Give the poll a title"),
        ({"time_zone": "Mars/Olympus"}, "not a time zone we know"),
        ({"purpose": "series"}, "how often the series meets"),
        ({"purpose": "move"}, "Choose the meeting"),
        ({"duration_minutes": 5}, "between 15 minutes"),
    ],
)
def test_a_poll_that_cannot_work_is_refused_with_a_reason(circle, fields, message):
    community, people = circle
    with pytest.raises(polls.PollError, match=message):
        _poll(people["mona"], community, **fields)


def test_a_delegate_answers_but_proposes_no_times(circle):
    community, people = circle
    with pytest.raises(polls.NotAllowed):
        _poll(people["dee"], community)


# --- Answering ----------------------------------------------------------------------


def test_members_and_delegates_answer_and_change_their_answers_while_it_is_open(circle):
    community, people = circle
    poll = _poll(people["fay"], community)
    first, second, third = poll.options.all()
    polls.answer_poll(actor=people["mona"], poll=poll, answers={first.pk: "yes", second.pk: "no"})
    polls.answer_poll(actor=people["dee"], poll=poll, answers={first.pk: "if_need_be"})
    polls.answer_poll(
        actor=people["mona"], poll=poll, answers={second.pk: "if_need_be", first.pk: ""}
    )
    mine = dict(DateAnswer.objects.filter(user=people["mona"]).values_list("option_id", "answer"))
    assert mine == {second.pk: "if_need_be"}
    with pytest.raises(polls.NotAllowed):
        polls.answer_poll(actor=people["fred"], poll=poll, answers={first.pk: "yes"})
    with pytest.raises(polls.PollError, match="yes, if need be or no"):
        polls.answer_poll(actor=people["max"], poll=poll, answers={first.pk: "perhaps"})


def test_the_best_time_is_most_yes_then_most_if_need_be_then_the_earliest(circle):
    community, people = circle
    poll = _poll(people["fay"], community)
    first, second, third = poll.options.all()
    polls.answer_poll(actor=people["mona"], poll=poll, answers={second.pk: "yes", third.pk: "yes"})
    polls.answer_poll(
        actor=people["max"], poll=poll, answers={second.pk: "no", third.pk: "if_need_be"}
    )
    polls.answer_poll(actor=people["dee"], poll=poll, answers={first.pk: "yes"})
    view = polls.poll_view(people["fay"], poll)
    assert view.best.pk == third.pk
    assert [(o.counts.yes, o.counts.if_need_be, o.counts.no) for o in view.options] == [
        (1, 0, 0),
        (1, 0, 1),
        (1, 1, 0),
    ]
    assert [m.user.email for m in view.waiting] == ["fay@example.com"]


def test_a_former_members_answers_stay_in_the_table_but_are_not_counted(circle):
    community, people = circle
    poll = _poll(people["fay"], community)
    first = poll.options.first()
    polls.answer_poll(actor=people["max"], poll=poll, answers={first.pk: "yes"})
    testing.seat(community, people["max"], status="left")
    view = polls.poll_view(people["fay"], poll)
    assert [(r.user.email, r.former) for r in view.rows] == [("max@example.com", True)]
    assert view.options[0].counts.yes == 0
    assert view.best is None


def test_the_table_names_each_answer_in_words(circle, client):
    community, people = circle
    poll = _poll(people["fay"], community)
    first, second, _ = poll.options.all()
    client.force_login(people["mona"])
    response = client.post(
        f"{poll.get_absolute_url()}answer/",
        {f"answer_{first.pk}": "yes", f"answer_{second.pk}": "if_need_be"},
    )
    assert response.status_code == 302
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "<caption>" in page and '<th scope="row">Mona Member' in page
    assert "<td>Yes</td>" in page and "<td>If need be</td>" in page
    assert "(best time)" in page
    bad = client.post(f"{poll.get_absolute_url()}answer/", {f"answer_{first.pk}": "maybe"})
    assert bad.status_code == 400
    assert "yes, if need be or no" in bad.content.decode()


# --- Picking the time ---------------------------------------------------------------


def test_the_facilitator_picks_the_time_and_the_meeting_is_on_the_calendar(
    circle, client, django_capture_on_commit_callbacks
):
    community, people = circle
    poll = _poll(people["mona"], community, details="Bring your renewal dates.")
    option = poll.options.last()
    # The member proposed a meeting of the community: scheduling it is a facilitator's.
    assert not permissions.can(people["mona"], "poll.decide", poll)
    with pytest.raises(polls.NotAllowed):
        polls.choose_time(actor=people["mona"], poll=poll, option_id=option.pk)
    client.force_login(people["fay"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{poll.get_absolute_url()}choose/", {"option": option.pk})
    meeting = Meeting.objects.get(community=community)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert (meeting.kind, meeting.starts_at, meeting.time_zone) == (
        "regular",
        option.starts_at,
        BERLIN,
    )
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=90)
    assert meeting.description == "Bring your renewal dates."
    poll.refresh_from_db()
    assert (poll.status, poll.chosen_id, poll.result_meeting_id) == (
        "decided",
        option.pk,
        meeting.pk,
    )
    # Closed for answers and for a second pick.
    with pytest.raises(polls.NotAllowed, match="closed"):
        polls.answer_poll(actor=people["max"], poll=poll, answers={option.pk: "yes"})
    with pytest.raises(polls.NotAllowed):
        polls.choose_time(actor=people["fay"], poll=poll, option_id=option.pk)


def test_a_member_picks_the_time_of_their_side_meeting(circle):
    community, people = circle
    poll = _poll(people["mona"], community, purpose="side_meeting")
    option = poll.options.first()
    meeting = polls.choose_time(actor=people["mona"], poll=poll, option_id=option.pk)
    assert (meeting.kind, meeting.organiser, meeting.starts_at) == (
        "side",
        people["mona"],
        option.starts_at,
    )


def test_picking_a_series_time_starts_the_series_on_that_weekday_of_the_month(circle):
    community, people = circle
    poll = _poll(
        people["fay"],
        community,
        purpose="series",
        cadence="monthly",
        times=[(AFTER_CHANGES, dt.time(18)), (AFTER_CHANGES, dt.time(19))],
    )
    option = poll.options.first()
    meeting = polls.choose_time(actor=people["fay"], poll=poll, option_id=option.pk)
    series = MeetingSeries.objects.get(community=community)
    weekday = polls.WEEKDAY_CODES[AFTER_CHANGES.weekday()]
    assert series.rrule == f"FREQ=MONTHLY;INTERVAL=1;BYDAY=+1{weekday}"
    assert (series.first_date, series.start_time, series.time_zone) == (
        AFTER_CHANGES,
        dt.time(18),
        BERLIN,
    )
    assert meeting.series == series and meeting.starts_at == option.starts_at
    later = list(series.meetings.order_by("starts_at")[1:3])
    # Still 18:00 in Berlin each month, whatever UTC says.
    assert all(m.starts_at.astimezone(ZoneInfo(BERLIN)).hour == 18 for m in later)


def test_moving_a_meeting_tells_those_who_said_they_would_come(
    circle, django_capture_on_commit_callbacks
):
    community, people = circle
    start = timezone.now() + dt.timedelta(days=4)
    meeting = meetings.create_meeting(
        actor=people["fay"],
        community=community,
        title="Monthly meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        time_zone=BERLIN,
    )
    meetings.rsvp(actor=people["max"], meeting=meeting, answer="yes")
    poll = _poll(people["mona"], community, purpose="move", meeting=meeting)
    option = poll.options.first()
    with pytest.raises(polls.NotAllowed):
        polls.choose_time(actor=people["mona"], poll=poll, option_id=option.pk)
    with django_capture_on_commit_callbacks(execute=True):
        moved = polls.choose_time(actor=people["fay"], poll=poll, option_id=option.pk)
    meeting.refresh_from_db()
    assert moved.pk == meeting.pk and meeting.starts_at == option.starts_at
    assert Notification.objects.filter(
        kind="meeting_changed", target_id=meeting.pk, user=people["max"]
    ).exists()


def test_the_organiser_of_a_side_meeting_moves_it_by_a_poll(circle):
    community, people = circle
    start = timezone.now() + dt.timedelta(days=4)
    side = meetings.create_meeting(
        actor=people["mona"],
        community=community,
        kind="side",
        title="Renewals, informally",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        time_zone=BERLIN,
    )
    poll = _poll(people["mona"], community, purpose="move", meeting=side)
    assert permissions.can(people["mona"], "poll.decide", poll)
    polls.choose_time(actor=people["mona"], poll=poll, option_id=poll.options.first().pk)
    side.refresh_from_db()
    assert side.starts_at == poll.options.first().starts_at


def test_the_proposer_closes_a_poll_without_a_time(circle):
    community, people = circle
    poll = _poll(people["mona"], community)
    with pytest.raises(polls.NotAllowed):
        polls.close_poll(actor=people["max"], poll=poll)
    polls.close_poll(actor=people["mona"], poll=poll)
    poll.refresh_from_db()
    assert poll.status == "closed" and not Meeting.objects.exists()


def test_new_polls_reach_the_inbox_and_lead_to_the_poll(
    circle, client, django_capture_on_commit_callbacks
):
    community, people = circle
    with django_capture_on_commit_callbacks(execute=True):
        poll = _poll(people["mona"], community, title="Renewals side meeting")
    client.force_login(people["max"])
    page = client.get("/notifications/").content.decode()
    assert "Mona Member asks when you can meet: “Renewals side meeting”" in page
    note = Notification.objects.get(user=people["max"], kind="date_poll")
    response = client.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == poll.get_absolute_url()


def test_the_decisions_page_and_the_meetings_page_lead_to_the_polls(circle, client):
    community, people = circle
    poll = _poll(people["mona"], community, title="Renewals side meeting")
    client.force_login(people["max"])
    decisions = client.get(f"/c/{community.slug}/decisions/").content.decode()
    assert 'id="date-polls"' in decisions and poll.get_absolute_url() in decisions
    assert "Waiting for your answer" in decisions
    meetings_page = client.get(f"/c/{community.slug}/meetings/").content.decode()
    assert f"/c/{community.slug}/decisions/dates/" in meetings_page


def test_a_move_is_proposed_from_the_form_and_mangled_picks_are_refused(circle, client):
    community, people = circle
    start = timezone.now() + dt.timedelta(days=4)
    meeting = meetings.create_meeting(
        actor=people["fay"],
        community=community,
        title="Monthly meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        time_zone=BERLIN,
    )
    client.force_login(people["mona"])
    form = client.get(f"/c/{community.slug}/decisions/dates/new/?meeting={meeting.pk}")
    assert 'value="New time for Monthly meeting"' in form.content.decode()
    day1, day2 = _soon(6)[0], _soon(7)[0]
    response = client.post(
        f"/c/{community.slug}/decisions/dates/new/",
        {
            "title": "New time for Monthly meeting",
            "purpose": "move",
            "meeting": str(meeting.pk),
            "time_zone": BERLIN,
            "duration_minutes": "120",
            "format": "online",
            "date_1": day1.isoformat(),
            "start_1": "18:00",
            "date_2": day2.isoformat(),
            "start_2": "18:00",
        },
    )
    poll = DatePoll.objects.get()
    assert response.status_code == 302 and poll.meeting == meeting and poll.purpose == "move"
    client.force_login(people["fay"])
    for value in ("", "abc", "9" * 40, "-1"):
        bad = client.post(f"{poll.get_absolute_url()}choose/", {"option": value})
        assert bad.status_code == 400, value
        assert "Choose one of" in bad.content.decode()
    client.force_login(people["max"])
    refused = client.post(f"{poll.get_absolute_url()}choose/", {"option": "abc"})
    assert refused.status_code == 403
    poll.refresh_from_db()
    assert poll.status == "open"
