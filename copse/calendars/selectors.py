"""Reads for calendar exports and feeds."""

from django.http import Http404

from copse.calendars.models import CalendarFeed, token_digest
from copse.meetings.models import MeetingSeries

# token_urlsafe(32) gives 43 characters; anything far longer is not a token.
MAX_TOKEN_LENGTH = 100


def feed_of(user) -> CalendarFeed | None:
    """The user's own feed, if they have one."""
    return CalendarFeed.objects.filter(user=user).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a token opens; None when unknown, revoked, replaced or its
    owner's account is no longer active."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_digest=token_digest(token), user__is_active=True)
        .first()
    )


def series_in(community, series_id: int) -> MeetingSeries:
    """A series of `community` (the caller has checked `community.read`), or 404."""
    series = MeetingSeries.objects.filter(pk=series_id, community=community).first()
    if series is None:
        raise Http404
    series.community = community
    return series
