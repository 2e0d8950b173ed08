"""Signals other apps listen to, so that memberships does not import them."""

from django.dispatch import Signal

# Sent after an invitation was accepted, inside the same transaction,
# with `invitation` and `membership`.
invitation_accepted = Signal()

# Sent inside the transaction that ended a membership (left or removed), with
# `membership`; also for each delegate whose standing ended with it.
membership_ended = Signal()

# Sent inside the transaction that created a join request, with
# `join_request`. Where the members decide (`join_request.members_decide`),
# decisions opens the admission proposal they answer.
join_requested = Signal()

# Sent inside the transaction that withdrew a waiting join request, with
# `join_request`: whatever the members were asked about it ends too.
join_request_withdrawn = Signal()

# Sent inside the transaction that gave someone a seat (or a guest
# presenter's place) by any of the ways in, with `membership`.
membership_started = Signal()

# Sent inside the transaction that changed a current member's role, with
# `membership` (its new role) and `old_role`.
membership_role_changed = Signal()
