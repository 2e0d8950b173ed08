"""Sending a webhook delivery, below `services` and `tasks` (it imports
neither).

`attempt_delivery`, run by the `deliver` task, leases the delivery,
re-checks everything against the permission core as the webhook's owner
(`prepare`), builds the body, signs it (`headers_for`) and sends it; a
failure is tried again later, up to MAX_ATTEMPTS times in all, each wait
four times the one before. When a later try is due it calls the
`try_again` its caller passes (the tasks pass `tasks.try_again_at`, which
queues it). `deliver_due` is the sweep's: every due delivery nobody holds;
`forget_old` drops finished deliveries past COPSE_WEBHOOKS_KEEP_DAYS.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from copse.core import permissions
from copse.webhooks import events, payloads, signing, transport
from copse.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

log = logging.getLogger("copse.webhooks")

MAX_ATTEMPTS = 8
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=24)
# Longer than one attempt can take (the transport's deadline), so a lease
# only runs out when the worker holding it died.
LEASE = dt.timedelta(minutes=2)
USER_AGENT = "Copse-Webhooks/1"

# Told (delivery id, when) when a failed delivery is to be tried again.
TryAgain = Callable[[int, dt.datetime], object]


def wait_before(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt` (1 for the first):
    30 s, 2 min, 8 min, 32 min, about 2 h, about 8.5 h, then a day."""
    return min(FIRST_WAIT * 4 ** (attempt - 1), LONGEST_WAIT)


@dataclass(frozen=True)
class Prepared:
    body: bytes
    level: str


class Skip(Exception):
    """Nothing is sent, for the reason given (kept in the log)."""


def prepare(delivery: WebhookDelivery) -> Prepared:
    """The body to send, checked now against the permission core as the
    webhook's owner, or Skip with the reason."""
    hook = delivery.webhook
    if not hook.active:
        raise Skip("The webhook is turned off.")
    owner = hook.owner
    if owner is None:
        raise Skip("Whoever last saved this webhook has left Copse: save it again to send.")
    permissions.forget_standings(owner)
    if not permissions.can(owner, "webhook.manage", hook):
        raise Skip(
            "Whoever last saved this webhook may no longer manage it: someone who keeps "
            "it now should save it again."
        )
    event = events.BY_NAME.get(delivery.event)
    if event is None:
        raise Skip("Copse no longer sends this event.")
    kind = payloads.KINDS[event.kind]
    thing = kind.load(delivery.object_id)
    if thing is None:
        raise Skip(f"The {kind.noun} no longer exists.")
    community = kind.community_of(thing)
    if hook.community_id is not None and community.pk != hook.community_id:
        raise Skip(f"The {kind.noun} is no longer in this community.")
    gone = kind.gone(delivery.event, thing)
    if gone:
        raise Skip(gone)
    action, target = kind.read(delivery.event, thing)
    level = permissions.webhook_disclosure(
        hook,
        community,
        visibility=kind.visibility(thing),
        owner_reads=permissions.can(owner, action, target),
        about_people=kind.about_people,
    )
    if level == permissions.WEBHOOK_NOTHING:
        if hook.is_site_wide:
            raise Skip(
                "A site-wide webhook carries nothing of a confidential or unlisted "
                "community but who joins and leaves."
            )
        raise Skip(f"Whoever last saved this webhook may not read this {kind.noun} now.")
    document = payloads.body(
        delivery=delivery, community=community, thing=thing, kind=kind, level=level
    )
    encoded = json.dumps(document, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return Prepared(body=encoded, level=level)


def secrets_in_use(hook: Webhook, now) -> list[str]:
    in_use = [hook.secret]
    if hook.previous_secret and hook.previous_secret_until and hook.previous_secret_until > now:
        in_use.append(hook.previous_secret)
    return in_use


def headers_for(delivery: WebhookDelivery, body: bytes, now) -> dict[str, str]:
    """Every header sent: Copse's own names and values, none from anything
    anyone typed."""
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Copse-Event": delivery.event,
        "Copse-Delivery": str(delivery.uuid),
        "Copse-Signature": signing.signature_header(
            secrets_in_use(delivery.webhook, now), timestamp, body
        ),
    }


def _claim(delivery_id: int, now) -> bool:
    """Lease the delivery if it is due and nobody holds it."""
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + LEASE)
    )


def _finish(delivery: WebhookDelivery, **fields) -> None:
    fields.setdefault("leased_until", None)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    for name, value in fields.items():
        setattr(delivery, name, value)


def attempt_delivery(
    delivery_id: int, *, now: dt.datetime | None = None, try_again: TryAgain | None = None
) -> str:
    """Send the delivery if it is due: its new status, or "" when it was not
    due (sent already, waiting for its next try, or held by another worker).
    After a failure that will be tried again, `try_again` (if given) is
    called with the delivery's id and when its next try is due."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return ""
    delivery = WebhookDelivery.objects.select_related("webhook__owner", "webhook__community").get(
        pk=delivery_id
    )
    try:
        prepared = prepare(delivery)
    except Skip as reason:
        _finish(
            delivery,
            status=WebhookDelivery.Status.SKIPPED,
            skip_reason=str(reason)[:300],
            finished_at=now,
            next_attempt_at=None,
        )
        log.info(
            "webhook delivery skipped delivery=%s webhook=%s", delivery.pk, delivery.webhook_id
        )
        return delivery.status
    number = delivery.attempts + 1
    started, clock = timezone.now(), time.monotonic()
    answer, error, address, permanent = None, "", "", False
    try:
        answer = transport.post(
            delivery.webhook.target_url,
            prepared.body,
            headers_for(delivery, prepared.body, started),
        )
        address = answer.address
    except transport.Refused as refusal:
        error, permanent = str(refusal), True
    except transport.Failed as failure:
        error, address = str(failure), failure.address
    duration_ms = int((time.monotonic() - clock) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started,
        duration_ms=duration_ms,
        address=address[:64],
        status_code=answer.status if answer else None,
        response_excerpt=answer.excerpt if answer else "",
        error=error[:300],
    )
    if answer is not None and 200 <= answer.status < 300:
        _finish(
            delivery,
            attempts=number,
            status=WebhookDelivery.Status.SUCCEEDED,
            finished_at=timezone.now(),
            next_attempt_at=None,
        )
    elif permanent or number >= MAX_ATTEMPTS:
        _finish(
            delivery,
            attempts=number,
            status=WebhookDelivery.Status.FAILED,
            finished_at=timezone.now(),
            next_attempt_at=None,
        )
    else:
        later = now + wait_before(number)
        _finish(delivery, attempts=number, next_attempt_at=later)
        if try_again is not None:
            try_again(delivery.pk, later)
    log.info(
        "webhook attempt delivery=%s webhook=%s number=%s status=%s duration_ms=%s",
        delivery.pk,
        delivery.webhook_id,
        number,
        answer.status if answer else "-",
        duration_ms,
    )
    return delivery.status


def deliver_due(
    *, now: dt.datetime | None = None, limit: int = 200, try_again: TryAgain | None = None
) -> int:
    """Try every delivery that is due and held by nobody (one whose task was
    lost, or whose worker died): the sweep's work. `try_again` is passed to
    each attempt."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if attempt_delivery(pk, now=now, try_again=try_again))


def forget_old(*, now: dt.datetime | None = None) -> int:
    """Deliveries finished more than COPSE_WEBHOOKS_KEEP_DAYS ago leave the log."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.COPSE_WEBHOOKS_KEEP_DAYS)
    _, by_model = WebhookDelivery.objects.filter(finished_at__lt=cutoff).delete()
    return by_model.get(WebhookDelivery._meta.label, 0)
