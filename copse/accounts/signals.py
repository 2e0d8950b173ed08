"""Signals other apps listen to, so that accounts does not import them."""

from django.dispatch import Signal

# Sent inside the transaction that deletes an account (`departures.services.
# delete_account`), with `user`, after what Copse itself holds of the person
# was erased or anonymised and before the account is closed. A receiver
# takes away whatever else still lets the person in or names them (the
# API's personal access tokens, say); what it writes commits or rolls back
# with the deletion. `user` is still the person's row, already anonymised:
# read its `pk`, not its name or address.
account_deleted = Signal()
