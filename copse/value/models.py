from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cycle(models.TextChoices):
    """The five cycles of Wenger, Trayner and de Laat's value-creation framework."""

    IMMEDIATE = "immediate", _("Immediate: it was useful to be there")
    POTENTIAL = "potential", _("Potential: I learned something I can use")
    APPLIED = "applied", _("Applied: I changed what I do")
    REALISED = "realised", _("Realised: it made a difference")
    REFRAMING = "reframing", _("Reframing: it changed how we think about success")


class Sharing(models.TextChoices):
    """Each level includes the ones before it."""

    PRIVATE = "private", _("Only me and the facilitators")
    COMMUNITY = "community", _("The community")
    REPORT = "report", _("The community, and anonymised totals in the sponsor report")


class ValueStory(models.Model):
    """What taking part gave one member, told in their words, with what it
    saved where they can say."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="value_stories"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="value_stories"
    )
    cycle = models.CharField(max_length=10, choices=Cycle.choices)
    title = models.CharField(_("what happened, in a line"), max_length=200)
    story = models.TextField(_("the story"), max_length=10000)
    money_saved = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(max_length=3, blank=True)  # ISO 4217, e.g. USD
    hours_saved = models.DecimalField(
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    risk_avoided = models.CharField(max_length=300, blank=True)
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    threads = models.ManyToManyField("conversations.Thread", blank=True, related_name="+")
    meetings = models.ManyToManyField("meetings.Meeting", blank=True, related_name="+")
    library_items = models.ManyToManyField("library.LibraryItem", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("value stories")
        indexes = [
            models.Index(fields=["community", "-created_at"], name="story_by_community"),
            models.Index(fields=["author", "-created_at"], name="story_by_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(money_saved__isnull=True) | ~models.Q(currency=""),
                name="money_has_a_currency",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("value:story", args=[self.community.slug, self.pk])


class ValuePrompt(models.Model):
    """ "Did this save you time or money?", asked once: after an asker marks a
    reply helpful, or after a meeting the person attended."""

    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("A reply you marked helpful")
        ATTENDED = "attended", _("A meeting you attended")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    thread = models.ForeignKey(
        "conversations.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    story = models.ForeignKey(
        ValueStory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=models.Q(thread__isnull=False),
                name="one_prompt_per_thread",
            ),
            models.UniqueConstraint(
                fields=["user", "meeting"],
                condition=models.Q(meeting__isnull=False),
                name="one_prompt_per_meeting",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="prompt_by_user")]

    def __str__(self) -> str:
        return f"{self.kind} prompt for {self.user_id}"


class TimeEstimate(models.Model):
    """A member's own estimate of the reading and writing time the community
    takes, beside the meetings they attend."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    minutes_per_week = models.PositiveIntegerField(validators=[MaxValueValidator(60 * 40)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_estimate_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.minutes_per_week} min/week by {self.user_id}"
