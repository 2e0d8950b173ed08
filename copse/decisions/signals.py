"""Signals other apps listen to, so that decisions does not import them."""

from django.dispatch import Signal

# Sent when a proposal was put to the members (an admission too), with
# `proposal`, inside the transaction that saved it.
proposal_opened = Signal()

# Sent inside the transaction that closed a proposal, with `proposal`: at its
# deadline by its rule (passed, not passed, or awaiting a facilitator's
# decision) or withdrawn before it.
proposal_closed = Signal()

# Sent inside the transaction in which a facilitator decided a proposal that
# awaited them, with `proposal`.
proposal_decided = Signal()
