"""Notifications that should not wait for a visit go by mail too: meeting
reminders, a place that opened, a moved or cancelled meeting, going in
someone's place, a mention, an announcement to facilitators of a change
of who can read their community, a re-use of an author's library item. Replies and helpful marks do not: every-message
mail and digests carry those conversations already.

A notice is an outbox row naming the notification; like every other row it
is composed at send time, after asking again whether its owner may read
what it is about.
"""

from __future__ import annotations

from django.utils import timezone

MAILED_KINDS = {
    "reminder_week",
    "reminder_day",
    "promoted",
    "meeting_changed",
    "delegated",
    "mention",
    # To facilitators: who changed who can read their community.
    "announcement",
    # To authors: someone re-used their library item.
    "reused",
}


def enqueue_notice(notification) -> bool:
    """Queue the mail for `notification` if it is of a mailed kind."""
    from copse.mailing.models import OutgoingMessage

    if notification.kind not in MAILED_KINDS:
        return False
    OutgoingMessage.objects.create(
        recipient_id=notification.user_id,
        kind=OutgoingMessage.Kind.NOTICE,
        community_id=notification.community_id,
        notification=notification,
        next_attempt_at=timezone.now(),
    )
    return True
