"""Signals other apps listen to, so that conversations does not import them."""

from django.dispatch import Signal

# Sent after a post (an opening post or a reply) was committed, with `post`.
# Mailing listens to send it to those who chose every message.
post_published = Signal()

# Sent after commit when an asker marked a reply helpful (it was not before),
# with `post` and `actor` (the asker). Value asks the asker once whether it
# saved them time or money.
reply_marked_helpful = Signal()
