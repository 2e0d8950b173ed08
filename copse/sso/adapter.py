"""How a sign-in through an institution's provider becomes a Copse account.

What the provider says is taken as narrowly as it can be read:

- an address counts as verified only when the provider says so in plain
  words (`email_verified` true, the JSON value or the string "true"), or when
  it is in one of the domains the site trusts that provider for;
- a provider's address never signs anyone in to an existing account;
- the name it gives is the display name only if Copse would accept it from
  the sign-up form (one line, not a look-alike of someone else's), otherwise
  the person is asked for their name.
"""

from __future__ import annotations

import logging

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms

from copse.accounts.forms import clean_display_name
from copse.accounts.identity import normalize_email
from copse.organisations.domains import domain_of

security_log = logging.getLogger("copse.security")


def said_yes(value) -> bool:
    """A claim that is true in so many words: JSON true, or the string "true"
    some providers send. Anything else ("false", "0", a missing claim) is no."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def name_from(data: dict) -> str:
    name = data.get("name") or " ".join(
        part for part in (data.get("first_name"), data.get("last_name")) if part
    )
    return name if isinstance(name, str) else ""


class CopseSocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = normalize_email(user.email)
        for address in sociallogin.email_addresses:
            address.email = normalize_email(address.email)
            # The provider's own flag, taken literally ("false" is a
            # non-empty string, and so true to Python).
            address.verified = said_yes(address.verified) or self._trusted_domain(
                sociallogin.provider, address.email
            )
        # A suggestion until it is checked (`is_auto_signup_allowed`); it
        # travels with the unsaved account to the sign-up form if it fails.
        user.display_name = " ".join(name_from(data).split())[:80]
        return user

    def _trusted_domain(self, provider, email: str) -> bool:
        app = getattr(provider, "app", None)
        trusted = app.settings.get("verified_email") if app is not None else None
        # Only a list of domains: a provider trusted for every address could
        # vouch for anyone's mailbox at a public mail service.
        if not isinstance(trusted, list):
            return False
        return domain_of(email) in set(trusted)

    def is_email_verified(self, provider, email) -> bool:
        return self._trusted_domain(provider, email)

    def can_authenticate_by_email(self, login, email) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        """Straight in only with a name Copse would take from the sign-up
        form; otherwise the person sees that form, their name suggested."""
        if not super().is_auto_signup_allowed(request, sociallogin):
            return False
        try:
            clean_display_name(sociallogin.user.display_name)
        except forms.ValidationError:
            return False
        return True

    def get_signup_form_initial_data(self, sociallogin) -> dict:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["display_name"] = sociallogin.user.display_name
        return initial

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # The provider's id and allauth's error code; never what came back,
        # which may hold a code or a token.
        security_log.warning(
            "single sign-on failed provider=%s error=%s exception=%s",
            getattr(getattr(provider, "app", None), "provider_id", None) or provider.id,
            error,
            type(exception).__name__ if exception else None,
        )
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
