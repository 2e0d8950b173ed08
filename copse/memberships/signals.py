"""Signals other apps listen to, so that memberships does not import them."""

from django.dispatch import Signal

# Sent after an invitation was accepted, inside the same transaction,
# with `invitation` and `membership`.
invitation_accepted = Signal()
