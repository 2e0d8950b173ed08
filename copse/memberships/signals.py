"""Signals other apps listen to, so that memberships does not import them."""

from django.dispatch import Signal

# Sent after an invitation was accepted, inside the same transaction,
# with `invitation` and `membership`.
invitation_accepted = Signal()

# Sent inside the transaction that ended a membership (left or removed), with
# `membership`; also for each delegate whose standing ended with it.
membership_ended = Signal()
