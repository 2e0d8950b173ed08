"""In-app notifications: "someone replied", "you were mentioned", "marked helpful",
meeting reminders, a waitlist place, a moved or cancelled meeting, a re-use
of one's library item.

A notification points at its target (a post, later a meeting...) and is shown
only while the permission core still lets its owner read that target, so a
former member's old notifications lead nowhere.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("replied")
        MENTION = "mention", _("mentioned you")
        HELPFUL = "helpful", _("found your reply helpful")
        REMINDER_WEEK = "reminder_week", _("Meeting in a week")
        REMINDER_DAY = "reminder_day", _("Meeting tomorrow")
        PROMOTED = "promoted", _("A place opened for you")
        MEETING_CHANGED = "meeting_changed", _("Meeting changed")
        DELEGATED = "delegated", _("You go in their place")
        # About a community: it became less private; earlier conversations did not.
        VISIBILITY_LOWERED = "visibility_lowered", _("made the community less private")
        # To facilitators: a seat given by a site admin, a change of role,
        # visibility or listing. The target is the audit entry.
        ANNOUNCEMENT = "announcement", _("Who can read changed")
        # To a library item's authors; the target is the item.
        REUSED = "reused", _("re-used your work")
        # Decisions; the target is the proposal, the poll or the community.
        PROPOSAL = "proposal", _("asks for your answer")
        PROPOSAL_NUDGE = "proposal_nudge", _("is waiting for your answer")
        PROPOSAL_CLOSED = "proposal_closed", _("closed: write the outcome")
        DECIDED = "decided", _("decided")
        NOMINATED = "nominated", _("nominated you as facilitator")
        DATE_POLL = "date_poll", _("asks when you can meet")
        NORMS_REVIEW = "norms_review", _("Time to review the norms")
        # The trust pulse (copse/pulses); the target is the pulse. Nothing
        # about answering it is ever a notification.
        PULSE_OPENED = "pulse_opened", _("A trust pulse is open")
        # A facilitator's private note to a quiet member; the target is the nudge.
        NUDGE = "nudge", _("sent you a personal note")
        # To a presenter; the target is their agenda item.
        FEEDBACK_SHARED = "feedback_shared", _("shared the feedback on your presentation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "target_type", "target_id"], name="notify_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def is_about_meeting(self) -> bool:
        return self.target_type.model == "meeting"

    @property
    def is_about_community(self) -> bool:
        return self.target_type.model == "community"

    @property
    def is_announcement(self) -> bool:
        return self.target_type.model == "auditentry"

    @property
    def is_about_library_item(self) -> bool:
        return self.target_type.model == "libraryitem"

    @property
    def is_about_proposal(self) -> bool:
        return self.target_type.model == "proposal"

    @property
    def is_about_date_poll(self) -> bool:
        return self.target_type.model == "datepoll"

    @property
    def is_nudge(self) -> bool:
        return self.target_type.model == "nudge"
