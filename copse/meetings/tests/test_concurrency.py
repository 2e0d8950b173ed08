"""Capacity holds when many members answer yes at the same moment."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.meetings import services
from copse.meetings.models import Meeting, Rsvp
from copse.memberships.tests.test_concurrency import _in_parallel


@pytest.mark.django_db(transaction=True)
def test_parallel_yeses_never_overflow_capacity_and_queue_the_rest():
    community = testing.make_community(visibility="members")
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    people = [testing.make_user() for _ in range(12)]
    for person in people:
        testing.seat(community, person)
    start = timezone.now() + dt.timedelta(days=10)
    meeting = services.create_meeting(
        actor=facilitator,
        community=community,
        title="Popular",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=4,
    )

    def answer(person):
        def go():
            fresh = Meeting.objects.get(pk=meeting.pk)
            return services.rsvp(actor=person, meeting=fresh, answer="yes").place

        return go

    results, errors = _in_parallel([answer(p) for p in people])
    assert not errors, errors
    assert sorted(results).count("going") == 4
    assert Rsvp.objects.filter(meeting=meeting, place="going").count() == 4
    assert Rsvp.objects.filter(meeting=meeting, place="waitlisted").count() == 8
    meeting.refresh_from_db()
    assert (meeting.going_count, meeting.waitlist_count) == (4, 8)

    # Four give up their places at once: exactly the first four waiting move up.
    going = list(Rsvp.objects.filter(meeting=meeting, place="going").values_list("user", flat=True))
    queue = list(
        Rsvp.objects.filter(meeting=meeting, place="waitlisted")
        .order_by("waitlisted_at", "id")
        .values_list("user", flat=True)
    )
    leavers = [p for p in people if p.pk in going]

    def cancel(person):
        def go():
            fresh = Meeting.objects.get(pk=meeting.pk)
            return services.rsvp(actor=person, meeting=fresh, answer="no").place

        return go

    _, errors = _in_parallel([cancel(p) for p in leavers])
    assert not errors, errors
    now_going = set(
        Rsvp.objects.filter(meeting=meeting, place="going").values_list("user", flat=True)
    )
    assert now_going == set(queue[:4])
