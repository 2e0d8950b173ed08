"""Signals other apps listen to, so that conversations does not import them."""

from django.dispatch import Signal

# Sent after a post (an opening post or a reply) was committed, with `post`.
# Mailing listens to send it to those who chose every message.
post_published = Signal()
