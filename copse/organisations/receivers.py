"""Addresses verify organisations: allauth tells us when one is confirmed,
when an account starts with an already verified address (an invitation link
proves the address), and when one is removed."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up
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


@receiver(post_delete, sender=EmailAddress, dispatch_uid="copse.organisations.address_removed")
def address_removed(sender, instance, **kwargs):
    from copse.organisations.services import reassess_domain

    reassess_domain(user_id=instance.user_id)
