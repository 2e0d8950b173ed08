"""Personal calendar feeds.

Each person may have one secret feed URL. Calendar providers fetch it from
outside without a session, so the token is the only credential: it is long,
random, looked up by its SHA-256 digest, and can be revoked or replaced.
"""

import hashlib

from django.conf import settings
from django.db import models


def token_digest(token: str) -> str:
    """What is stored and looked up instead of the token: a database leak must
    not hand out working feed URLs."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
