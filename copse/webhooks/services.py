"""Every change to webhooks.

Keeping webhooks: `create_webhook`, `update_webhook`, `rotate_secret`,
`delete_webhook` (each checks permission first and is audited), and
`redeliver`. Events: `record_event`, called by the receivers of the other
apps' signals, makes one delivery per event and webhook once the event's
transaction has committed, and queues each. The sending itself is in
`sending.py`, which the queued tasks call.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.webhooks import events, payloads, signing, targets, tasks
from copse.webhooks.models import Webhook, WebhookDelivery

# How long the old secret still signs after a rotation.
ROTATION_OVERLAP = dt.timedelta(hours=24)


class WebhookError(UserFacingError):
    title = gettext_lazy("That webhook could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


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
