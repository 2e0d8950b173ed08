from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# Kept as written here (the field's default); shown in the reader's language
# until a facilitator changes it (`nudge_words`).
DEFAULT_NUDGE = gettext_noop(
    "Hello {name},\n\n"
    "We have missed you in {community} lately. No pressure at all: if there is "
    "something you are working on, or a question you would like the group's "
    "help with, we would love to hear it. And if the timing or format of our "
    "meetings does not suit you, tell me and we will look at it.\n\n"
    "Warm regards,\n{facilitator}"
)


class HealthSettings(models.Model):
    """A community's own measure of "quiet", and the words of its nudge."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="health_settings"
    )
    quiet_weeks = models.PositiveSmallIntegerField(
        _("quiet after (weeks)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("A member is quiet after this many weeks with no post, answer or attendance."),
    )
    # Placeholders {name}, {community} and {facilitator} are filled by
    # replacement, never by str.format, so no text typed here reaches code.
    nudge_template = models.TextField(default=DEFAULT_NUDGE, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"health settings of {self.community_id}"

    @property
    def nudge_words(self) -> str:
        """The words a nudge starts from: the default ones in the reader's
        language, or the community's own as they were written."""
        if self.nudge_template == DEFAULT_NUDGE:
            return gettext(DEFAULT_NUDGE)
        return self.nudge_template


class Nudge(models.Model):
    """A private, kind note a facilitator sent a quiet member. Logged so that
    nobody is nudged twice within the quiet period."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="nudges"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges_received"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["community", "member", "-sent_at"], name="nudge_by_member"),
        ]

    def __str__(self) -> str:
        return f"nudge to {self.member_id} in {self.community_id}"

    def get_absolute_url(self) -> str:
        return reverse(
            "health:nudge_message", kwargs={"slug": self.community.slug, "nudge_id": self.pk}
        )
