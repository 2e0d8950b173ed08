"""Anonymity is in the tables' shape: an answer row holds no person and no
time finer than its pulse's dates, its key is random (no order to line up
with anything), and whether someone answered is a separate table that says
nothing of what they answered."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copse.pulses.statements import (
    DEFAULT_OPEN_QUESTION,
    DEFAULT_OPEN_QUESTION_SHOWN,
    MINIMUM_RESPONDENTS,
)


class Pulse(models.Model):
    """One round of the survey, open between two dates."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="pulses"
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    open_question = models.CharField(max_length=300, default=DEFAULT_OPEN_QUESTION)
    min_respondents = models.PositiveSmallIntegerField(
        _("show results from this many answers"),
        default=MINIMUM_RESPONDENTS,
        validators=[MinValueValidator(MINIMUM_RESPONDENTS), MaxValueValidator(1000)],
    )
    # Months until the next pulse is scheduled when this one closes; 0: none.
    repeat_every_months = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(12)]
    )
    respondent_count = models.PositiveIntegerField(default=0, editable=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the seated were told it opened (`tasks.tell_members_of_pulse`), so
    # the daily sweep tells each pulse's members once.
    opening_announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When its answers were written again in a random order, after it closed
    # (`services.seal_answers`): see "How a trust pulse stays anonymous" in
    # docs/decisions.md.
    answers_sealed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_on"]
        indexes = [models.Index(fields=["community", "-opens_on"], name="pulse_by_community")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="pulse_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(min_respondents__gte=MINIMUM_RESPONDENTS),
                name="pulse_threshold_never_below_five",
            ),
        ]

    def __str__(self) -> str:
        return f"trust pulse of {self.opens_on}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pulses:pulse", args=[self.community.slug, self.pk])

    @property
    def question(self) -> str:
        """The open question as a reader reads it: the default one in their
        language, one a facilitator wrote as written."""
        if self.open_question == DEFAULT_OPEN_QUESTION:
            return str(DEFAULT_OPEN_QUESTION_SHOWN)
        return self.open_question

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return self.cancelled_at is None and self.opens_on <= today <= self.closes_on

    @property
    def has_closed(self) -> bool:
        return self.cancelled_at is None and self.closes_on < timezone.localdate()

    @property
    def threshold(self) -> int:
        return max(self.min_respondents, MINIMUM_RESPONDENTS)

    @property
    def results_shown(self) -> bool:
        return self.has_closed and self.respondent_count >= self.threshold


class PulseAnswer(models.Model):
    """What one person answered, and nothing about who or when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="answers")
    statement_1 = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    statement_2 = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    statement_3 = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    statement_4 = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    statement_5 = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    open_answer = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    statement_1__range=(1, 5),
                    statement_2__range=(1, 5),
                    statement_3__range=(1, 5),
                    statement_4__range=(1, 5),
                    statement_5__range=(1, 5),
                ),
                name="pulse_scores_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return "an anonymous answer"

    @property
    def scores(self) -> tuple[int, int, int, int, int]:
        return (
            self.statement_1,
            self.statement_2,
            self.statement_3,
            self.statement_4,
            self.statement_5,
        )


class Respondent(models.Model):
    """That a person answered a pulse (so they answer once and are not
    reminded), and nothing of what they answered or when."""

    pulse = models.ForeignKey(Pulse, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pulse", "user"], name="one_answer_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} answered {self.pulse_id}"
