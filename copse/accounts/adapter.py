"""How allauth fits Copse: normalised addresses and reset mail only to stored ones."""

import logging

from allauth.account.adapter import DefaultAccountAdapter

from copse.accounts.identity import addresses_of, normalize_email

security_log = logging.getLogger("copse.security")


class CopseAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return normalize_email(super().clean_email(email))

    def save_user(self, request, user, form, commit=True):
        # The name is on the account before its first save, so the handle
        # (made at the first save) comes from the name, not the address.
        user = super().save_user(request, user, form, commit=False)
        name = getattr(form, "cleaned_data", {}).get("display_name")
        if name:
            user.display_name = name
        if commit:
            user.save()
        return user

    def send_password_reset_mail(self, user, email, context) -> None:
        # Send only to an address the account really has, byte for byte after
        # normalisation: a look-alike typed address ("mıke@" for "mike@") must
        # never receive another person's reset link.
        typed = normalize_email(email)
        stored = addresses_of(user)
        if typed not in stored:
            security_log.warning("password reset refused for look-alike address user=%s", user.pk)
            return
        super().send_password_reset_mail(user, typed, context)
