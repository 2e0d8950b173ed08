"""A list of people a facilitator uploaded to invite, kept between the
preview and the confirmation so nothing is uploaded twice.

Only what the file said is kept (`rows`, each with the problems the file
itself had); what depends on the community (who is seated, who is invited,
organisations and caps) is judged again on every preview and at the
confirmation, since it changes meanwhile. A list belongs to the facilitator
who uploaded it and to its community, expires after `LIFETIME`, and is
deleted once expired: the addresses of people who were never invited are
not kept.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LIFETIME = dt.timedelta(hours=24)


class MemberImport(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for confirmation")
        SENT = "sent", _("Invitations sent")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=200)
    # [{"line", "email", "name", "organisation", "problems": [...]}, ...]
    rows = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "uploaded_by", "state"])]

    def __str__(self) -> str:
        return f"list {self.pk} for {self.community_id} ({self.state})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
