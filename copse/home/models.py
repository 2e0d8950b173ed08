"""When a person last opened Home, for "new since your last visit"."""

from django.conf import settings
from django.db import models


class HomeVisit(models.Model):
    """One row per person. `previous_visit_at` is what Home counts "new" from;
    `last_visit_at` is when they were last seen on it (see `services.record_visit`
    and "What a visit to Home is" in docs/decisions.md)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} last on Home at {self.last_visit_at:%Y-%m-%d %H:%M}"
