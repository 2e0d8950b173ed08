"""The unread count in the navigation of every page."""

from django.utils.functional import SimpleLazyObject

from copse.notifications.selectors import unread_count


def unread_notifications(request):
    user = getattr(request, "user", None)
    # Lazy: counted only on pages that render the navigation.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0)}
