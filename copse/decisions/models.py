"""What members decide together, and how.

- `Proposal`: a question put to the members with a rule (consent, majority,
  or the facilitator decides after hearing everyone) and a deadline. Some
  kinds act on Copse when they pass (`decisions.effects`): a norms change,
  an admission, goals or purpose, visibility or listing, a facilitator
  nomination. Closing and the outcome rules: `decisions.outcomes`.
- `Position`: one person's answer (agree, abstain, disagree, block), which
  they may change until the deadline; `PositionReply` answers a block.
- `ProposalRevision`: the text before each revision, so readers see what
  changed after they answered.
- `Nudge`: facilitators reminding those who have not answered.
- `DatePoll` with `DateOption` and `DateAnswer`: finding a time, which creates
  or moves a meeting.
- `Amendment` with `AmendmentComment`: a change to one section of the norms,
  discussed, then adopted by a norms-change proposal (or a facilitator where
  the community allows it). `NormsReview` logs the review reminders.
- `CommunityProposal`: anyone signed in proposes a new community; site admins
  approve or decline.
- `PeerNomination`: a member nominates a peer to be invited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Proposal(models.Model):
    class Kind(models.TextChoices):
        FREE = "free", _("A decision")
        NORMS = "norms", _("Change our norms")
        ADMISSION = "admission", _("Admit someone who asked to join")
        GOALS = "goals", _("Change our goals or purpose")
        VISIBILITY = "visibility", _("Change who can see the community")
        FACILITATOR = "facilitator", _("Nominate a facilitator")

    class Rule(models.TextChoices):
        CONSENT = "consent", _("Consent: passes unless someone blocks")
        MAJORITY = "majority", _("Majority of those who answered")
        FACILITATOR = "facilitator", _("A facilitator decides after hearing everyone")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("proposal", "Open")
        # The facilitator rule: closed for answers, waiting for their decision.
        AWAITING = "awaiting", pgettext_lazy("proposal", "Waiting for a facilitator's decision")
        PASSED = "passed", pgettext_lazy("proposal", "Passed")
        NOT_PASSED = "not_passed", pgettext_lazy("proposal", "Did not pass")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposal", "Withdrawn")

    CLOSED = (Status.PASSED, Status.NOT_PASSED, Status.WITHDRAWN)

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="proposals"
    )
    # Empty for admissions: the join request opens them.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    title = models.CharField(max_length=200)
    body = models.TextField(_("the proposal"), max_length=20000, help_text=_("Markdown."))
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FREE)
    rule = models.CharField(max_length=12, choices=Rule.choices, default=Rule.CONSENT)
    deadline = models.DateTimeField()
    # "At least half the members answered", counted at closing.
    quorum = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    # Raised by each revision; a position records the revision it answered.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Why it passed or not, in words ("A block stood", "3 of 8 answered").
    result = models.CharField(max_length=300, blank=True)

    # The outcome statement: what was decided and why.
    outcome = models.TextField(blank=True, max_length=20000, help_text=_("Markdown."))
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    # When the decision comes back to the topics backlog.
    review_on = models.DateField(null=True, blank=True)
    review_topic = models.ForeignKey(
        "topics.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # What it changes, by kind.
    norms_text = models.TextField(blank=True, max_length=50000)
    norms_base_version = models.PositiveIntegerField(null=True, blank=True)
    new_purpose = models.TextField(blank=True, max_length=4000)
    new_goals = models.TextField(blank=True, max_length=20000)
    new_visibility = models.CharField(max_length=12, blank=True)
    new_listed = models.BooleanField(null=True, blank=True)
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nominee_answered_at = models.DateTimeField(null=True, blank=True)
    nominee_accepted = models.BooleanField(null=True, blank=True)
    join_request = models.OneToOneField(
        "memberships.JoinRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposal",
    )
    amendment = models.ForeignKey(
        "decisions.Amendment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    peer_nomination = models.ForeignKey(
        "decisions.PeerNomination",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    # Set when a passed proposal changed Copse; `apply_problem` says why it could not.
    applied_at = models.DateTimeField(null=True, blank=True)
    apply_problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["community", "status", "-created_at", "-id"], name="proposal_list"
            ),
            models.Index(fields=["status", "deadline"], name="proposal_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.community.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class Position(models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        ABSTAIN = "abstain", _("Abstain")
        DISAGREE = "disagree", _("Disagree")
        BLOCK = "block", _("Block")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="positions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_positions"
    )
    stance = models.CharField(max_length=10, choices=Stance.choices)
    reason = models.TextField(blank=True, max_length=4000)
    # The proposal's revision this answers; older ones are marked as such.
    revision = models.PositiveIntegerField(default=1)
    # How it came: the page or a mail reply.
    by_mail = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="one_position_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.stance} on {self.proposal_id}"


class PositionReply(models.Model):
    """An answer to a position, above all to a block: the proposer or anyone."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"reply to position {self.position_id}"


class ProposalRevision(models.Model):
    """The proposal as it read before revision `number` + 1."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    norms_text = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} r{self.number}"


class Nudge(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="nudges")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"nudge on {self.proposal_id}"


# --- Date polls -----------------------------------------------------------------


class DatePoll(models.Model):
    class Purpose(models.TextChoices):
        MEETING = "meeting", _("A meeting")
        SIDE_MEETING = "side_meeting", _("A side meeting")
        SERIES = "series", _("A new series of meetings")
        MOVE = "move", _("Moving a meeting")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("poll", "Open")
        DECIDED = "decided", pgettext_lazy("poll", "Time chosen")
        CLOSED = "closed", pgettext_lazy("poll", "Closed without a time")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="date_polls"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True, max_length=4000, help_text=_("Markdown."))
    purpose = models.CharField(max_length=14, choices=Purpose.choices, default=Purpose.MEETING)
    duration_minutes = models.PositiveIntegerField(default=90)
    # The zone the times were proposed in: the meeting's own zone once chosen
    # (each reader still sees every time in theirs).
    time_zone = models.CharField(max_length=64, default="UTC")
    # The meeting's format once chosen (not for MOVE: a moved meeting keeps its own).
    format = models.CharField(max_length=20, blank=True)
    # For SERIES: how often it repeats ("monthly", "bimonthly", "quarterly");
    # the weekday and week of the month come from the chosen date.
    cadence = models.CharField(max_length=12, blank=True)
    # For MOVE: the meeting the chosen time moves.
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    chosen = models.ForeignKey(
        "decisions.DateOption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The meeting created (or moved) by choosing a time.
    result_meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "-created_at"], name="poll_list")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:poll", args=[self.community.slug, self.pk])


class DateOption(models.Model):
    poll = models.ForeignKey(DatePoll, on_delete=models.CASCADE, related_name="options")
    # Stored in UTC; shown in each reader's own time zone.
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at"], name="one_option_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class DateAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        IF_NEED_BE = "if_need_be", _("If need be")
        NO = "no", _("No")

    option = models.ForeignKey(DateOption, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="date_answers"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="one_answer_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answer} for {self.option_id}"


# --- Norms written together -------------------------------------------------------


class Amendment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("amendment", "Open for comment")
        PROPOSED = "proposed", pgettext_lazy("amendment", "Put to a proposal")
        ADOPTED = "adopted", pgettext_lazy("amendment", "Adopted")
        DECLINED = "declined", pgettext_lazy("amendment", "Not adopted")
        WITHDRAWN = "withdrawn", pgettext_lazy("amendment", "Withdrawn")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="amendments"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The heading of the section it changes, as it reads in `base_version`
    # (empty: the text before the first heading, or a new section).
    section = models.CharField(max_length=200, blank=True)
    base_version = models.PositiveIntegerField()
    text = models.TextField(_("new text of the section"), max_length=20000)
    note = models.TextField(_("why"), blank=True, max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"amendment to {self.section or 'the norms'}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:amendment", args=[self.community.slug, self.pk])


class AmendmentComment(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment on amendment {self.amendment_id}"


class NormsReview(models.Model):
    """A review reminder sent: facilitators told, "Review our norms" put on the backlog."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="norms_reviews"
    )
    norms_version = models.PositiveIntegerField()
    topic = models.ForeignKey(
        "topics.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reminded_at"]

    def __str__(self) -> str:
        return f"norms review of {self.community_id}"

    def get_absolute_url(self) -> str:
        return reverse("norms:current", args=[self.community.slug])


# --- New communities and new peers ------------------------------------------------


class CommunityProposal(models.Model):
    """A case for a new community, as the Administrators' CoP began: one person
    making it to a sponsor. Seen by its proposer and the site admins only."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("community proposal", "Waiting for a decision")
        APPROVED = "approved", pgettext_lazy("community proposal", "Approved")
        DECLINED = "declined", pgettext_lazy("community proposal", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("community proposal", "Withdrawn")

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_proposals"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    purpose = models.TextField(_("purpose"), max_length=4000)
    domain = models.CharField(
        _("domain"), max_length=200, help_text=_("The shared concern or field.")
    )
    audience = models.CharField(_("who it is for"), max_length=300)
    eligibility = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10, default="cross")
    visibility = models.CharField(max_length=12, default="members")
    case = models.TextField(_("the case for it"), max_length=20000, help_text=_("Markdown."))
    sponsor_name = models.CharField(max_length=120)
    sponsor_role = models.CharField(max_length=200, blank=True)
    sponsor_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True, max_length=4000)
    decided_at = models.DateTimeField(null=True, blank=True)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="community_proposal_queue")]

    def __str__(self) -> str:
        return self.name


class PeerNomination(models.Model):
    """A member suggests a peer to invite; the facilitators or a proposal decide.
    The address is seen by the nominator and the facilitators only."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("nomination", "Waiting")
        PROPOSED = "proposed", pgettext_lazy("nomination", "Put to the members")
        INVITED = "invited", pgettext_lazy("nomination", "Invited")
        DECLINED = "declined", pgettext_lazy("nomination", "Not invited")
        WITHDRAWN = "withdrawn", pgettext_lazy("nomination", "Withdrawn")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="peer_nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    reason = models.TextField(max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True, max_length=4000)
    decided_at = models.DateTimeField(null=True, blank=True)
    invitation = models.ForeignKey(
        "memberships.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "email"],
                condition=Q(status__in=["pending", "proposed"]),
                name="one_open_nomination_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"nomination of {self.name} to {self.community_id}"
