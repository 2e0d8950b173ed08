"""Signals other apps listen to, so that conversations does not import them."""

from django.dispatch import Signal

# Sent after a post (an opening post or a reply) was committed, with `post`.
# Mailing listens to send it to those who chose every message.
post_published = Signal()

# Sent after commit when an asker marked a reply helpful (it was not before),
# with `post` and `actor` (the asker). Value asks the asker once whether it
# saved them time or money.
reply_marked_helpful = Signal()

# Sent inside the transaction that changed a post's text (or, for the opening
# post, its thread's title), with `post` and `actor`.
post_edited = Signal()

# Sent inside the transaction that removed a reply, leaving its tombstone,
# with `post` and `actor`. Removing the opening post removes its thread
# (`thread_removed`), not the post alone.
post_removed = Signal()

# Sent inside the transaction that removed a whole thread, with `thread`
# and `actor`.
thread_removed = Signal()
