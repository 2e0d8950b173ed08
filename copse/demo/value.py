"""What taking part gave the demo's members, told as value stories [000].

- The CIO CoP's telecom ask: its asker renegotiated every contract and saves
  more than $250K a year, linked to the ask, the audit checklist saved from
  it and the meeting where he told the others; shared for the sponsor's
  report.
- A story in each of the other cycles, across the communities: immediate,
  potential, applied (one kept private, so the facilitator reads it and the
  other members never do), reframing.
- Each demo login's own estimate of the reading and writing time, and a
  question ("did this save you time or money?") waiting after the last
  meeting they attended.

Stories are written through `copse.value.services`, then moved back to when
they were told. Loading twice adds nothing: a story is found by its
community, author and title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ADMINS = "administrators-cop"
AO = "sv-ao-cop"
CIO = "sv-cio-cop"
DESIGN = "instructional-design"

TELECOM_ASK = "Telecom costs are out of control: who has switched carriers?"


@dataclass(frozen=True)
class Story:
    slug: str
    author: str
    cycle: str
    title: str
    story: str
    days_ago: float
    sharing: str = "community"
    money: str | None = None
    currency: str = ""
    hours: str | None = None
    risk: str = ""
    threads: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    # The meeting it came from: one whose agenda has an item with this title,
    # or "last attended" for the last meeting its author came to.
    meeting: str = ""


STORIES = (
    Story(
        CIO,
        "dev@contoso.example",
        "realised",
        "Renegotiated every telecom contract: more than $250K a year saved",
        (
            "Our voice and data bill had doubled since 2022 and the carrier would not move. "
            "I asked here, and six CIOs answered within a week.\n\n"
            "- **Audit first.** Luis's checklist took us to an outside expense audit: 15% of "
            "the bill was billing errors and lines nobody had used in a year.\n"
            "- **Bid, do not renew.** Priya's RFP template let us run a competitive bid across "
            "three carriers for the same circuits.\n\n"
            "Together: more than **$250K a year**, and exit terms and service credits we can "
            "claim. I took the figures to our board without naming anyone here."
        ),
        days_ago=20,
        sharing="report",
        money="250000",
        currency="USD",
        hours="60",
        risk="Another three years locked in at the old rates",
        threads=(TELECOM_ASK,),
        items=("Telecom expense audit checklist",),
        meeting="Our telecom bill, before and after: $250K a year",
    ),
    Story(
        CIO,
        "priya.nair@woodgrove.example",
        "immediate",
        "Not the only one fighting a renewal",
        (
            "Hearing four other CIOs describe the same carrier tactics at the last meeting was "
            "worth the afternoon on its own. I came back with two names to call."
        ),
        days_ago=45,
        sharing="report",
        meeting="last attended",
    ),
    Story(
        CIO,
        "hannah.berg@tailspin.example",
        "potential",
        "I know what to ask service desk vendors before the demos",
        (
            "The answers to my ask gave me the questions that matter in year three: upgrade "
            "costs, who owns the workflows, how data leaves. I will use them this spring."
        ),
        days_ago=30,
        sharing="report",
        hours="3",
        threads=("Service desk platforms: who has lived with theirs for three years or more?",),
    ),
    Story(
        CIO,
        "kwame.mensah@proseware.example",
        "applied",
        "Two competing quotes, and our carrier matched within a week",
        (
            "I did what I described in the telecom thread at our own renewal. I keep the "
            "figures between me and the facilitator: our contract forbids sharing them."
        ),
        days_ago=25,
        sharing="private",
        money="40000",
        currency="USD",
        threads=(TELECOM_ASK,),
    ),
    Story(
        AO,
        "peter.lindqvist@proseware.example",
        "reframing",
        "We stopped counting incidents and started counting what we learned",
        (
            "Irene's format changed what a good month means to my team: not fewer incidents, "
            "but every incident reviewed within a week and one change made from each."
        ),
        days_ago=5,
        sharing="report",
        hours="12",
        threads=("How do you run post-incident reviews without blame?",),
        items=("Blameless post-incident review template",),
    ),
    Story(
        AO,
        "ana@fabrikam.example",
        "applied",
        "Blameless reviews in our weekly operations meeting",
        (
            "We now review each incident with someone from outside the team in the chair. "
            "Two reviews in, people speak up sooner."
        ),
        days_ago=3,
        sharing="private",
        hours="6",
        threads=("How do you run post-incident reviews without blame?",),
    ),
    Story(
        ADMINS,
        "lee@university.example",
        "applied",
        "Our committee minutes take half the time",
        (
            "Sandra's template puts the action items, owners and dates at the top. Our "
            "committees stopped asking me what was decided, and I stopped retyping."
        ),
        days_ago=10,
        sharing="report",
        hours="20",
        threads=("Is there a template for committee minutes we can all use?",),
        items=("Committee minutes template",),
    ),
    Story(
        DESIGN,
        "ines.garcia@university.example",
        "immediate",
        "An answer about accessible HTML the same afternoon",
        "Three designers told me which authoring tools export accessible HTML, and how they check it.",
        days_ago=15,
        sharing="report",
        hours="4",
        threads=("Which authoring tool exports accessible HTML?",),
    ),
)

# Each demo login's own estimate of reading and writing, minutes a week.
ESTIMATES = (
    (CIO, "dev@contoso.example", 90),
    (CIO, "maria@northwind.example", 240),
    (CIO, "priya.nair@woodgrove.example", 60),
    (AO, "ana@fabrikam.example", 45),
    (AO, "irene.castillo@woodgrove.example", 120),
    (ADMINS, "lee@university.example", 30),
)

# Demo logins asked after the last meeting they attended.
ASKED_AFTER_MEETING = (
    (CIO, "dev@contoso.example"),
    (CIO, "maria@northwind.example"),
    (AO, "ana@fabrikam.example"),
    (ADMINS, "lee@university.example"),
)


def load_value(loader) -> None:
    """Add the demo's value stories to what `loader` (loader._Loader) loaded."""
    _Value(loader).run()


class _Value:
    def __init__(self, loader):
        from copse.communities.models import Community

        self.loader = loader
        self.now = loader.now
        self.people = loader.people
        self.communities = {c.slug: c for c in Community.objects.all()}

    def run(self) -> None:
        for story in STORIES:
            self._tell(story)
        for slug, email, minutes in ESTIMATES:
            self._estimate(slug, email, minutes)
        for slug, email in ASKED_AFTER_MEETING:
            self._ask(slug, email)

    def person(self, email: str):
        from copse.core.permissions import forget_standings

        user = self.people[email]
        forget_standings(user)
        return user

    def _last_attended(self, community, user, *, untold: bool = False):
        """The last meeting `user` came to (`untold`: that no story of theirs
        already comes from)."""
        from copse.meetings.models import Meeting
        from copse.value.models import ValueStory

        meetings = Meeting.objects.filter(
            community=community,
            rsvps__user=user,
            rsvps__attended=True,
            ends_at__lt=self.now,
            status=Meeting.Status.SCHEDULED,
        )
        if untold:
            told = ValueStory.meetings.through.objects.filter(valuestory__author=user).values(
                "meeting_id"
            )
            meetings = meetings.exclude(pk__in=told)
        return meetings.order_by("-starts_at").first()

    def _meeting(self, community, user, meeting: str):
        from copse.meetings.models import Meeting

        if not meeting:
            return None
        if meeting == "last attended":
            return self._last_attended(community, user)
        return (
            Meeting.objects.filter(community=community, agenda_items__title=meeting)
            .order_by("starts_at")
            .first()
        )

    def _tell(self, spec: Story) -> None:
        from copse.conversations.models import Thread
        from copse.library.models import LibraryItem
        from copse.value import services
        from copse.value.models import ValueStory

        community = self.communities[spec.slug]
        author = self.person(spec.author)
        if ValueStory.objects.filter(community=community, author=author, title=spec.title).exists():
            return
        threads = Thread.objects.filter(community=community, title__in=spec.threads)
        items = LibraryItem.objects.filter(
            community=community, title__in=spec.items, removed_at__isnull=True
        )
        meeting = self._meeting(community, author, spec.meeting)
        story = services.record_story(
            actor=author,
            community=community,
            cycle=spec.cycle,
            title=spec.title,
            story=spec.story,
            money_saved=Decimal(spec.money) if spec.money else None,
            currency=spec.currency,
            hours_saved=Decimal(spec.hours) if spec.hours else None,
            risk_avoided=spec.risk,
            sharing=spec.sharing,
            thread_ids=[t.pk for t in threads],
            meeting_ids=[meeting.pk] if meeting else [],
            library_item_ids=[i.pk for i in items],
        )
        told = self.now - dt.timedelta(days=spec.days_ago)
        ValueStory.objects.filter(pk=story.pk).update(created_at=told, updated_at=told)
        self.loader._count("value stories")

    def _estimate(self, slug: str, email: str, minutes: int) -> None:
        from copse.value import services
        from copse.value.models import TimeEstimate

        community = self.communities[slug]
        user = self.person(email)
        if TimeEstimate.objects.filter(user=user, community=community).exists():
            return
        services.set_time_estimate(actor=user, community=community, minutes_per_week=minutes)
        self.loader._count("time estimates")

    def _ask(self, slug: str, email: str) -> None:
        """The question after the last meeting the person came to, asked when
        it ended (directly: the prompt for a meeting this long past is
        otherwise no longer asked)."""
        from copse.value.models import ValuePrompt

        community = self.communities[slug]
        user = self.person(email)
        meeting = self._last_attended(community, user, untold=True)
        if meeting is None:
            return
        prompt, created = ValuePrompt.objects.get_or_create(
            user=user,
            meeting=meeting,
            defaults={"community": community, "kind": ValuePrompt.Kind.ATTENDED},
        )
        if created:
            ValuePrompt.objects.filter(pk=prompt.pk).update(created_at=meeting.ends_at)
            self.loader._count("value prompts")
