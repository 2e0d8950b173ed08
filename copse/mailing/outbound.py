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
import dataclasses
import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from copse.core import permissions
from copse.core.languages import in_language_of
from copse.mailing import compose, notices
from copse.mailing.digests import DigestRenderer, digest_message, zone
from copse.mailing.models import (
    DeliveryMode,
    MailSettings,
    OutgoingMessage,
)
from copse.mailing.selectors import every_message_recipients, mail_mode_in, recipients_with_mode

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
# While one worker sends a row, others leave it alone for this long. The
# sender renews the lease on the rows still to send every RENEW_EVERY, so a
# live sender keeps its batch however slow the mail server is, and the batch
# of a sender that died is free again within LEASE. (EMAIL_TIMEOUT bounds one
# send below LEASE - RENEW_EVERY.)
LEASE = dt.timedelta(seconds=30)
RENEW_EVERY = dt.timedelta(seconds=10)
BATCH = 200


def settings_for(user) -> MailSettings:
    """The person's mail settings; the defaults (unsaved) if they never chose."""
    found = getattr(user, "_copse_mail_settings", None)
    if found is None:
        found = MailSettings.objects.filter(user=user).first() or MailSettings(user=user)
        user._copse_mail_settings = found
    return found


def _load_settings(rows) -> None:
    """One query for the mail settings of a whole batch of recipients."""
    recipients = {row.recipient_id: row.recipient for row in rows}
    saved = {s.user_id: s for s in MailSettings.objects.filter(user_id__in=list(recipients))}
    for pk, user in recipients.items():
        user._copse_mail_settings = saved.get(pk) or MailSettings(user=user)


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


def _renew_lease(rows: list[OutgoingMessage], now: dt.datetime) -> None:
    OutgoingMessage.objects.filter(
        pk__in=[row.pk for row in rows], state=OutgoingMessage.State.QUEUED
    ).update(next_attempt_at=now + LEASE)


def _digest_mode(row: OutgoingMessage) -> str:
    long = row.period_end - row.period_start > dt.timedelta(days=2)
    return DeliveryMode.WEEKLY if long else DeliveryMode.DAILY


def _still_chosen(rows) -> set[int]:
    """Rows whose recipient, right now, may receive the community's mail,
    still chose this kind of mail there, and does not bounce: one query per
    community and mode in the batch. A post's community is its thread's
    current one, so a move between the post and the send counts."""
    groups = defaultdict(list)
    for row in rows:
        if row.kind == OutgoingMessage.Kind.DIGEST:
            groups[(row.community, _digest_mode(row))].append(row)
        elif row.kind == OutgoingMessage.Kind.POST:
            groups[(row.post.thread.community, DeliveryMode.EVERY)].append(row)
    # Notices go to anyone the notification may reach (a guest presenter
    # too); `Composer._notice` checks them one by one.
    allowed = {row.pk for row in rows if row.kind == OutgoingMessage.Kind.NOTICE}
    for (community, mode), group in groups.items():
        still = set(
            recipients_with_mode(community, mode)
            .filter(pk__in=[row.recipient_id for row in group])
            .values_list("pk", flat=True)
        )
        allowed.update(row.pk for row in group if row.recipient_id in still)
    return allowed


@dataclass
class Outgoing:
    """One message ready for the wire."""

    personal: compose.Personal
    data: bytes | None  # None: compose it and send it through Django's backend
    compose: object  # () -> EmailMultiAlternatives
    subject: str
    message_id: str


class Composer:
    """Builds each outgoing message, in its recipient's language. What is the
    same for many recipients (a post's rendering, a digest's) is built and
    serialized once per language and stamped with each person's parts; the
    rest of the time is SMTP's."""

    def __init__(self):
        self.digests = DigestRenderer()
        self._posts: dict[tuple, tuple] = {}

    def begin_batch(self) -> None:
        self.digests.begin_batch()

    def build(self, row: OutgoingMessage) -> Outgoing | None:
        # Whatever is rendered now is in the recipient's language; a message
        # composed later (`Outgoing.compose`) says its language in `personal`.
        with in_language_of(row.recipient):
            return self._build(row)

    def _build(self, row: OutgoingMessage) -> Outgoing | None:
        version = settings_for(row.recipient).token_version
        if row.kind == OutgoingMessage.Kind.DIGEST:
            return self._digest(row, version)
        if row.kind == OutgoingMessage.Kind.POST:
            return self._post(row, version)
        if row.kind == OutgoingMessage.Kind.NOTICE:
            return self._notice(row, version)
        return None

    def _notice(self, row, version) -> Outgoing | None:
        """A notification by mail, if its owner may still read what it is
        about, has not stopped mail from the community, and does not bounce."""
        from copse.notifications.selectors import may_still_read

        notification, recipient = row.notification, row.recipient
        target = notification.target if notification is not None else None
        if target is None or settings_for(recipient).bouncing_since is not None:
            return None
        permissions.forget_standings(recipient)
        if not may_still_read(recipient, notification):
            return None
        if mail_mode_in(recipient, notification.community)[0] == DeliveryMode.NONE:
            return None
        personal = compose.personal_for(
            recipient=recipient,
            community=notification.community,
            version=version,
            outbox_pk=row.pk,
        )
        mail = notices.registered(notification)
        if mail is not None and mail.reply_to is not None:
            # Asked now, at send time: whoever may no longer answer gets no address.
            reply_to = mail.reply_to(recipient, notification, target, version)
            personal = dataclasses.replace(personal, reply_to=reply_to or "")
        message = compose.notice_message(
            notification=notification,
            target=target,
            personal=personal,
            tz=zone(recipient.time_zone),
        )
        return self._outgoing(personal, False, lambda: message)

    def _digest(self, row, version) -> Outgoing | None:
        rendered = self.digests.render(row, row.recipient.time_zone)
        if rendered.empty:
            return None
        personal = compose.personal_for(
            recipient=row.recipient, community=row.community, version=version, outbox_pk=row.pk
        )
        if rendered.stamped is None:
            rendered.stamped = (
                compose.stamp(
                    digest_message(
                        community=row.community, rendered=rendered, personal=rendered.marks
                    ),
                    rendered.marks,
                )
                or False
            )
        return self._outgoing(
            personal,
            rendered.stamped,
            lambda: digest_message(community=row.community, rendered=rendered, personal=personal),
        )

    def _post(self, row, version) -> Outgoing | None:
        post = row.post
        if not permissions.may_mail_post(post):
            return None
        thread = post.thread
        personal = compose.personal_for(
            recipient=row.recipient,
            community=thread.community,
            version=version,
            outbox_pk=row.pk,
            thread=thread,
        )
        key = (
            post.pk,
            post.edited_at,
            thread.title,
            thread.community_id,
            compose.content_level(thread.community),
            compose.thread_content_level(thread),
            personal.language,
        )
        stamped = self._posts.get(key)
        if stamped is None:
            marks = dataclasses.replace(compose.new_marks(), language=personal.language)
            stamped = self._posts[key] = (
                compose.stamp(compose.post_message(post=post, personal=marks), marks) or False
            )
        return self._outgoing(
            personal, stamped, lambda: compose.post_message(post=post, personal=personal)
        )

    @staticmethod
    def _outgoing(personal, stamped, slow) -> Outgoing:
        if stamped and personal.to.isascii():
            return Outgoing(
                personal=personal,
                data=compose.fill(stamped, personal),
                compose=slow,
                subject=stamped.subject,
                message_id=personal.message_id
                if stamped.message_id == stamped.marks.message_id
                else stamped.message_id,
            )
        message = slow()
        return Outgoing(
            personal=personal,
            data=None,
            compose=lambda: message,
            subject=message.subject,
            message_id=message.extra_headers.get("Message-ID", ""),
        )


def _send(connection, outgoing: Outgoing) -> bool:
    """True once the server accepted the message."""
    smtp = getattr(connection, "connection", None)
    if outgoing.data is None or not isinstance(smtp, smtplib.SMTP):
        # Other backends (file, console, memory) take message objects.
        return bool(connection.send_messages([outgoing.compose()]))
    refused = smtp.sendmail(outgoing.personal.bounce, [outgoing.personal.to], outgoing.data)
    return not refused


def _share_communities(rows) -> None:
    """One instance per community in the batch, so that what is cached on a
    community (its mail content level) is looked up once, not once per row."""
    seen = {}
    for row in rows:
        if row.community is not None:
            row.community = seen.setdefault(row.community.pk, row.community)
        if row.post is not None:
            thread = row.post.thread
            thread.community = seen.setdefault(thread.community.pk, thread.community)


def _defer(row: OutgoingMessage, error: str, now: dt.datetime) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    if row.attempts > len(BACKOFF):
        row.state = OutgoingMessage.State.FAILED
        row.next_attempt_at = now
    else:
        row.next_attempt_at = now + BACKOFF[row.attempts - 1]
    row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])


def _refused(row: OutgoingMessage, exc: smtplib.SMTPRecipientsRefused, now, counts) -> None:
    """The server refused the recipient: for good (5xx), the row fails now;
    for the moment (4xx), it waits its turn like any other retry."""
    codes = [code for code, _ in exc.recipients.values()]
    if codes and all(500 <= code < 600 for code in codes):
        row.attempts += 1
        row.state = OutgoingMessage.State.FAILED
        row.last_error = f"the mail server refused the address ({codes[0]})"
        row.next_attempt_at = now
        row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
        counts["failed"] += 1
        return
    _defer(row, f"the mail server refused the address for now ({codes[0] if codes else '?'})", now)
    counts["failed" if row.state == "failed" else "deferred"] += 1


# What composing any outbox row reads, fetched with the rows.
COMPOSING_NEEDS = (
    "recipient__organisation",
    "post__author__organisation",
    "post__thread__community",
    "community",
    "notification__community",
    "notification__actor",
    "notification__target_type",
)

# Sent rows are recorded in groups: if the process dies after the server
# took a message and before the group is recorded, at most this many
# messages go out again when the lease runs out.
RECORD_EVERY = 25


def deliver_due(
    *, now: dt.datetime | None = None, limit: int = BATCH, composer: Composer | None = None
) -> dict:
    """Send what is due over one SMTP connection. Returns counts by outcome."""
    now = now or timezone.now()
    rows = _claim(now, limit)
    counts = {"sent": 0, "dropped": 0, "deferred": 0, "failed": 0}
    if not rows:
        return counts
    rows = list(
        OutgoingMessage.objects.filter(pk__in=[r.pk for r in rows])
        .select_related(*COMPOSING_NEEDS)
        .order_by("id")
    )
    _share_communities(rows)
    _load_settings(rows)
    chosen = _still_chosen(rows)
    composer = composer or Composer()
    composer.begin_batch()
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        for row in rows:
            _defer(row, f"cannot reach the mail server: {exc}", now)
        counts["deferred"] = len(rows)
        log.warning("outbox: mail server unreachable, %s messages deferred", len(rows))
        return counts
    sent: list[OutgoingMessage] = []
    dropped: list[int] = []
    renewed_at = timezone.now()
    try:
        for index, row in enumerate(rows):
            if timezone.now() - renewed_at >= RENEW_EVERY:
                renewed_at = timezone.now()
                _renew_lease(sent + rows[index:], renewed_at)
            try:
                outgoing = composer.build(row) if row.pk in chosen else None
            except Exception as exc:  # one bad row must not stop the batch
                # A message that cannot be composed (a name with a line
                # break saved before names were checked…) fails alone. The
                # error's text may quote content: only its kind is kept.
                log.warning("outbox %s: cannot compose (%s)", row.pk, type(exc).__name__)
                _defer(row, f"the message could not be composed ({type(exc).__name__})", now)
                counts["failed" if row.state == "failed" else "deferred"] += 1
                continue
            if outgoing is None:
                dropped.append(row.pk)
                continue
            try:
                accepted = _send(connection, outgoing)
            except smtplib.SMTPRecipientsRefused as exc:
                _refused(row, exc, now, counts)
                continue
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                # ValueError: a header Django will not write (composed late,
                # through the backend).
                _defer(row, str(exc) if not isinstance(exc, ValueError) else "bad header", now)
                counts["failed" if row.state == "failed" else "deferred"] += 1
                continue
            if not accepted:
                _defer(row, "the mail server did not accept the message", now)
                counts["deferred"] += 1
                continue
            row.state = OutgoingMessage.State.SENT
            row.sent_at = timezone.now()
            row.message_id = outgoing.message_id[:250]
            row.subject = outgoing.subject[:300]
            row.to_address = outgoing.personal.to
            sent.append(row)
            if len(sent) >= RECORD_EVERY:
                _record(sent, dropped)
                counts["sent"] += len(sent)
                counts["dropped"] += len(dropped)
                sent, dropped = [], []
    finally:
        _record(sent, dropped)
        counts["sent"] += len(sent)
        counts["dropped"] += len(dropped)
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return counts


_RECORD_FIELDS = ("state", "sent_at", "message_id", "subject", "to_address")


def _record(sent: list[OutgoingMessage], dropped: list[int]) -> None:
    """Mark rows sent (one prepared statement run per row, which is many
    times faster than the ORM's bulk_update) and dropped."""
    with transaction.atomic():
        if sent:
            meta = OutgoingMessage._meta
            quote = db.ops.quote_name
            fields = [meta.get_field(name) for name in _RECORD_FIELDS]
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            # Only names from the model's own metadata go into the text.
            sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
            params = [
                [f.get_db_prep_save(getattr(row, f.attname), db) for f in fields] + [row.pk]
                for row in sent
            ]
            with db.cursor() as cursor:
                cursor.executemany(sql, params)
        if dropped:
            OutgoingMessage.objects.filter(pk__in=dropped).update(
                state=OutgoingMessage.State.DROPPED
            )


def deliver_all() -> dict:
    """Send batch after batch until nothing is due (or the mail server stops
    answering), with one composer for the run, so a post or digest is
    rendered once for all its recipients. Returns the summed counts."""
    composer = Composer()
    totals = {"sent": 0, "dropped": 0, "deferred": 0, "failed": 0}
    while True:
        counts = deliver_due(composer=composer)
        for key, value in counts.items():
            totals[key] += value
        # Stop when nothing is due, or when the mail server stopped answering
        # (everything deferred, nothing sent); one message that cannot be
        # sent does not stop the others.
        if not any(counts.values()) or (counts["deferred"] and not counts["sent"]):
            return totals


def delivers_locally() -> bool:
    """True when mail stays on this machine (files, console, memory) instead
    of going to a mail server, as in the demo."""
    return not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")


def next_due_at() -> dt.datetime | None:
    row = (
        OutgoingMessage.objects.filter(state=OutgoingMessage.State.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row


def forget_old(*, now: dt.datetime | None = None) -> int:
    """Delete outbox rows that are done with (sent, dropped, failed) and older
    than COPSE_MAIL_KEEP_DAYS, so the table stays the size of a month's mail
    however long the site runs. Returns how many went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.COPSE_MAIL_KEEP_DAYS)
    deleted, _ = (
        OutgoingMessage.objects.exclude(state=OutgoingMessage.State.QUEUED)
        .filter(created_at__lt=cutoff)
        .delete()
    )
    return deleted


def mail_as_received(user, pk: int):
    """One message of `user`'s, composed as it would be sent now, or None
    when it is not theirs or they may no longer read what it carries. The
    row is returned either way so the page can say which."""
    row = (
        OutgoingMessage.objects.filter(pk=pk, recipient=user)
        .select_related(*COMPOSING_NEEDS)
        .first()
    )
    if row is None:
        return None, None
    # A notice is checked against its notification's own rule when composed.
    if row.kind != OutgoingMessage.Kind.NOTICE:
        community = row.post.thread.community if row.post_id else row.community
        if community is None or not permissions.can(user, "community.receive_mail", community):
            return row, None
        if row.post_id and not permissions.can(user, "post.read", row.post):
            return row, None
    settings_for(row.recipient)
    outgoing = Composer().build(row)
    return row, (outgoing.compose() if outgoing else None)
