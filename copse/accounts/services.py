"""Writes to the account itself. The one here closes an account for good:
`departures` calls it last, once everything else the person had is dealt with."""

from __future__ import annotations

import secrets

from django.apps import apps
from django.db import transaction

from copse.accounts.models import FORMER_MEMBER, User

# RFC 2606 keeps `.invalid` from ever resolving: mail to a closed account's
# stand-in address can go nowhere (and `core.mail` does not try).
CLOSED_DOMAIN = "deleted.invalid"


def closed_address() -> str:
    return f"closed-{secrets.token_hex(12)}@{CLOSED_DOMAIN}"


def is_closed(user) -> bool:
    return not user.is_active and user.email.endswith("@" + CLOSED_DOMAIN)


def anonymise_account(*, user: User) -> None:
    """Leave nothing of the person on their account row, and nothing it
    can sign in with: no address (allauth's either), name, handle, job,
    bio, time zone or organisation; no password, authenticator (TOTP,
    recovery codes) or account at an identity provider; no site role. The
    row stays so what others wrote beside the person's keeps its places, and
    whatever still points at it reads "Former member"."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        if apps.is_installed("allauth.socialaccount"):
            SocialAccount = apps.get_model("socialaccount", "SocialAccount")
            SocialAccount.objects.filter(user=user).delete()
        user.email = closed_address()
        user.display_name = FORMER_MEMBER
        # A handle of its own, so links already written still resolve to a
        # page (which says nothing: the profile of a closed account is a 404);
        # nothing in it comes from the person.
        user.handle = f"former-{secrets.token_hex(6)}"
        user.job_title = ""
        user.bio = ""
        user.time_zone = "UTC"
        user.organisation = None
        user.organisation_source = ""
        user.organisation_verified_by = None
        user.organisation_verified_at = None
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.is_sponsor = False
        user.last_login = None
        # Changes the hash every signed-in session carries, so Django ends
        # each of them at its next request even before its row is deleted.
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
