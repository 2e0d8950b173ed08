"""Writes for personal calendar feeds: issue, replace and revoke the secret URL."""

import datetime as dt
import logging
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.calendars.models import CalendarFeed, token_digest
from copse.core.errors import UserFacingError
from copse.core.storage import write_if_possible

security_log = logging.getLogger("copse.security")

# Writing on every fetch would cost a write per provider poll; an hour is
# precise enough to tell a person whether their calendar app still uses the feed.
FETCH_NOTE_INTERVAL = dt.timedelta(hours=1)


class FeedNotAllowed(UserFacingError):
    title = _("No calendar feed for this account")


def create_or_replace_feed(user) -> str:
    """Issue a new secret feed token for `user`, replacing any old one (whose
    URL stops working at once). Returns the token; only its digest is kept."""
    if not (user.is_authenticated and user.is_active):
        raise FeedNotAllowed(gettext("Sign in with an active account to get a calendar feed."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user,
            defaults={
                "token_digest": token_digest(token),
                "created_at": timezone.now(),
                "last_fetched_at": None,
            },
        )
    security_log.info("calendar feed issued user=%s", user.pk)
    return token


def revoke_feed(user) -> bool:
    """Switch off the user's feed. True when there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    if deleted:
        security_log.info("calendar feed revoked user=%s", user.pk)
    return bool(deleted)


def note_fetch(feed: CalendarFeed) -> None:
    """Remember that a calendar app fetched the feed, at most once an hour."""
    now = timezone.now()
    if feed.last_fetched_at is not None and now - feed.last_fetched_at < FETCH_NOTE_INTERVAL:
        return
    if write_if_possible(
        f"calendar feed fetch time feed={feed.pk}",
        lambda: CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now),
    ):
        feed.last_fetched_at = now
