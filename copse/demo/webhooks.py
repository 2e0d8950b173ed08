"""The demo's webhooks, told as the people set them up:

- Sofia Marques, who facilitates the open Instructional Design community,
  sends its new threads and posts to the university's learning portal, which
  lists them beside the courses. The portal was down one morning: the log
  shows a delivery that got two 502s before it went through.
- Maria Lopez sends the CIO CoP's new threads and meetings to the members'
  private chat channel. The CoP is confidential, so each delivery carries the
  event, its time, ids and links, and nothing anyone wrote.
- The site administrator sends who joins and leaves each community to the
  programme office's dashboard. One delivery failed for good: the dashboard
  timed out eight times while it moved.

The webhooks are made through the webhook service (audited) after the rest of
the demo has committed, so nothing of the load is sent anywhere; their logs
are written as they happened, from the demo's own threads, meetings and
members. Their addresses are under `.example`, which never resolves: a
delivery made later while someone tries the demo fails, and shows it.
Idempotent: a webhook already there (by community and name) is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PORTAL = "instructional-design"
CIO = "sv-cio-cop"


@dataclass(frozen=True)
class Attempt:
    status: int | None
    excerpt: str = ""
    error: str = ""
    after: dt.timedelta = dt.timedelta(0)  # after the event happened
    duration_ms: int = 140


DELIVERED = (Attempt(200, '{"received":true}'),)
AFTER_TWO_502 = (
    Attempt(502, "Bad Gateway", duration_ms=60),
    Attempt(502, "Bad Gateway", after=dt.timedelta(seconds=31), duration_ms=55),
    Attempt(200, '{"received":true}', after=dt.timedelta(minutes=3)),
)
TIMED_OUT = tuple(
    Attempt(
        None,
        error="No answer within 5 s.",
        after=dt.timedelta(seconds=sum(30 * 4**k for k in range(n))),
        duration_ms=5003,
    )
    for n in range(8)
)


def load_webhooks(loader) -> None:
    from copse.communities.models import Community
    from copse.webhooks.models import Webhook

    admin = loader.people["admin@copse.example"]
    portal = Community.objects.filter(slug=PORTAL).first()
    if portal is not None and not Webhook.objects.filter(community=portal).exists():
        _portal(loader, portal)
    cio = Community.objects.filter(slug=CIO).first()
    if cio is not None and not Webhook.objects.filter(community=cio).exists():
        _cio(loader, cio)
    if not Webhook.objects.filter(community__isnull=True).exists():
        _programme(loader, admin)


def _made(loader, *, actor, community, description, url, events):
    """A webhook made now, whatever its log says: a webhook is sent only what
    happens after it was made, and this keeps the load's own events out of
    it even where they are announced after this (a load inside a larger
    transaction)."""
    from copse.webhooks import services

    hook, _secret = services.create_webhook(
        actor=actor,
        community=community,
        target_url=url,
        events=events,
        description=description,
    )
    loader._count("webhooks")
    return hook


def _log(hook, *, event, community, object_id, occurred_at, attempts) -> None:
    from copse.webhooks.models import WebhookAttempt, WebhookDelivery

    last = attempts[-1]
    delivered = last.status is not None and 200 <= last.status < 300
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        event=event,
        community=community,
        object_id=object_id,
        occurred_at=occurred_at,
        status=WebhookDelivery.Status.SUCCEEDED if delivered else WebhookDelivery.Status.FAILED,
        attempts=len(attempts),
        finished_at=occurred_at + last.after + dt.timedelta(milliseconds=last.duration_ms),
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=occurred_at)
    WebhookAttempt.objects.bulk_create(
        WebhookAttempt(
            delivery=delivery,
            number=number,
            started_at=occurred_at + attempt.after,
            duration_ms=attempt.duration_ms,
            address="" if attempt.status is None else "203.0.113.40",
            status_code=attempt.status,
            response_excerpt=attempt.excerpt,
            error=attempt.error,
        )
        for number, attempt in enumerate(attempts, start=1)
    )


def _portal(loader, community) -> None:
    from copse.conversations.models import Post

    sofia = loader.people["sofia.marques@university.example"]
    hook = _made(
        loader,
        actor=sofia,
        community=community,
        description="Learning portal",
        url="https://portal.university.example/hooks/copse",
        events=["thread.created", "post.published"],
    )
    posts = list(
        Post.objects.filter(community=community, removed_at__isnull=True)
        .order_by("-created_at", "-pk")
        .select_related("thread")[:4]
    )
    for n, post in enumerate(reversed(posts)):
        when = post.created_at
        if post.position == 0:
            _log(
                hook,
                event="thread.created",
                community=community,
                object_id=post.thread_id,
                occurred_at=when,
                attempts=AFTER_TWO_502 if n == 1 else DELIVERED,
            )
        _log(
            hook,
            event="post.published",
            community=community,
            object_id=post.pk,
            occurred_at=when,
            attempts=AFTER_TWO_502 if n == 1 else DELIVERED,
        )


def _cio(loader, community) -> None:
    from copse.conversations.models import Thread
    from copse.meetings.models import Meeting

    maria = loader.people["maria@northwind.example"]
    hook = _made(
        loader,
        actor=maria,
        community=community,
        description="Members' private chat channel",
        url="https://chat.northwind.example/hooks/cio-cop",
        events=["thread.created", "meeting.created", "meeting.changed"],
    )
    for thread in Thread.objects.filter(community=community).order_by("-created_at")[:2]:
        _log(
            hook,
            event="thread.created",
            community=community,
            object_id=thread.pk,
            occurred_at=thread.created_at,
            attempts=DELIVERED,
        )
    meeting = (
        Meeting.objects.filter(community=community, starts_at__gt=loader.now)
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        _log(
            hook,
            event="meeting.created",
            community=community,
            object_id=meeting.pk,
            occurred_at=loader.now - dt.timedelta(days=20),
            attempts=DELIVERED,
        )


def _programme(loader, admin) -> None:
    from copse.memberships.models import Membership

    hook = _made(
        loader,
        actor=admin,
        community=None,
        description="Programme office dashboard",
        url="https://dashboard.programme.example/copse/members",
        events=["membership.started", "membership.ended"],
    )
    seats = list(Membership.objects.select_related("community").order_by("-joined_at", "-pk")[:3])
    for n, seat in enumerate(seats):
        _log(
            hook,
            event="membership.started",
            community=seat.community,
            object_id=seat.pk,
            occurred_at=seat.joined_at,
            attempts=TIMED_OUT if n == len(seats) - 1 else DELIVERED,
        )
