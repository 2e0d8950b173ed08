"""Who gets a post by mail, the outbox, and delivery with retries.

A post fans out to the outbox as one row per recipient who chose every
message (`enqueue_post`). `deliver_due` sends due rows over one SMTP
connection; just before composing each one it asks the permission core again,
so someone removed, or a thread moved into a confidential community, after
the post but before the send gets nothing or only what the new place allows.
When the SMTP server is down rows stay queued and are retried with backoff;
a row is marked sent only after the server accepted it, so each message is
delivered once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from copse.core import permissions
from copse.mailing import compose
from copse.mailing.models import (
    CommunityDelivery,
    DeliveryMode,
    MailSettings,
    OutgoingMessage,
)

log = logging.getLogger("copse.mail")

# Waits between attempts; after the last one a message is failed for good.
BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
    dt.timedelta(hours=24),
]
# While one worker sends a row, others leave it alone for this long.
LEASE = dt.timedelta(minutes=10)
BATCH = 200


def settings_for(user) -> MailSettings:
    found = getattr(user, "_copse_mail_settings", None)
    if found is None:
        found, _ = MailSettings.objects.get_or_create(user=user)
        user._copse_mail_settings = found
    return found


def every_message_recipients(community):
    """Users who chose every message from `community` (explicitly, or by their
    default), are seated and active there, and whose address does not bounce."""
    from copse.accounts.models import User
    from copse.memberships.models import Membership

    seated = Membership.objects.filter(
        community=community, status="active", role__in=permissions.READING_ROLES
    ).values("user_id")
    chose_every = CommunityDelivery.objects.filter(
        community=community, mode=DeliveryMode.EVERY
    ).values("user_id")
    chose_other = (
        CommunityDelivery.objects.filter(community=community)
        .exclude(mode=DeliveryMode.EVERY)
        .values("user_id")
    )
    default_every = MailSettings.objects.filter(default_mode=DeliveryMode.EVERY).values("user_id")
    bouncing = MailSettings.objects.filter(bouncing_since__isnull=False).values("user_id")
    return (
        User.objects.filter(is_active=True, pk__in=seated)
        .filter(Q(pk__in=chose_every) | (Q(pk__in=default_every) & ~Q(pk__in=chose_other)))
        .exclude(pk__in=bouncing)
    )


def enqueue_post(post) -> int:
    """Put one outbox row per every-message recipient (never the author, nor
    someone who muted the thread). Idempotent per post and recipient."""
    from copse.conversations.models import Subscription

    thread = post.thread
    muted = Subscription.objects.filter(thread=thread, level="muted").values("user_id")
    recipients = (
        every_message_recipients(thread.community)
        .exclude(pk=post.author_id)
        .exclude(pk__in=muted)
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    rows = [
        OutgoingMessage(
            recipient_id=pk,
            kind=OutgoingMessage.Kind.POST,
            community_id=thread.community_id,
            post=post,
            next_attempt_at=now,
        )
        for pk in recipients
    ]
    OutgoingMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _claim(now: dt.datetime, limit: int) -> list[OutgoingMessage]:
    """Take due rows for this worker: locked rows are skipped on PostgreSQL;
    SQLite runs one writer at a time anyway."""
    with transaction.atomic():
        due = list(
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutgoingMessage.State.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        OutgoingMessage.objects.filter(pk__in=[row.pk for row in due]).update(
            next_attempt_at=now + LEASE
        )
    return due


def _still_allowed(row: OutgoingMessage) -> bool:
    recipient = row.recipient
    if not recipient.is_active or settings_for(recipient).bouncing_since is not None:
        return False
    permissions.forget_standings(recipient)
    if row.kind == OutgoingMessage.Kind.POST:
        post = row.post
        return permissions.can(
            recipient, "community.receive_mail", post.thread.community
        ) and permissions.can(recipient, "post.read", post)
    return False


def _compose(row: OutgoingMessage):
    if row.kind == OutgoingMessage.Kind.POST:
        return compose.post_message(
            post=row.post,
            recipient=row.recipient,
            version=settings_for(row.recipient).token_version,
            outbox_pk=row.pk,
        )
    raise ValueError(f"cannot compose {row.kind}")


def _defer(row: OutgoingMessage, error: str, now: dt.datetime) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    if row.attempts > len(BACKOFF):
        row.state = OutgoingMessage.State.FAILED
        row.next_attempt_at = now
    else:
        row.next_attempt_at = now + BACKOFF[row.attempts - 1]
    row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])


def deliver_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> dict:
    """Send what is due over one SMTP connection. Returns counts by outcome."""
    now = now or timezone.now()
    rows = _claim(now, limit)
    counts = {"sent": 0, "dropped": 0, "deferred": 0, "failed": 0}
    if not rows:
        return counts
    rows = list(
        OutgoingMessage.objects.filter(pk__in=[r.pk for r in rows])
        .select_related(
            "recipient__organisation",
            "post__author__organisation",
            "post__thread__community",
            "community",
        )
        .order_by("id")
    )
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        for row in rows:
            _defer(row, f"cannot reach the mail server: {exc}", now)
        counts["deferred"] = len(rows)
        log.warning("outbox: mail server unreachable, %s messages deferred", len(rows))
        return counts
    try:
        for row in rows:
            if not _still_allowed(row):
                row.state = OutgoingMessage.State.DROPPED
                row.save(update_fields=["state"])
                counts["dropped"] += 1
                continue
            message = _compose(row)
            try:
                sent = connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as exc:
                _defer(row, str(exc), now)
                counts["failed" if row.state == "failed" else "deferred"] += 1
                continue
            if not sent:
                _defer(row, "the mail server did not accept the message", now)
                counts["deferred"] += 1
                continue
            row.state = OutgoingMessage.State.SENT
            row.sent_at = timezone.now()
            row.message_id = message.extra_headers.get("Message-ID", "")[:250]
            row.subject = message.subject[:300]
            row.to_address = row.recipient.email
            row.save(update_fields=["state", "sent_at", "message_id", "subject", "to_address"])
            counts["sent"] += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return counts


def next_due_at() -> dt.datetime | None:
    row = (
        OutgoingMessage.objects.filter(state=OutgoingMessage.State.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row
