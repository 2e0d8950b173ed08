"""The "your address bounces" banner of every page."""

from django.utils.functional import SimpleLazyObject

from copse.mailing.selectors import bouncing_for_banner


def mail_bouncing(request):
    # Lazy, and kept in the session for a few minutes.
    return {"mail_bouncing": SimpleLazyObject(lambda: bouncing_for_banner(request))}
