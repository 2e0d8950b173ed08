"""Signals other apps listen to, so that notifications does not import them."""

from django.dispatch import Signal

# Sent after a notification was created (or brought back to the top) and
# committed, with `notification`. Mailing listens to mail the ones that
# should not wait for a visit.
notified = Signal()
