"""Every change to webhooks, and the sending of their deliveries.

Keeping webhooks: `create_webhook`, `update_webhook`, `rotate_secret`,
`delete_webhook` (each checks permission first and is audited), and
`redeliver`. Events: `record_event`, called by the receivers of the other
apps' signals, makes one delivery per event and webhook once the event's
transaction has committed. Sending: `attempt_delivery`, run by the task
queue, re-checks everything against the permission core, builds the body,
signs it and sends it; a failure is tried again later, up to MAX_ATTEMPTS
times in all, each wait four times the one before.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.webhooks import events, payloads, signing, targets, tasks, transport
from copse.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

log = logging.getLogger("copse.webhooks")

MAX_ATTEMPTS = 8
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=24)
# Longer than one attempt can take (the transport's deadline), so a lease
# only runs out when the worker holding it died.
LEASE = dt.timedelta(minutes=2)
# How long the old secret still signs after a rotation.
ROTATION_OVERLAP = dt.timedelta(hours=24)
USER_AGENT = "Copse-Webhooks/1"


class WebhookError(UserFacingError):
    title = gettext_lazy("That webhook could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


def wait_before(attempt: int) -> dt.timedelta:
    """The wait after failed attempt number `attempt` (1 for the first):
    30 s, 2 min, 8 min, 32 min, about 2 h, about 8.5 h, then a day."""
    return min(FIRST_WAIT * 4 ** (attempt - 1), LONGEST_WAIT)


# --- Keeping webhooks ------------------------------------------------------------------


def _require_scope(actor, community) -> None:
    if community is None:
        allowed = permissions.can(actor, "programme.manage_webhooks")
    else:
        allowed = permissions.can(actor, "community.manage_webhooks", community)
    if not allowed:
        raise NotAllowed(
            _("Only site administrators keep site-wide webhooks.")
            if community is None
            else _("Only the community's facilitators keep its webhooks.")
        )


def _require_manage(actor, hook: Webhook) -> None:
    if not permissions.can(actor, "webhook.manage", hook):
        raise NotAllowed(_("Only those who keep this webhook can change it."))


def _clean(target_url: str, chosen, description: str) -> tuple[str, list[str], str]:
    target_url = (target_url or "").strip()
    targets.parse(target_url)
    chosen = events.known(chosen or ())
    if not chosen:
        raise WebhookError(_("Choose at least one event to send."))
    description = " ".join(without_control_characters(description or "").split())[:100]
    return target_url, chosen, description


def create_webhook(
    *,
    actor,
    community,
    target_url: str,
    events: list[str],
    active: bool = True,
    description: str = "",
) -> tuple[Webhook, str]:
    """A new webhook of `community` (None: site-wide), and its secret, which
    the caller shows once."""
    _require_scope(actor, community)
    target_url, chosen, description = _clean(target_url, events, description)
    secret = signing.new_secret()
    with transaction.atomic():
        hook = Webhook.objects.create(
            community=community,
            description=description,
            target_url=target_url,
            events=chosen,
            active=active,
            secret=secret,
            owner=actor,
            created_by=actor,
        )
        record(
            actor=actor,
            action="webhook.created",
            community=community,
            webhook=hook.pk,
            host=hook.host,
            events=chosen,
        )
    return hook, secret


def update_webhook(
    *,
    actor,
    hook: Webhook,
    target_url: str,
    events: list[str],
    active: bool,
    description: str = "",
) -> Webhook:
    """Save the webhook's settings. Whoever saves it becomes its owner: the
    person each delivery is checked against."""
    _require_manage(actor, hook)
    target_url, chosen, description = _clean(target_url, events, description)
    changed = sorted(
        name
        for name, value in (
            ("target_url", target_url),
            ("events", chosen),
            ("active", active),
            ("description", description),
        )
        if getattr(hook, name) != value
    )
    with transaction.atomic():
        hook.target_url, hook.events, hook.active = target_url, chosen, active
        hook.description = description
        owner_changed = hook.owner_id != actor.pk
        hook.owner = actor
        hook.save()
        if changed or owner_changed:
            record(
                actor=actor,
                action="webhook.changed",
                community=hook.community,
                webhook=hook.pk,
                host=hook.host,
                fields=changed,
            )
    return hook


def rotate_secret(*, actor, hook: Webhook) -> str:
    """A new secret, shown once. The old one signs too for ROTATION_OVERLAP."""
    _require_manage(actor, hook)
    secret = signing.new_secret()
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=hook.pk)
        locked.previous_secret = locked.secret
        locked.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        locked.secret = secret
        locked.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        record(
            actor=actor,
            action="webhook.secret_rotated",
            community=hook.community,
            webhook=hook.pk,
            host=hook.host,
        )
    hook.secret = secret
    return secret


def delete_webhook(*, actor, hook: Webhook) -> None:
    """The webhook goes, with its delivery log; nothing more is sent."""
    _require_manage(actor, hook)
    with transaction.atomic():
        record(
            actor=actor,
            action="webhook.deleted",
            community=hook.community,
            webhook=hook.pk,
            host=hook.host,
        )
        hook.delete()


def redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery's event again, as a new delivery (a new
    Copse-Delivery id, the same event id), built and checked as it is sent."""
    _require_manage(actor, delivery.webhook)
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise WebhookError(_("This delivery is still being tried; wait for it to finish."))
    again = WebhookDelivery.objects.create(
        webhook=delivery.webhook,
        event_id=delivery.event_id,
        event=delivery.event,
        community_id=delivery.community_id,
        object_id=delivery.object_id,
        occurred_at=delivery.occurred_at,
        next_attempt_at=timezone.now(),
        redelivery_of=delivery,
        requested_by=actor,
    )
    # The sweep sends it if the queue cannot take it now.
    transaction.on_commit(lambda: tasks.deliver.enqueue(again.pk), robust=True)
    return again


# --- Events ----------------------------------------------------------------------------


def record_event(
    event: str, *, object_id: int, community_id: int, occurred_at: dt.datetime | None = None
) -> None:
    """An event happened (now, unless `occurred_at` says when): once the
    transaction it happened in commits, one delivery for each active webhook
    that wants it and may be told. Webhooks made after it happened are not
    sent it."""
    occurred_at = occurred_at or timezone.now()
    # Robust: what the person did is committed; a failure here is logged and
    # must not turn their page into an error.
    transaction.on_commit(
        lambda: _fan_out(
            event, object_id=object_id, community_id=community_id, occurred_at=occurred_at
        ),
        robust=True,
    )


def _fan_out(event: str, *, object_id: int, community_id: int, occurred_at) -> list[int]:
    from copse.communities.models import Community

    kind = payloads.KINDS[events.BY_NAME[event].kind]
    hooks = [
        hook
        for hook in Webhook.objects.filter(
            Q(community_id=community_id) | Q(community__isnull=True),
            active=True,
            created_at__lte=occurred_at,
        )
        if event in hook.events
    ]
    if not hooks:
        return []
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return []
    wanted = [
        hook
        for hook in hooks
        # What would never be sent is not put in the log; what might be is,
        # and is checked again when sent.
        if permissions.webhook_disclosure(
            hook,
            community,
            visibility=community.visibility,
            owner_reads=True,
            about_people=kind.about_people,
        )
        != permissions.WEBHOOK_NOTHING
    ]
    event_id = uuid.uuid4()
    with transaction.atomic():
        made = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                webhook=hook,
                event_id=event_id,
                event=event,
                community_id=community_id,
                object_id=object_id,
                occurred_at=occurred_at,
                next_attempt_at=occurred_at,
            )
            for hook in wanted
        )
    ids = [delivery.pk for delivery in made]
    for pk in ids:
        tasks.deliver.enqueue(pk)
    return ids


# --- Sending ---------------------------------------------------------------------------


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


def attempt_delivery(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Send the delivery if it is due: its new status, or "" when it was not
    due (sent already, waiting for its next try, or held by another worker)."""
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
        tasks.try_again_at(delivery.pk, later)
    log.info(
        "webhook attempt delivery=%s webhook=%s number=%s status=%s duration_ms=%s",
        delivery.pk,
        delivery.webhook_id,
        number,
        answer.status if answer else "-",
        duration_ms,
    )
    return delivery.status


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Try every delivery that is due and held by nobody (one whose task was
    lost, or whose worker died): the sweep's work."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if attempt_delivery(pk, now=now))


def forget_old(*, now: dt.datetime | None = None) -> int:
    """Deliveries finished more than COPSE_WEBHOOKS_KEEP_DAYS ago leave the log."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.COPSE_WEBHOOKS_KEEP_DAYS)
    _, by_model = WebhookDelivery.objects.filter(finished_at__lt=cutoff).delete()
    return by_model.get(WebhookDelivery._meta.label, 0)
