"""Forgetting lists once they expire; below both the services that upload
them and the task that runs when one expires."""

from django.utils import timezone

from copse.member_imports.models import MemberImport


def forget_expired(now=None) -> int:
    """Delete every list past its expiry, sent or not: the addresses of
    people nobody invited are not kept. Returns how many went."""
    deleted, _ = MemberImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
