"""Answers saved while the time is picked: each lands before the pick or is
refused, never after it; and two people picking at once make one meeting."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.decisions import polls
from copse.decisions.models import DateAnswer, DatePoll
from copse.meetings.models import Meeting
from copse.memberships.tests.test_concurrency import _in_parallel


def _circle(members: int):
    community = testing.make_community(visibility="members")
    fay = testing.make_user(time_zone="Europe/Berlin")
    testing.seat(community, fay, role="facilitator")
    people = [testing.make_user() for _ in range(members)]
    for person in people:
        testing.seat(community, person)
    start = timezone.now() + dt.timedelta(days=10)
    poll = polls.create_poll(
        actor=fay,
        community=community,
        title="Next meeting",
        times=[(start.date(), dt.time(18)), ((start + dt.timedelta(days=1)).date(), dt.time(18))],
        time_zone="Europe/Berlin",
        format="online",
    )
    return community, fay, people, poll


@pytest.mark.django_db(transaction=True)
def test_answers_racing_the_pick_land_before_it_or_are_refused():
    community, fay, people, poll = _circle(6)
    option = poll.options.first()

    def answer(person):
        def go():
            fresh = DatePoll.objects.select_related("community").get(pk=poll.pk)
            try:
                polls.answer_poll(actor=person, poll=fresh, answers={option.pk: "yes"})
            except polls.NotAllowed:
                return "refused"
            return "saved"

        return go

    def pick():
        fresh = DatePoll.objects.select_related("community").get(pk=poll.pk)
        return polls.choose_time(actor=fay, poll=fresh, option_id=option.pk).pk

    results, errors = _in_parallel([pick, *[answer(p) for p in people]])
    assert not errors, errors
    poll.refresh_from_db()
    assert poll.status == "decided"
    saved = DateAnswer.objects.filter(option__poll=poll)
    assert saved.count() == results.count("saved")
    # Nothing was written after the pick.
    assert not saved.filter(updated_at__gt=poll.decided_at).exists()


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_picking_at_once_make_one_meeting():
    community, fay, people, poll = _circle(1)
    other = testing.make_user()
    testing.seat(community, other, role="facilitator")
    first, second = poll.options.all()

    def pick(person, option):
        def go():
            fresh = DatePoll.objects.select_related("community").get(pk=poll.pk)
            try:
                return polls.choose_time(actor=person, poll=fresh, option_id=option.pk).pk
            except polls.NotAllowed:
                return None

        return go

    results, errors = _in_parallel([pick(fay, first), pick(other, second)])
    assert not errors, errors
    assert Meeting.objects.filter(community=community).count() == 1
    assert sorted(r is None for r in results) == [False, True]
