"""Signals other apps listen to, so that meetings does not import them."""

from django.dispatch import Signal

# Sent inside the transaction that published a meeting's summary, or changed
# one already published, with `meeting`, `actor` and `change_note` (empty on
# first publication). The library files the summary as the meeting's record;
# inside the transaction, so a published summary never lacks its record.
summary_published = Signal()
