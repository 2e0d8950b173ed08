"""A principals' circle for the pulse tests: a facilitator, eight members and
a delegate, each with a name a page could leak."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from copse import testing
from copse.pulses import services
from copse.pulses.models import Pulse

NAMES = (
    "Alma Reyes",
    "Daniel Okafor",
    "Helen Park",
    "Farah Siddiqui",
    "Gwen Adler",
    "Curtis Bell",
    "Ingrid Sorensen",
    "Kenji Watanabe",
)


@dataclass
class Circle:
    community: object
    facilitator: object
    members: list
    delegate: object

    @property
    def seated(self) -> list:
        return [self.facilitator, *self.members, self.delegate]


def make_circle(slug="principals", visibility="members") -> Circle:
    community = testing.make_community(
        slug=slug, name="Riverbend Principals' Circle", visibility=visibility
    )
    facilitator = testing.make_user(f"fay@{slug}.example", name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    members = []
    for n, name in enumerate(NAMES):
        person = testing.make_user(f"member{n}@{slug}.example", name=name)
        testing.seat(community, person)
        members.append(person)
    delegate = testing.make_user(f"dee@{slug}.example", name="Dee Delegate")
    principal = community.memberships.get(user=members[0])
    testing.seat(community, delegate, role="delegate", principal=principal)
    return Circle(community, facilitator, members, delegate)


@pytest.fixture
def circle(db):
    return make_circle()


def open_pulse(circle: Circle, **fields) -> Pulse:
    """A pulse opened today by the facilitator, through the service."""
    today = timezone.localdate()
    fields.setdefault("opens_on", today)
    fields.setdefault("closes_on", today + dt.timedelta(days=14))
    fields.setdefault("open_question", "What would make this circle more useful to you?")
    return services.schedule_pulse(actor=circle.facilitator, community=circle.community, **fields)


def answer(pulse: Pulse, person, scores=(4, 4, 4, 4, 4), text: str = "") -> None:
    services.answer_pulse(actor=person, pulse=pulse, scores=scores, open_answer=text)


def close(pulse: Pulse, *, days_ago: int = 1) -> Pulse:
    """Move a pulse's days back so that it closed `days_ago` days ago."""
    length = pulse.closes_on - pulse.opens_on
    closes_on = timezone.localdate() - dt.timedelta(days=days_ago)
    Pulse.objects.filter(pk=pulse.pk).update(closes_on=closes_on, opens_on=closes_on - length)
    pulse.refresh_from_db()
    return pulse
