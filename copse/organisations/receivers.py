"""Addresses and sign-in providers verify organisations. allauth tells us when
an address is confirmed, when an account starts with an already verified
address (an invitation link proves the address, and so does a provider that
says it verified it), when one is removed, when someone signs in through a
provider or connects one to their account, and when a connection goes."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.signals import social_account_added
from django.db.models.signals import post_delete
from django.dispatch import receiver


@receiver(email_confirmed, dispatch_uid="copse.organisations.address_confirmed")
def address_confirmed(sender, request=None, email_address=None, **kwargs):
    from copse.organisations.services import verify_from_address

    if email_address is not None:
        verify_from_address(email_address=email_address)


@receiver(user_signed_up, dispatch_uid="copse.organisations.signed_up")
def signed_up(sender, request=None, user=None, **kwargs):
    from copse.organisations.services import verify_from_address

    for address in EmailAddress.objects.filter(user=user, verified=True):
        verify_from_address(email_address=address)


def _account_is_being_deleted(origin) -> bool:
    """Deleting an account deletes its addresses and connections first: there
    is nothing to reassess, and nothing may be written about the account."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return isinstance(origin, User) or getattr(origin, "model", None) is User


@receiver(post_delete, sender=EmailAddress, dispatch_uid="copse.organisations.address_removed")
def address_removed(sender, instance, origin=None, **kwargs):
    from copse.organisations.services import reassess_domain

    if not _account_is_being_deleted(origin):
        reassess_domain(user_id=instance.user_id)


@receiver(user_logged_in, dispatch_uid="copse.organisations.signed_in_through_provider")
def signed_in(sender, request=None, user=None, sociallogin=None, **kwargs):
    """Sent only once the sign-in went through: an inactive account, or one
    still waiting to confirm its address, never gets here."""
    from copse.organisations.services import verify_from_provider

    if sociallogin is not None and user is not None:
        verify_from_provider(user_id=user.pk, provider_id=sociallogin.account.provider)


@receiver(social_account_added, dispatch_uid="copse.organisations.provider_connected")
def provider_connected(sender, request=None, sociallogin=None, **kwargs):
    from copse.organisations.services import verify_from_provider

    if sociallogin is not None and sociallogin.user is not None:
        verify_from_provider(user_id=sociallogin.user.pk, provider_id=sociallogin.account.provider)


@receiver(post_delete, sender=SocialAccount, dispatch_uid="copse.organisations.provider_removed")
def provider_removed(sender, instance, origin=None, **kwargs):
    from copse.organisations.services import reassess_provider

    if not _account_is_being_deleted(origin):
        reassess_provider(user_id=instance.user_id)
