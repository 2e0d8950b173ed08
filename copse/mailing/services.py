"""Writes about mail: delivery choices, the community's content level,
revoking a person's tokens, bouncing addresses, joining by mail, and
forgetting held messages nobody confirmed."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.mailing.models import (
    CommunityDelivery,
    CommunityMailPolicy,
    ContentLevel,
    DeliveryMode,
    HeldMessage,
    MailSettings,
)


class NotAllowed(UserFacingError):
    title = _("Not allowed")
    status = 403


def set_default_mode(*, user, mode: str) -> MailSettings:
    if mode not in DeliveryMode.values:
        raise UserFacingError(gettext("Choose every message, a digest, or no email."))
    settings_row, _ = MailSettings.objects.get_or_create(user=user)
    settings_row.default_mode = mode
    settings_row.save(update_fields=["default_mode"])
    return settings_row


def set_community_mode(*, user, community, mode: str) -> CommunityDelivery:
    """Anyone may lower their mail to none; choosing mail needs a seat."""
    if mode not in DeliveryMode.values:
        raise UserFacingError(gettext("Choose every message, a digest, or no email."))
    if mode != DeliveryMode.NONE and not permissions.can(user, "community.receive_mail", community):
        raise NotAllowed(gettext("Only members of a community receive its mail."))
    choice, _ = CommunityDelivery.objects.update_or_create(
        user=user, community=community, defaults={"mode": mode}
    )
    return choice


def set_content_level(*, actor, community, content: str) -> CommunityMailPolicy:
    if not permissions.can(actor, "community.set_mail_content", community):
        raise NotAllowed(
            gettext("Only the community's facilitators decide what its mail may carry.")
        )
    if content not in ContentLevel.values:
        raise UserFacingError(gettext("Choose link only, titles, or full content."))
    with transaction.atomic():
        policy, _ = CommunityMailPolicy.objects.update_or_create(
            community=community, defaults={"content": content, "changed_by": actor}
        )
        record(
            actor=actor,
            action="mail.content_level_changed",
            community=community,
            content=content,
        )
    community._copse_mail_policy = policy
    return policy


def revoke_tokens(*, user) -> None:
    """Every reply address and unsubscribe link sent to `user` stops working."""
    MailSettings.objects.get_or_create(user=user)
    MailSettings.objects.filter(user=user).update(token_version=F("token_version") + 1)


def clear_bounce(*, user) -> None:
    MailSettings.objects.filter(user=user).update(bouncing_since=None, bounce_reason="")


def mark_bouncing(*, user, reason: str) -> MailSettings:
    """A hard bounce: stop sending to the address until the person says it
    works again. The first bounce's time is kept; the reason is the latest."""
    settings_row, _ = MailSettings.objects.get_or_create(user=user)
    settings_row.bouncing_since = settings_row.bouncing_since or timezone.now()
    settings_row.bounce_reason = " ".join(reason.split())[:300]
    settings_row.save(update_fields=["bouncing_since", "bounce_reason"])
    return settings_row


def subscribe_by_mail(*, actor, community, accepted_norms_version: int | None) -> CommunityDelivery:
    """Confirming a `<slug>+subscribe@` request: join through the normal join
    rule (the norms accepted) unless already seated, then get every message."""
    from copse.memberships.services import join_community

    with transaction.atomic():
        if not permissions.standing(actor, community).is_seated:
            join_community(
                actor=actor, community=community, accepted_norms_version=accepted_norms_version
            )
            permissions.forget_standings(actor)
        return set_community_mode(user=actor, community=community, mode=DeliveryMode.EVERY)


def forget_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Delete held messages nobody confirmed in time."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.COPSE_MAIL_HOLD_DAYS)
    deleted, _ = HeldMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted
