"""Making, using and revoking personal access tokens."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copse.api.models import PersonalAccessToken, Scope
from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError

TOKEN_PREFIX = "copse_"
# How long a token may live; a person picks one of these on the form.
LIFETIMES_DAYS = (7, 30, 90, 365)
MAX_TOKENS_PER_PERSON = 20
# `last_used_at` is written at most this often, so reading through the API
# does not turn every request into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class TokenRefused(UserFacingError):
    """A token that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    secret: str  # shown once, never stored


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_allowed(user) -> list[str]:
    allowed = [Scope.READ, Scope.WRITE]
    if permissions.is_site_admin(user):
        allowed.append(Scope.ADMIN)
    return [str(scope) for scope in allowed]


def create_token(*, actor, name: str, scopes, lifetime_days: int) -> NewToken:
    name = " ".join((name or "").split())[:80]
    if not name:
        raise TokenRefused(_("Give the token a name, so you can tell it apart later."))
    scopes = sorted(set(scopes))
    if not scopes:
        raise TokenRefused(_("Choose at least one scope."))
    refused = set(scopes) - set(scopes_allowed(actor))
    if refused:
        raise TokenRefused(_("You cannot give a token a scope you do not hold."))
    if lifetime_days not in LIFETIMES_DAYS:
        raise TokenRefused(_("Choose one of the offered lifetimes."))
    if PersonalAccessToken.objects.usable().filter(user=actor).count() >= MAX_TOKENS_PER_PERSON:
        raise TokenRefused(
            _("You have %(count)d tokens already; revoke one you no longer use.")
            % {"count": MAX_TOKENS_PER_PERSON}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = PersonalAccessToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            digest=digest_of(secret),
            scopes=scopes,
            created_at=now,
            expires_at=now + dt.timedelta(days=lifetime_days),
        )
        record(
            actor=actor,
            action="api_token.created",
            subject=actor,
            name=name,
            scopes=scopes,
            days=lifetime_days,
        )
    return NewToken(token=token, secret=secret)


def revoke_token(*, actor, token: PersonalAccessToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action="api_token.revoked", subject=token.user, name=token.name)


def revoke_all_of(user) -> int:
    """Every token of `user` stops at once (an account closed, or taken away)."""
    return PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_for(secret: str) -> PersonalAccessToken | None:
    """The usable token `secret` names, with its user, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        PersonalAccessToken.objects.usable()
        .select_related("user")
        .filter(digest=digest_of(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def note_use(token: PersonalAccessToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
