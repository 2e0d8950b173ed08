"""A community of practice: who it is for, how people join, and how it meets."""

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.core.names import check_header_names

DEFAULT_TOPIC_AREAS = [
    "People",
    "Leadership",
    "Relationships",
    "Technology",
    "Processes",
    "Metrics",
]


def default_topic_areas() -> list[str]:
    return list(DEFAULT_TOPIC_AREAS)


class Community(models.Model):
    class Kind(models.TextChoices):
        CROSS_ORGANISATION = "cross", _("Across organisations")
        INTERNAL = "internal", _("Inside one organisation")

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open: anyone can read")
        MEMBERS = "members", _("Members: only members read the content")
        CONFIDENTIAL = "confidential", _("Confidential: what is said here stays here")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Anyone eligible can join")
        REQUEST = "request", _("Ask to join; a facilitator decides")
        # Each request becomes an admission proposal the members answer (decisions).
        MEMBERS = "members", _("Ask to join; the members decide")
        INVITATION = "invitation", _("By invitation only")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    purpose = models.TextField(
        help_text=_("The domain: the shared concern that brings members together.")
    )
    goals = models.TextField(
        blank=True, help_text=_("Markdown. What the community sets out to do.")
    )
    topic_areas = models.JSONField(default=default_topic_areas, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CROSS_ORGANISATION)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    listed = models.BooleanField(
        default=True,
        help_text=_("Shown in the directory. Unlisted communities are found by link."),
    )
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.REQUEST
    )
    eligibility = models.CharField(
        max_length=200, blank=True, help_text=_('Who may join, e.g. "director-level IT".')
    )
    per_organisation_cap = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("At most this many members from one organisation."),
    )
    size_cap = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text=_("A hard limit on members. Leave empty for none."),
    )
    meeting_cadence = models.CharField(max_length=120, blank=True)
    library_sharing_allowed = models.BooleanField(
        default=False,
        help_text=_(
            "Authors may share library items beyond the community: with everyone signed in "
            "to this site, or publicly by link. Open communities always may."
        ),
    )

    # How the members decide (see copse/decisions).
    class Proposers(models.TextChoices):
        CONTRIBUTORS = "contributors", _("Any member")
        FACILITATORS = "facilitators", _("Facilitators only")

    who_may_propose = models.CharField(
        _("who may make proposals"),
        max_length=14,
        choices=Proposers.choices,
        default=Proposers.CONTRIBUTORS,
    )
    facilitators_adopt_amendments = models.BooleanField(
        _("facilitators may adopt norms amendments"),
        default=True,
        help_text=_("Otherwise every amendment goes to a norms-change proposal."),
    )
    members_nominate_peers = models.BooleanField(
        _("members may nominate peers to invite"),
        default=False,
        help_text=_("The facilitators, or a proposal, decide whether to invite them."),
    )
    norms_review_months = models.PositiveSmallIntegerField(
        _("review the norms every"),
        choices=[(0, _("Never remind us")), (6, _("Six months")), (12, _("Twelve months"))],
        default=12,
    )
    # The number of the current norms version (0: none yet). Kept here so every
    # permission check compares two integers instead of querying norms.
    norms_version = models.PositiveIntegerField(default=0, editable=False)
    # Denormalised so the directory never counts memberships row by row.
    member_count = models.PositiveIntegerField(default=0, editable=False)
    # Raised whenever something the community's home keeps between requests
    # changes (its members and their roles, meetings and who is going,
    # topics and their votes, norms): the cached parts of the home are keyed
    # by it, and the row is read on every page anyway (`copse.communities.home`).
    home_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:home", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        check_header_names(self, "name")

    @property
    def is_confidential(self) -> bool:
        return self.visibility == self.Visibility.CONFIDENTIAL

    @property
    def is_full(self) -> bool:
        return self.size_cap is not None and self.member_count >= self.size_cap

    @property
    def size_band(self) -> "SizeBand":
        return SizeBand.for_count(self.member_count)


class SizeBand:
    """Where a community's size sits against what the seed stories found works."""

    def __init__(self, key: str, label: str, advice: str):
        self.key, self.label, self.advice = key, label, advice

    @classmethod
    def for_count(cls, count: int) -> "SizeBand":
        _ = gettext
        if count < 3:
            return cls("fragile", _("Fragile"), _("Under 3 members a community struggles to meet."))
        if count < 6:
            return cls(
                "small", _("Small"), _("Works, but few will attend every time; aim for 6 to 15.")
            )
        if count <= 15:
            return cls("healthy", _("Healthy"), _("6 to 15 members: the size that works best."))
        if count <= 25:
            return cls("large", _("Large"), _("Still workable; above 25 members lose intimacy."))
        return cls(
            "too-large", _("Too large"), _("Above 25, members lose intimacy; consider splitting.")
        )
