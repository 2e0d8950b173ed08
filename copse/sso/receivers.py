"""Connecting and disconnecting a sign-in provider change how an account can
be entered: both go to the audit log."""

from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.dispatch import receiver

from copse.audit.services import record


@receiver(social_account_added, dispatch_uid="copse.sso.provider_connected")
def provider_connected(sender, request=None, sociallogin=None, **kwargs):
    if sociallogin is not None and sociallogin.user is not None:
        record(
            actor=sociallogin.user,
            action="sign_in.provider_connected",
            subject=sociallogin.user,
            provider=sociallogin.account.provider,
        )


@receiver(social_account_removed, dispatch_uid="copse.sso.provider_disconnected")
def provider_disconnected(sender, request=None, socialaccount=None, **kwargs):
    if socialaccount is not None:
        record(
            actor=socialaccount.user,
            action="sign_in.provider_disconnected",
            subject=socialaccount.user,
            provider=socialaccount.provider,
        )
