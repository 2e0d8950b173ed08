from django.conf import settings

from copse.core import permissions


def site(request):
    from django.utils.functional import SimpleLazyObject

    from copse.mailing.selectors import bouncing_for_banner
    from copse.notifications.selectors import unread_count

    user = getattr(request, "user", None)
    return {
        "is_site_admin": permissions.is_site_admin(user),
        "base_url": settings.BASE_URL,
        # Lazy: counted only on pages that render the navigation.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0),
        # Lazy too, and kept in the session for a few minutes.
        "mail_bouncing": SimpleLazyObject(lambda: bouncing_for_banner(request)),
    }
