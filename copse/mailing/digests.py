"""Daily and weekly digests: one message per person and community, covering
the person's own local day (or week), sent the next morning their time.

Planning (`plan_digests`) puts one outbox row per recipient, community and
period, and only for communities that had posts in that period; the unique
constraint on (recipient, community, period end) makes planning safe to run
as often as anyone likes. Sending goes through the same outbox as every other
message (`outbound.deliver_due`), which asks the permission core again just
before sending, in batches: who may still receive the community's mail, and
which posts anyone seated there may read.

A digest's content is the same for everyone in one community, period, time
zone and content level, so it is rendered once per batch (`DigestRenderer`)
and only the per-person parts (the unsubscribe link) are filled in for each
recipient. That is what lets a run for 50,000 people finish in under a minute.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from copse.core import permissions
from copse.core.markdown import plain_text
from copse.mailing import addresses, compose
from copse.mailing.models import ContentLevel, DeliveryMode, OutgoingMessage
from copse.mailing.selectors import recipients_with_mode

DIGEST_MODES = (DeliveryMode.DAILY, DeliveryMode.WEEKLY)
# Longest excerpt of one post in a full-content digest; the rest is a link away.
EXCERPT_CHARS = 1200


def send_hour() -> int:
    return settings.COPSE_DIGEST_HOUR


def zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def period_due(mode: str, tz: dt.tzinfo, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The latest period whose digest is due at `now` for someone in `tz`.

    Daily: the local calendar day before the latest send hour that has
    passed. Weekly: Monday to Monday, sent on Monday morning. Bounds are
    local midnights, so a day across a clock change is 23 or 25 hours long.
    """
    local = now.astimezone(tz)
    today = local.date()
    before_send_hour = local.hour < send_hour()
    if mode == DeliveryMode.WEEKLY:
        end_day = today - dt.timedelta(days=local.weekday())
        if local.weekday() == 0 and before_send_hour:
            end_day -= dt.timedelta(days=7)
        start_day = end_day - dt.timedelta(days=7)
    else:
        end_day = today - dt.timedelta(days=1) if before_send_hour else today
        start_day = end_day - dt.timedelta(days=1)
    return _local_midnight(start_day, tz), _local_midnight(end_day, tz)


def plan_digests(*, now: dt.datetime | None = None) -> int:
    """Queue the digests that are due and not yet queued. Returns rows added."""
    from copse.communities.models import Community

    now = now or timezone.now()
    # Only communities with something new in the widest period can need a
    # digest; one indexed probe per community.
    since = now - dt.timedelta(days=9)
    added = 0
    for community in Community.objects.order_by("pk"):
        if not permissions.mailable_posts(community, since, now).exists():
            continue
        for mode in DIGEST_MODES:
            people = recipients_with_mode(community, mode).values_list("pk", "time_zone")
            by_period: dict[tuple, list[int]] = defaultdict(list)
            for pk, tz_name in people.iterator(chunk_size=5000):
                by_period[period_due(mode, zone(tz_name), now)].append(pk)
            for (start, end), pks in by_period.items():
                if not permissions.mailable_posts(community, start, end).exists():
                    continue
                planned = set(
                    OutgoingMessage.objects.filter(
                        kind=OutgoingMessage.Kind.DIGEST, community=community, period_end=end
                    ).values_list("recipient_id", flat=True)
                )
                rows = [
                    OutgoingMessage(
                        recipient_id=pk,
                        kind=OutgoingMessage.Kind.DIGEST,
                        community=community,
                        period_start=start,
                        period_end=end,
                        next_attempt_at=now,
                    )
                    for pk in pks
                    if pk not in planned
                ]
                # Two planners at once: the unique constraint keeps one row.
                OutgoingMessage.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
                added += len(rows)
    return added


@dataclass
class DigestThread:
    thread: object
    posts: list = field(default_factory=list)


@dataclass
class Rendered:
    """A digest's text with `marks` (this rendering's own stand-ins) where
    each person's parts go."""

    subject: str
    text: str
    html: str
    empty: bool
    marks: compose.Personal
    stamped: object = None  # compose.Stamped, once built


class DigestRenderer:
    """Renders each (community, period, zone, level) digest once for many
    recipients. Before reusing a rendering in a new batch it checks that the
    period's readable posts are unchanged (none removed, edited or added), so
    what is sent is what may be read at send time."""

    def __init__(self):
        self._cache: dict[tuple, tuple[tuple, Rendered]] = {}
        self._fingerprints: dict[tuple, tuple] = {}

    def begin_batch(self) -> None:
        self._fingerprints = {}

    def _fingerprint(self, community, start, end) -> tuple:
        key = (community.pk, start, end)
        found = self._fingerprints.get(key)
        if found is None:
            found = self._fingerprints[key] = tuple(
                permissions.mailable_posts(community, start, end)
                .aggregate(n=Count("id"), last=Max("id"), edited=Max("edited_at"))
                .values()
            )
        return found

    def render(self, row: OutgoingMessage, tz_name: str) -> Rendered:
        community = row.community
        level = compose.content_level(community)
        # The visibility too: a thread's level depends on it (its floor).
        key = (
            community.pk,
            row.period_start,
            row.period_end,
            tz_name,
            level,
            community.visibility,
            # The digest is written in its recipient's language.
            translation.get_language(),
        )
        fingerprint = self._fingerprint(community, row.period_start, row.period_end)
        cached = self._cache.get(key)
        if cached is None or cached[0] != fingerprint:
            cached = self._cache[key] = (fingerprint, self._render(row, zone(tz_name), level))
        return cached[1]

    def _render(self, row: OutgoingMessage, tz: dt.tzinfo, level: str) -> Rendered:
        community = row.community
        posts = list(
            permissions.mailable_posts(community, row.period_start, row.period_end)
            .select_related("author__organisation", "thread")
            .order_by("thread__last_activity_at", "thread_id", "position")
        )
        threads: dict[int, DigestThread] = {}
        for post in posts:
            threads.setdefault(post.thread_id, DigestThread(post.thread)).posts.append(post)
        for entry in threads.values():
            entry.thread.community = community  # mailable_posts keeps to it
            # A thread written while the community was confidential keeps
            # the confidential level inside a fuller digest.
            entry.level = permissions.mail_content_level(entry.thread, level)
            entry.url = settings.BASE_URL + entry.thread.get_absolute_url()
            entry.authors = sorted({_author_name(p) for p in entry.posts})
            for post in entry.posts:
                post.author_name = _author_name(post)
                post.excerpt, post.cut = _excerpt(post.body)
        local_start = row.period_start
        local_last_day = row.period_end - dt.timedelta(seconds=1)
        weekly = (row.period_end - row.period_start) > dt.timedelta(days=2)
        context = {
            "community": community,
            "level": level,
            "weekly": weekly,
            "first_day": local_start,
            "last_day": local_last_day,
            "threads": list(threads.values()),
            "post_count": len(posts),
            "community_url": settings.BASE_URL
            + reverse("conversations:list", args=[community.slug]),
            "preferences_url": settings.BASE_URL + reverse("mailing:preferences"),
        }
        marks = compose.new_marks()
        context["unsubscribe_url"] = marks.unsubscribe
        template = "digest_link_only" if level == ContentLevel.LINK_ONLY else "digest"
        # Dates and times in the templates are the recipient's local ones.
        with timezone.override(tz):
            subject = render_to_string(f"mailing/{template}_subject.txt", context)
            return Rendered(
                subject=compose.subject_line(subject),
                text=render_to_string(f"mailing/{template}.txt", context),
                html=render_to_string(f"mailing/{template}.html", context),
                empty=not posts,
                marks=marks,
            )


def _author_name(post) -> str:
    if post.author is not None:
        return post.author.name
    return post.imported_author or gettext("A former member")


def _excerpt(body: str) -> tuple[str, bool]:
    """The post's words as plain text (no Markdown syntax), cut at a word
    boundary after EXCERPT_CHARS."""
    body = plain_text(body)
    if len(body) <= EXCERPT_CHARS:
        return body, False
    cut = body[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut + " …", True


def digest_message(
    *, community, rendered: Rendered, personal: compose.Personal
) -> EmailMultiAlternatives:
    """A digest addressed by `personal` (or by `rendered.marks`, to stamp)."""
    unsubscribe = rendered.marks.unsubscribe
    headers = {
        "From": formataddr((community.name, addresses.community_address(community))),
        "Message-ID": personal.message_id,
        **compose.list_headers(community=community, unsubscribe=personal.unsubscribe),
    }
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(unsubscribe, personal.unsubscribe),
        from_email=personal.bounce,
        to=[personal.to],
        headers=headers,
    )
    message.attach_alternative(
        rendered.html.replace(unsubscribe, personal.unsubscribe), "text/html"
    )
    return message
