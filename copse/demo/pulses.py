"""Demo trust pulses, written through the pulse services as members would
answer them, then moved back to when the story says they ran.

- The Riverbend Principals' Circle [003] has run a pulse every quarter for a
  year, and the trust it measures has grown each time (a growing sense of
  trust is how a self-facilitating group's success shows). A fifth is open
  now with four answers: results would not show even once it closed, until
  a fifth person answers (the demo's principal, Farah, has not yet).
- The CIO CoP runs one each quarter too: the spring pulse has results; in
  summer only four answered, so it shows none, to keep answers anonymous;
  the autumn one is open, waiting for Dev and Maria among others.

Idempotent: a community that already has pulses is left as it is.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from copse.demo.communities import CIRCLE

CIO = "sv-cio-cop"
LENGTH = dt.timedelta(days=14)
# Days before the load that each pulse opened: quarterly, oldest first.
QUARTER = 91
OPEN_NOW_DAYS_AGO = 6
CIRCLE_QUESTION = "What would make this circle more useful or more trusting for you?"
CIO_QUESTION = "What would make it easier to bring a real problem to this group?"
# The demo's logins there have yet to answer the open pulses.
NOT_YET = {"farah@riverbend.example", "dev@contoso.example", "maria@northwind.example"}


@dataclass(frozen=True)
class Round:
    days_ago: int
    level: float  # where the answers sit on the five-point scale
    answers: int
    open_answers: tuple[str, ...] = ()


CIRCLE_ROUNDS = (
    Round(
        OPEN_NOW_DAYS_AGO + 4 * QUARTER,
        2.5,
        6,
        (
            "I still bring the problems I have already solved. Not the ones keeping me up.",
            "It is hard to admit a struggle when the district office might hear of it.",
        ),
    ),
    Round(
        OPEN_NOW_DAYS_AGO + 3 * QUARTER,
        3.0,
        7,
        (
            "Writing the norms together helped: I know now what stays in the room.",
            "More time for each person's problem, less for updates.",
        ),
    ),
    Round(
        OPEN_NOW_DAYS_AGO + 2 * QUARTER,
        3.6,
        7,
        (
            "Bringing our hiring mess here was the first time I asked for real help.",
            "Rotating the facilitator means the quieter principals get heard.",
            "Meet at a different school each month: seeing them helps.",
        ),
    ),
    Round(
        OPEN_NOW_DAYS_AGO + QUARTER,
        4.1,
        8,
        (
            "I trust this group with things I would not say at a district meeting.",
            "When my new teacher struggled, three of you offered help within a day.",
            "Keep the round where everyone speaks before anyone speaks twice.",
        ),
    ),
)
OPEN_NOW = Round(OPEN_NOW_DAYS_AGO, 4.3, 4)
CIO_ROUNDS = (
    Round(
        8 + 2 * QUARTER,
        3.9,
        12,
        (
            "The telecom thread saved us real money; I would not have asked a year ago.",
            "Vendors at the dinner change what people say. Keep them out.",
        ),
    ),
    # Summer: too few answered for anything to show.
    Round(8 + QUARTER, 4.0, 4, ("Smaller side meetings, where it is easier to speak.",)),
    Round(8, 4.1, 3),
)


def _scores(level: float, person: int) -> tuple[int, ...]:
    """Five answers around `level`, varied by person and statement."""
    return tuple(
        min(5, max(1, round(level + ((person * 7 + statement * 3) % 3) - 1)))
        for statement in range(5)
    )


def load_pulses(loader) -> None:
    """Add the demo's pulses to what `loader` (loader._Loader) loaded."""
    _Pulses(loader).run()


class _Pulses:
    def __init__(self, loader):
        from copse.communities.models import Community

        self.loader = loader
        from django.utils import timezone

        self.today = timezone.localdate(loader.now)
        self.communities = {c.slug: c for c in Community.objects.filter(slug__in=(CIRCLE, CIO))}

    def run(self) -> None:
        from copse.pulses.models import Pulse

        circle = self.communities.get(CIRCLE)
        if circle is not None and not Pulse.objects.filter(community=circle).exists():
            for story in CIRCLE_ROUNDS:
                self._run(circle, story, CIRCLE_QUESTION, repeat=3)
            self._run(circle, OPEN_NOW, CIRCLE_QUESTION, repeat=3)
        cio = self.communities.get(CIO)
        if cio is not None and not Pulse.objects.filter(community=cio).exists():
            for story in CIO_ROUNDS:
                self._run(cio, story, CIO_QUESTION, repeat=3)

    def _seated(self, community):
        from copse.core.permissions import forget_standings
        from copse.memberships.models import Membership

        seats = (
            Membership.objects.filter(
                community=community,
                status="active",
                role__in=("member", "facilitator", "delegate"),
            )
            .select_related("user")
            .order_by("user__email")
        )
        people = [seat.user for seat in seats]
        for person in people:
            forget_standings(person)
        facilitator = next(seat.user for seat in seats if seat.role == "facilitator")
        return facilitator, people

    @contextmanager
    def _at(self, when: dt.datetime):
        """The audit entries written inside the block happened at `when`."""
        from copse.audit.models import AuditEntry

        last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        yield
        AuditEntry.objects.filter(pk__gt=last or 0).update(at=when)

    def _run(self, community, story: Round, question: str, *, repeat: int):
        from django.utils import timezone

        from copse.notifications.models import Notification
        from copse.pulses import closing, services, tasks
        from copse.pulses.models import Pulse

        facilitator, people = self._seated(community)
        opened = self.loader.now - dt.timedelta(days=story.days_ago)
        # The service refuses a day before its own today: a load that began
        # before midnight and reaches this after it schedules for the new day
        # (the dates are set to the story's just below).
        today = max(self.today, timezone.localdate())
        with self._at(opened):
            pulse = services.schedule_pulse(
                actor=facilitator,
                community=community,
                opens_on=today,
                closes_on=today + LENGTH,
                open_question=question,
                repeat_every_months=repeat,
            )
        still_open = story.days_ago <= LENGTH.days
        answering = [p for p in people if not (still_open and p.email in NOT_YET)]
        texts = dict(enumerate(story.open_answers))
        for n, person in enumerate(answering[: story.answers]):
            services.answer_pulse(
                actor=person,
                pulse=pulse,
                scores=_scores(story.level, n),
                open_answer=texts.get(n, ""),
            )
        opens_on = opened.date()
        Pulse.objects.filter(pk=pulse.pk).update(opens_on=opens_on, closes_on=opens_on + LENGTH)
        pulse.refresh_from_db()
        if pulse.is_open:
            # Members were told when it opened; the demo's principal has not looked yet.
            last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
            tasks.tell_members_of_pulse.call(pulse.pk)
            Notification.objects.filter(pk__gt=last or 0).update(created_at=opened)
            Pulse.objects.filter(pk=pulse.pk).update(opening_announced_at=opened)
        else:
            # As the daily sweep would have, the day after it closed.
            closing.seal_answers(pulse.pk)
        self.loader._count("trust pulses")
