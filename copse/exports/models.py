"""An export: one archive (a zip file) made in the background, for the one
person who asked for it, kept for `COPSE_EXPORT_DAYS` days.

A community's export holds its content as its facilitator may read it; a
personal export holds everything about its person and everything they wrote.
The file lives in `COPSE_EXPORT_DIR` under a random name and is only ever
sent by a view that asks the permission core (`export.read`) again.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Everything a community holds")
        PERSONAL = "personal", _("A person's own data")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be made")
        # Its file was removed once it expired.
        EXPIRED = "expired", _("Expired")

    # Waiting or being made: at most one of each kind per community or person.
    UNDER_WAY = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # For a community's export; empty for a personal one.
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # How far the worker is, for the status page: a percentage and the step.
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=120, blank=True)
    # The archive: its name in COPSE_EXPORT_DIR (random), size and checksum.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # What it holds, by kind ("threads": 12), as its manifest says.
    counts = models.JSONField(default=dict, blank=True)
    # Why it could not be made, in words its requester can act on.
    failure = models.CharField(max_length=300, blank=True)
    download_count = models.PositiveIntegerField(default=0)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-requested_at"], name="export_by_person"),
            models.Index(fields=["status", "expires_at"], name="export_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="community", community__isnull=False)
                    | models.Q(kind="personal", community__isnull=True)
                ),
                name="export_community_only_for_its_kind",
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(kind="community", status__in=["queued", "running"]),
                name="one_community_export_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["requested_by"],
                condition=models.Q(kind="personal", status__in=["queued", "running"]),
                name="one_personal_export_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} export {self.pk}"

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.COMMUNITY:
            return reverse("exports:community_status", args=[self.community.slug, self.pk])
        return reverse("exports:personal_status", args=[self.pk])

    def get_download_url(self) -> str:
        if self.kind == self.Kind.COMMUNITY:
            return reverse("exports:community_download", args=[self.community.slug, self.pk])
        return reverse("exports:personal_download", args=[self.pk])

    @property
    def is_under_way(self) -> bool:
        return self.status in self.UNDER_WAY

    @property
    def is_expired(self) -> bool:
        if self.status == self.Status.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and not self.is_expired

    @property
    def counts_shown(self) -> list[tuple[str, int]]:
        """What it holds, as the status page names it ("Library items": 3)."""
        return [
            (COUNT_NAMES.get(kind) or kind.replace("_", " ").capitalize(), n)
            for kind, n in self.counts.items()
        ]

    @property
    def is_finished(self) -> bool:
        """Nothing more will change on the status page."""
        return not self.is_under_way


# The names of what an archive holds, by the manifest's keys.
COUNT_NAMES = {
    "amendments": _("Amendments"),
    "date_polls": _("Date polls"),
    "expertise": _("Expertise"),
    "files": _("Files"),
    "library_items": _("Library items"),
    "materials": _("Materials"),
    "meeting_answers": _("Meeting answers"),
    "meetings": _("Meetings"),
    "memberships": _("Memberships"),
    "norms_versions": _("Norms versions"),
    "nudges": _("Nudges"),
    "positions": _("Positions"),
    "posts": _("Posts"),
    "projects": _("Projects"),
    "proposals": _("Proposals"),
    "pulses": _("Pulses"),
    "threads": _("Threads"),
    "threads_started": _("Threads started"),
    "topic_votes": _("Topic votes"),
    "topics": _("Topics"),
    "value_stories": _("Value stories"),
}


def expiry_from(moment: dt.datetime) -> dt.datetime:
    return moment + dt.timedelta(days=settings.COPSE_EXPORT_DAYS)
