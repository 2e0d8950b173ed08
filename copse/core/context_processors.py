from django.conf import settings

from copse.core import permissions


def site(request):
    from django.utils.functional import SimpleLazyObject

    from copse.mailing.selectors import is_bouncing
    from copse.notifications.selectors import unread_count

    user = getattr(request, "user", None)
    return {
        "is_site_admin": permissions.is_site_admin(user),
        "base_url": settings.BASE_URL,
        # Lazy: counted only on pages that render the navigation.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0),
        # Lazy too: asked only where base.html shows the banner.
        "mail_bouncing": SimpleLazyObject(lambda: is_bouncing(user)),
    }
