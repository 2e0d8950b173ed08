from django.conf import settings

from copse.core import permissions


def site(request):
    user = getattr(request, "user", None)
    return {
        "is_site_admin": permissions.is_site_admin(user),
        "may_view_programme_report": permissions.can(user, "programme.view_report"),
        "base_url": settings.BASE_URL,
    }
