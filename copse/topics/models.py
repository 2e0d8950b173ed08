"""Topics the community wants to talk about at its meetings.

Members nominate topics and vote for them (one approval vote each, which they
may withdraw). The backlog is ranked by votes, then by age, so a topic that
has waited longer wins a tie. A topic is *scheduled* when it goes on a
meeting's agenda and *covered* when that meeting's summary is published.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Topic(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("topic status", "Proposed")
        SCHEDULED = "scheduled", pgettext_lazy("topic status", "Scheduled")
        COVERED = "covered", pgettext_lazy("topic status", "Covered")
        PARKED = "parked", pgettext_lazy("topic status", "Parked")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="topics"
    )
    title = models.CharField(max_length=200)
    why = models.TextField(_("why it matters"), max_length=4000, blank=True)
    area = models.CharField(_("topic area"), max_length=60, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Only on a topic Copse itself puts on the backlog (`services.add_system_topic`):
    # the page it is about (the norms due for review, a decision to look at
    # again), an address on this site, with the words of its link.
    link = models.CharField(max_length=300, blank=True)
    link_text = models.CharField(max_length=120, blank=True)
    # Kept in step with TopicVote rows by topics.services, so the backlog sorts
    # on an indexed column instead of counting votes.
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["community", "status", "-vote_count", "created_at", "id"],
                name="topic_backlog",
            )
        ]

    def __str__(self) -> str:
        return self.title


class TopicVote(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"vote by {self.user_id} on {self.topic_id}"
