"""What the demo communities decided together, and what is still open.

Every proposal is made, answered, revised, closed and its outcome written
through `copse.decisions.services`, as members would; then its times are
moved back to when the story says it happened. A proposal that closed in
the past was opened with a deadline a day ahead and closed by
`close_if_due` with that deadline as `now`, since the services, rightly,
refuse a deadline already passed.

- The Riverbend Principals' Circle [003], which nobody owns: its facilitator
  rotates each term by a nomination the members agree to and the nominee
  accepts, after which the previous facilitator steps back to member. Its
  norms changed by a proposal: a block with a reason, answered, the text
  revised, the block withdrawn, passed, with an outcome, a review date and
  the new version accepted by most members.
- The CIO CoP decided to host its meetings in turn [001].
- One open proposal in each community, with deadlines a few days after the
  load, each waiting for the answer of the demo login seated there.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from copse.demo.communities import CIRCLE

ADMINS = "administrators-cop"
AO = "sv-ao-cop"
CIO = "sv-cio-cop"
DESIGN = "instructional-design"


@dataclass(frozen=True)
class Answer:
    email: str
    stance: str
    reason: str = ""


@dataclass(frozen=True)
class Revision:
    """The proposer revises after the answers before it (`after` of them)."""

    after: int
    note: str
    body: str
    norms_text: str | None = None


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    body: str
    proposer: str
    answers: tuple[Answer, ...]
    opened_days_ago: float
    # Open stories: how long after the load their deadline falls. Closed ones:
    # how long they were open.
    open_days: float
    kind: str = "free"
    rule: str = "consent"
    # Closed stories only: who writes the outcome, what it says, and the
    # review date, in days after the load.
    outcome_by: str = ""
    outcome: str = ""
    review_in_days: int | None = None
    # Kind-specific: a nominee's email, the new norms text.
    nominee: str = ""
    norms_text: str = ""
    revision: Revision | None = None
    # (index of the answer replied to, author, reply), after the answers.
    replies: tuple[tuple[int, str, str], ...] = ()
    # Blockers who withdraw their block after the revision, then agree.
    withdrawn_blocks: tuple[tuple[str, str], ...] = ()

    @property
    def closed(self) -> bool:
        return bool(self.outcome)


# --- The Principals' Circle ---------------------------------------------------------

CIRCLE_NORMS_DRAFT = """\
1. We wrote these norms together, and we change them together. At the first meeting of each term we revisit them: what helps, what gets in the way.
2. Each voice is heard: every meeting opens with a round in which everyone speaks before anyone speaks twice.
3. What a colleague shares about a struggle stays in this circle.
4. We bring real problems from our schools, not polished success stories.
5. Facilitation rotates each term, by a nomination the members agree to. The facilitator keeps time and draws out every voice; nothing more.
6. Meetings are recorded for colleagues who could not come.
7. Phones away; we start and end on time.
"""

CIRCLE_NORMS_2 = CIRCLE_NORMS_DRAFT.replace(
    "6. Meetings are recorded for colleagues who could not come.",
    "6. The facilitator keeps short notes of what we decided, without names or schools, "
    "for colleagues who could not come.",
)

NORMS_TITLE = "Revisit our norms each term, and open every meeting with a round"
NORMS_BLOCK = (
    "Recording would end the honesty rule 3 protects. I would not talk about a teacher "
    "who is struggling on a recording, and I doubt anyone else here would either. Trust "
    "is the reason this circle works."
)

# The facilitator role, term by term: (nominee, proposer, outgoing facilitator,
# opened days ago). The founder facilitated the first term.
ROTATIONS = (
    (
        "daniel.okafor@riverbend.example",
        "ingrid.sorensen@riverbend.example",
        "alma.reyes@riverbend.example",
        290,
    ),
    (
        "helen.park@riverbend.example",
        "alma.reyes@riverbend.example",
        "daniel.okafor@riverbend.example",
        125,
    ),
)

CIRCLE_SEATS = (
    "alma.reyes@riverbend.example",
    "daniel.okafor@riverbend.example",
    "helen.park@riverbend.example",
    "farah@riverbend.example",
    "gwen.adler@riverbend.example",
    "curtis.bell@riverbend.example",
    "ingrid.sorensen@riverbend.example",
    "kenji.watanabe@riverbend.example",
)
# Busy at the end of term: has not accepted the circle's new norms yet.
NORMS_NOT_ACCEPTED_BY = ("curtis.bell@riverbend.example",)


def _rotation(nominee: str, proposer: str, outgoing: str, days_ago: int) -> Story:
    first = nominee.split("@")[0].split(".")[0].capitalize()
    before = outgoing.split("@")[0].split(".")[0].capitalize()
    return Story(
        slug=CIRCLE,
        kind="facilitator",
        title=f"{first} facilitates the circle next term",
        body=(
            f"Facilitation rotates each term (norm 5). {before} has kept time and drawn us all "
            f"out this term; I nominate {first} for the next one. {first} has said yes, if "
            "the circle agrees."
        ),
        proposer=proposer,
        nominee=nominee,
        opened_days_ago=days_ago,
        open_days=7,
        answers=tuple(
            Answer(email, "agree", "Thank you for taking a turn." if n == 0 else "")
            for n, email in enumerate(e for e in CIRCLE_SEATS if e not in (proposer,))
        ),
        outcome_by=outgoing,
        outcome=(
            f"Everyone agreed. {first} facilitates from the first meeting of next term, and "
            f"{before} steps back to member. The facilitator keeps time and draws out every "
            "voice; decisions stay with all of us."
        ),
    )


CIRCLE_STORIES = (
    *(_rotation(*rotation) for rotation in ROTATIONS),
    Story(
        slug=CIRCLE,
        kind="norms",
        title=NORMS_TITLE,
        body=(
            "A year in, our norms are still the ones we wrote at the first meeting. Two "
            "changes so we keep talking about them and every voice is heard:\n\n"
            "- revisit the norms at the first meeting of each term (rule 1);\n"
            "- open every meeting with a round before open discussion (rule 2);\n"
            "- and, for those who miss a meeting, record it (new rule 6).\n\n"
            "The full text is below, with what changed."
        ),
        proposer="gwen.adler@riverbend.example",
        norms_text=CIRCLE_NORMS_DRAFT,
        opened_days_ago=26,
        open_days=7,
        answers=(
            Answer("helen.park@riverbend.example", "agree", "The round works: let's make it ours."),
            Answer("alma.reyes@riverbend.example", "agree"),
            Answer("kenji.watanabe@riverbend.example", "block", NORMS_BLOCK),
            Answer(
                "ingrid.sorensen@riverbend.example",
                "agree",
                "Agree with Kenji about recording, and with the rest.",
            ),
            Answer("daniel.okafor@riverbend.example", "agree", "Notes without names: yes."),
            Answer("farah@riverbend.example", "agree", "As the newest here, the round helps me."),
            Answer("curtis.bell@riverbend.example", "abstain", "Happy either way."),
        ),
        replies=(
            (
                2,
                "gwen.adler@riverbend.example",
                "You are right, Kenji: trust matters more than catching up. Would short notes "
                "of what we decided, without names or schools, kept by the facilitator, work "
                "instead?",
            ),
            (
                2,
                "helen.park@riverbend.example",
                "I'd be glad to keep those notes this term.",
            ),
        ),
        revision=Revision(
            after=4,
            note="No recording: the facilitator keeps notes of decisions, without names or schools.",
            body=(
                "A year in, our norms are still the ones we wrote at the first meeting. Two "
                "changes so we keep talking about them and every voice is heard:\n\n"
                "- revisit the norms at the first meeting of each term (rule 1);\n"
                "- open every meeting with a round before open discussion (rule 2);\n"
                "- and, for those who miss a meeting, short notes of what we decided, "
                "without names or schools (new rule 6). Not a recording: see Kenji's block.\n\n"
                "The full text is below, with what changed."
            ),
            norms_text=CIRCLE_NORMS_2,
        ),
        withdrawn_blocks=(
            (
                "kenji.watanabe@riverbend.example",
                "Notes of decisions without names keep what rule 3 protects. Thank you, Gwen.",
            ),
        ),
        outcome_by="helen.park@riverbend.example",
        outcome=(
            "Passed by consent, with no block standing. Kenji blocked the first draft, which "
            "would have recorded our meetings: recording would end the honesty rule 3 "
            "protects. Gwen revised it so the facilitator keeps short notes of decisions "
            "without names or schools, and Kenji withdrew his block.\n\n"
            "From next meeting we open with a round, and at the first meeting of each term "
            "we revisit the norms. We review this at the start of next term."
        ),
        review_in_days=150,
    ),
    Story(
        slug=CIRCLE,
        title="Interview this spring's assistant principal candidates together",
        body=(
            "Four of our schools are hiring assistant principals this spring. Instead of "
            "four panels, I propose we interview the candidates together, as one circle, "
            "and then decide with each candidate which campus suits them best.\n\n"
            "Two afternoons in April at Eastside; each school keeps the final say on its own "
            "appointment."
        ),
        proposer="kenji.watanabe@riverbend.example",
        opened_days_ago=2,
        open_days=5,
        answers=(
            Answer(
                "helen.park@riverbend.example",
                "agree",
                "Candidates see the whole district, and we see more than one candidate each.",
            ),
            Answer("ingrid.sorensen@riverbend.example", "agree"),
            Answer(
                "gwen.adler@riverbend.example",
                "abstain",
                "No opening at Cedar Grove this year; glad to sit on the panel if useful.",
            ),
            Answer(
                "daniel.okafor@riverbend.example",
                "disagree",
                "I like it, but two afternoons in April is our testing window. May?",
            ),
        ),
    ),
)


# --- The other communities ----------------------------------------------------------------

OTHER_STORIES = (
    Story(
        slug=CIO,
        rule="majority",
        title="Keep monthly half-days, hosted by each member company in turn",
        body=(
            "Our first year met wherever someone had a room. Proposal: we meet every month for "
            "half a day with dinner after, and each member company hosts in turn. The host "
            "picks the room and the restaurant; the facilitator keeps the rota.\n\n"
            "Members choose the hosts and dates (norm 7): this is how we would choose them."
        ),
        proposer="rachel.goldberg@litware.example",
        opened_days_ago=330,
        open_days=10,
        answers=(
            *(
                Answer(email, "agree")
                for email in (
                    "maria@northwind.example",
                    "dev@contoso.example",
                    "grace.kim@fabrikam.example",
                    "olu.adeyemi@adventure-works.example",
                    "hannah.berg@tailspin.example",
                    "marcus.chen@wingtip.example",
                    "kwame.mensah@proseware.example",
                    "priya.nair@woodgrove.example",
                    "luis.ortega@alpineskihouse.example",
                    "james.obrien@wideworldimporters.example",
                    "sofia.rossi@lucernepublishing.example",
                    "nadia.haddad@blueyonderairlines.example",
                    "mei.lin@relecloud.example",
                )
            ),
            Answer(
                "emma.walsh@cohowinery.example",
                "disagree",
                "Coho cannot seat twenty people. I would rather small companies co-host than "
                "be skipped.",
            ),
            Answer("yuki.tanaka@treyresearch.example", "abstain"),
        ),
        outcome_by="maria@northwind.example",
        outcome=(
            "Passed: 13 of the 15 who answered agreed. We meet monthly, half a day with "
            "dinner, and every member company hosts in turn; I keep the rota on the meetings "
            "page. As Emma asked, a smaller company can co-host with a larger one, or host "
            "the dinner. We look at it again after a full round of hosts."
        ),
        review_in_days=35,
    ),
    Story(
        slug=CIO,
        title="Adopt our software contract terms as the CoP's shared position",
        body=(
            "The draft from the contract terms conversation, with Kwame's additions:\n\n"
            "- price caps at renewal;\n"
            "- data export in open formats, at any time;\n"
            "- exit assistance for six months;\n"
            "- breach notification within 72 hours, and the right to audit sub-processors.\n\n"
            "If we agree, each of us can tell a vendor that twenty CIOs ask for the same "
            "terms, and the library keeps the list."
        ),
        proposer="david.levy@humongousinsurance.example",
        opened_days_ago=3,
        open_days=4,
        answers=(
            Answer(
                "kwame.mensah@proseware.example",
                "agree",
                "With the 72-hour notice in, yes.",
            ),
            Answer("priya.nair@woodgrove.example", "agree"),
            Answer(
                "olu.adeyemi@adventure-works.example",
                "disagree",
                "Right terms, but a shared position before our lawyers read them is too soon.",
            ),
            Answer(
                "rachel.goldberg@litware.example",
                "abstain",
                "Litware sells software: I should not decide what buyers ask of us.",
            ),
            Answer("mei.lin@relecloud.example", "agree"),
        ),
    ),
    Story(
        slug=CIO,
        title="A year-end lunch in December instead of the half-day and dinner",
        body=(
            "December fills up for all of us. Proposal: this year's last meeting is a long "
            "lunch at Northwind, noon to three, with one member panel and no evening. We go "
            "back to half-days with dinner in January."
        ),
        proposer="maria@northwind.example",
        opened_days_ago=1,
        open_days=6,
        answers=(
            Answer("grace.kim@fabrikam.example", "agree", "Yes, please."),
            Answer("marcus.chen@wingtip.example", "agree"),
            Answer(
                "james.obrien@wideworldimporters.example",
                "disagree",
                "The dinner is where the frank conversations happen. Keep it, even if short.",
            ),
        ),
    ),
    Story(
        slug=AO,
        rule="majority",
        title="Try a blameless post-incident review together at our next meeting",
        body=(
            "After the thread on reviews without blame: at our next meeting, one of us brings "
            "a real incident (anonymised) and Irene chairs a review in the format Woodgrove "
            "uses. If it works we put the template in the library for everyone."
        ),
        proposer="peter.lindqvist@proseware.example",
        opened_days_ago=2,
        open_days=5,
        answers=(
            Answer(
                "irene.castillo@woodgrove.example",
                "agree",
                "Glad to chair it. I will bring our template.",
            ),
            Answer("mateo.silva@relecloud.example", "agree"),
            Answer(
                "kofi.boateng@woodgrove.example",
                "abstain",
                "Fine by me; I may be at the regulator's audit that week.",
            ),
            Answer(
                "fatima.elamin@blueyonderairlines.example",
                "agree",
                "A real incident, please, not a made-up one.",
            ),
        ),
    ),
    Story(
        slug=ADMINS,
        title="Make the committee minutes template our shared starting point",
        body=(
            "Sandra's template (adapted from Margaret's, with credit) and Rosa's records-"
            "retention line, as the starting point every office uses for committee minutes. "
            "Adapt it freely, as our norms say; the library keeps the shared version."
        ),
        proposer="sandra.kowalski@university.example",
        opened_days_ago=1,
        open_days=3,
        answers=(
            Answer(
                "rosa.martinez@university.example",
                "agree",
                "With the records-retention line, yes.",
            ),
            Answer("karen.liu@university.example", "agree"),
            Answer(
                "paul.nguyen@university.example",
                "abstain",
                "HR's committees keep confidential minutes; we will adapt it rather than adopt it.",
            ),
            Answer("amira.hassan@university.example", "agree"),
        ),
    ),
    Story(
        slug=DESIGN,
        rule="majority",
        title="Hold each monthly web conference twice, for both halves of the world",
        body=(
            "Be kind about time zones, our norms say, but the web conference is at 10 a.m. "
            "Toronto: 1 a.m. in Tokyo and midnight in Sydney. Proposal: the host runs the "
            "same topic twice, twelve hours apart, and both sessions share one thread here."
        ),
        proposer="jack.thompson@fourthcoffee.example",
        opened_days_ago=2,
        open_days=6,
        answers=(
            Answer("hana.sato@treyresearch.example", "agree", "I would finally come live."),
            Answer("ravi.kumar@adatum.example", "agree"),
            Answer(
                "liam.oconnor@contoso.example",
                "disagree",
                "Two sessions split the many-to-many conversation in two. Record one instead?",
            ),
            Answer("olivia.brown@humongousinsurance.example", "abstain"),
        ),
    ),
)

STORIES = (*CIRCLE_STORIES, *OTHER_STORIES)


# --- Loading -----------------------------------------------------------------------------


def load_decisions(loader) -> None:
    """Add the demo's proposals to what `loader` (loader._Loader) loaded."""
    _Decisions(loader).run()


class _Decisions:
    def __init__(self, loader):
        from copse.communities.models import Community

        self.loader = loader
        self.now = loader.now
        self.people = loader.people
        self.communities = {c.slug: c for c in Community.objects.all()}

    def run(self) -> None:
        for story in STORIES:
            self._tell(story)
        self._accept_circle_norms()
        self._circle_meetings()

    def _user(self, email: str):
        from copse.core.permissions import forget_standings

        user = self.people[email]
        forget_standings(user)
        return user

    @contextmanager
    def _at(self, when: dt.datetime, *, read: bool = True):
        """What the services write inside the block (audit entries, and the
        notifications the tasks would have sent) happened at `when`."""
        from copse.audit.models import AuditEntry
        from copse.notifications.models import Notification

        last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        last_notice = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        yield
        AuditEntry.objects.filter(pk__gt=last_entry or 0).update(at=when)
        Notification.objects.filter(pk__gt=last_notice or 0).update(
            created_at=when, read_at=when + dt.timedelta(hours=6) if read else None
        )

    def _tell(self, story: Story) -> None:
        from copse.decisions import services, tasks
        from copse.decisions.models import Position, PositionReply, Proposal, ProposalRevision

        community = self.communities[story.slug]
        if Proposal.objects.filter(community=community, title=story.title).exists():
            return
        opened = self.now - dt.timedelta(days=story.opened_days_ago)
        if story.closed:
            deadline = timezone.now() + dt.timedelta(days=1, minutes=5)
            closes = opened + dt.timedelta(days=story.open_days)
        else:
            deadline = self.now + dt.timedelta(days=story.open_days)
            closes = deadline
        change = {}
        if story.nominee:
            change["nominee"] = self._user(story.nominee)
        if story.norms_text:
            change["norms_text"] = story.norms_text
        with self._at(opened, read=story.closed):
            proposal = services.create_proposal(
                actor=self._user(story.proposer),
                community=community,
                title=story.title,
                body=story.body,
                kind=story.kind,
                rule=story.rule,
                deadline=deadline,
                **change,
            )
            # The members were asked when it opened (the queued task then finds them told).
            tasks.tell_members_of_proposal.call(proposal.pk)
        Proposal.objects.filter(pk=proposal.pk).update(created_at=opened)
        self.loader._count("proposals")

        # Answers come in over the first two thirds of the time it is open (or,
        # for an open one, of the time since it opened).
        span = (closes if story.closed else self.now) - opened
        answered_by = span * (2 / 3 if story.closed else 0.9)
        steps = len(story.answers) + len(story.replies) + len(story.withdrawn_blocks) + 2

        def moment(n: int) -> dt.datetime:
            return opened + answered_by * (n + 1) / steps

        step = 0
        for n, answer in enumerate(story.answers):
            if story.revision is not None and n == story.revision.after:
                step = self._replies(story, proposal, step, moment)
                with self._at(moment(step)):
                    proposal = services.revise_proposal(
                        actor=self._user(story.proposer),
                        proposal=proposal,
                        title=story.title,
                        body=story.revision.body,
                        note=story.revision.note,
                        norms_text=story.revision.norms_text,
                    )
                ProposalRevision.objects.filter(proposal=proposal).update(revised_at=moment(step))
                step += 1
            with self._at(moment(step)):
                position = services.take_position(
                    actor=self._user(answer.email),
                    proposal=proposal,
                    stance=answer.stance,
                    reason=answer.reason,
                )
            Position.objects.filter(pk=position.pk).update(
                created_at=moment(step), updated_at=moment(step)
            )
            step += 1
        if story.revision is None:
            step = self._replies(story, proposal, step, moment)
        for email, reason in story.withdrawn_blocks:
            blocker = self._user(email)
            with self._at(moment(step)):
                services.withdraw_block(actor=blocker, proposal=proposal)
                position = services.take_position(
                    actor=blocker, proposal=proposal, stance="agree", reason=reason
                )
            Position.objects.filter(pk=position.pk).update(updated_at=moment(step))
            step += 1
        PositionReply.objects.filter(position__proposal=proposal, created_at__gt=self.now).update(
            created_at=moment(step)
        )
        if story.closed:
            self._close(story, proposal, deadline, closes)

    def _replies(self, story: Story, proposal, step: int, moment) -> int:
        from copse.decisions import services
        from copse.decisions.models import Position, PositionReply

        for index, email, body in story.replies:
            answer = story.answers[index]
            position = Position.objects.get(proposal=proposal, user=self._user(answer.email))
            reply = services.reply_to_position(
                actor=self._user(email), position=position, body=body
            )
            PositionReply.objects.filter(pk=reply.pk).update(created_at=moment(step))
            step += 1
        return step

    def _close(self, story: Story, proposal, deadline, closes) -> None:
        from copse.audit.models import AuditEntry
        from copse.decisions import services, tasks
        from copse.decisions.models import Proposal
        from copse.memberships.models import Membership
        from copse.memberships.services import change_role
        from copse.norms.models import NormsVersion

        with self._at(closes):
            closed = services.close_if_due(proposal.pk, now=deadline)
            tasks.tell_of_closing.call(proposal.pk)
        assert closed is not None and closed.status == "passed", (story.title, closed)
        NormsVersion.objects.filter(community=proposal.community, published_at__gt=self.now).update(
            published_at=closes
        )
        written = closes + dt.timedelta(hours=20)
        review_on = None
        if story.review_in_days is not None:
            review_on = (self.now + dt.timedelta(days=story.review_in_days)).date()
        with self._at(written):
            services.write_outcome(
                actor=self._user(story.outcome_by),
                proposal=closed,
                outcome=story.outcome,
                review_on=review_on,
            )
            tasks.announce_outcome.call(proposal.pk)
        Proposal.objects.filter(pk=proposal.pk).update(
            deadline=closes, closed_at=closes, outcome_at=written
        )
        if story.kind == "facilitator":
            accepted = written + dt.timedelta(hours=3)
            before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
            with self._at(accepted):
                services.answer_nomination(
                    actor=self._user(story.nominee),
                    proposal=Proposal.objects.get(pk=proposal.pk),
                    accept=True,
                )
                outgoing = self._user(story.outcome_by)
                # The previous facilitator steps back to member, as the outcome says.
                change_role(
                    actor=outgoing,
                    membership=Membership.objects.get(community=proposal.community, user=outgoing),
                    role="member",
                )
                self._announce_role_changes(since=before)
            Proposal.objects.filter(pk=proposal.pk).update(nominee_answered_at=accepted)
        self.loader._count("decisions")

    @staticmethod
    def _announce_role_changes(*, since: int) -> None:
        """The facilitators are told of the role changes then (the queued
        announcements then find them told)."""
        from copse.audit.models import AuditEntry
        from copse.memberships import tasks

        for entry in AuditEntry.objects.filter(
            pk__gt=since,
            action__in=("membership.facilitator_appointed", "membership.role_changed"),
        ):
            tasks.announce_to_facilitators.call(entry.pk)

    def _accept_circle_norms(self) -> None:
        """Most of the circle accepted the norms they decided, over the days after."""
        from copse.memberships.models import Membership
        from copse.norms.models import NormsAcceptance, NormsVersion
        from copse.norms.services import accept_current_norms

        community = self.communities[CIRCLE]
        version = NormsVersion.objects.filter(community=community).order_by("-number").first()
        if version is None or version.number < 2:
            return
        for n, email in enumerate(CIRCLE_SEATS):
            user = self._user(email)
            membership = Membership.objects.get(community=community, user=user)
            if email in NORMS_NOT_ACCEPTED_BY or membership.norms_accepted >= version.number:
                continue
            when = version.published_at + dt.timedelta(hours=9 + 13 * n)
            with self._at(when):
                accept_current_norms(actor=user, community=community, membership=membership)
            NormsAcceptance.objects.filter(version=version, user=user).update(accepted_at=when)

    def _circle_meetings(self) -> None:
        """The term's opening meeting, where the norms were talked over, and the next one."""
        from copse.meetings import services
        from copse.meetings.models import Meeting

        community = self.communities[CIRCLE]
        helen = self._user("helen.park@riverbend.example")
        zone = ZoneInfo("America/Chicago")
        # (title, days from the load, host school, host contact, description)
        meetings = (
            (
                "Term opener: our norms, one year on",
                -33,
                "Cedar Grove Elementary School",
                "gwen.adler@riverbend.example",
                "A round on what our norms help with and what gets in the way; Gwen drafts "
                "the changes we agree on as a proposal.",
            ),
            (
                "Monthly circle: hiring this spring",
                9,
                "Eastside High School",
                "kenji.watanabe@riverbend.example",
                "Opening round, then Kenji on interviewing assistant principal candidates "
                "together. Notes of decisions only, without names (norm 6).",
            ),
        )
        for title, days, school, contact, description in meetings:
            if Meeting.objects.filter(community=community, title=title).exists():
                continue
            day = (self.now + dt.timedelta(days=days)).date()
            day += dt.timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
            start = dt.datetime.combine(day, dt.time(15, 45)).replace(tzinfo=zone)
            with self._at(min(start, self.now) - dt.timedelta(days=14)):
                meeting = services.create_meeting(
                    actor=helen,
                    community=community,
                    title=title,
                    description=description,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=1, minutes=30),
                    time_zone="America/Chicago",
                    format="in_person",
                    host_organisation=self.loader.organisations[school],
                    host_contact=self._user(contact),
                    address=f"{school}, library",
                )
            if start < self.now:
                Meeting.objects.filter(pk=meeting.pk).update(
                    created_at=start - dt.timedelta(days=14)
                )
            self.loader._count("meetings")
