"""What the API does when something elsewhere changes."""

from django.dispatch import receiver

from copse.accounts.signals import account_deleted
from copse.api.services import revoke_all_of


@receiver(account_deleted, dispatch_uid="api-revoke-tokens-of-deleted-account")
def revoke_tokens_of_deleted_account(sender, user, **kwargs):
    """A deleted account's tokens stop with its sessions, in the same
    transaction: the deletion does not commit while a token still works."""
    revoke_all_of(user)
