"""Reading webhooks and their deliveries, for the people who keep them.
Callers have checked `community.manage_webhooks` or
`programme.manage_webhooks`; each webhook is asked `webhook.manage` too."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from copse.core import cursors, permissions
from copse.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

PAGE_SIZE = 25


def webhooks_of(community) -> list[Webhook]:
    """The webhooks of `community` (None: the site-wide ones), each with its
    latest delivery's status and time, in one query."""
    latest = WebhookDelivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-pk")
    hooks = (
        Webhook.objects.filter(community=community)
        .select_related("owner")
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("created_at", "pk")
    )
    return list(hooks)


def webhook_for(viewer, community, hook_id: int) -> Webhook:
    """The webhook of `community` (None: site-wide), or 404 unless the viewer
    may manage it."""
    hook = (
        Webhook.objects.select_related("owner", "community")
        .filter(pk=hook_id, community=community)
        .first()
    )
    if hook is None:
        raise Http404
    if community is not None:
        hook.community = community
    permissions.require_or_404(viewer, "webhook.manage", hook)
    return hook


def delivery_for(hook: Webhook, delivery_id: int) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.filter(pk=delivery_id, webhook=hook).first()
    if delivery is None:
        raise Http404
    delivery.webhook = hook
    return delivery


@dataclass
class DeliveryPage:
    rows: list
    next_cursor: str


def deliveries_page(hook: Webhook, *, after: str = "") -> DeliveryPage:
    """The webhook's deliveries, newest first, with their attempts: two
    queries whatever the page holds."""
    deliveries = WebhookDelivery.objects.filter(webhook=hook)
    key = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if key is not None:
        at, pk = key
        deliveries = deliveries.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(
        deliveries.prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        ).order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
    )
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = f"{last.created_at.isoformat()}|{last.pk}"
    for row in rows:
        row.webhook = hook
    return DeliveryPage(rows=rows, next_cursor=next_cursor)
