from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from copse.core import permissions

# The addresses every page's layout links to. None takes an argument, so
# they are the same on every request: reversed once per URL configuration
# and script prefix instead of some ten `{% url %}` and `{% static %}` tags
# per page (a third of the layout's cost).
LAYOUT_URLS = {
    "brand": "home",
    "home": "home:index",
    "directory": "communities:directory",
    "search": "search:search",
    "programme": "communities:programme",
    "programme_report": "sponsors:report",
    "meetings": "meetings:mine",
    "notifications": "notifications:inbox",
    "profile": "accounts:profile",
    "logout": "account_logout",
    "login": "account_login",
    "signup": "account_signup",
    "mail_preferences": "mailing:preferences",
}
LAYOUT_STATIC = {"favicon": "copse/favicon.svg", "stylesheet": "copse/copse.css"}
_layout_cache: dict[tuple, dict[str, str]] = {}


def layout_links() -> dict[str, str]:
    key = (
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        settings.STATIC_URL,
        settings.STORAGES["staticfiles"]["BACKEND"],
    )
    links = _layout_cache.get(key)
    if links is None:
        links = {name: reverse(url_name) for name, url_name in LAYOUT_URLS.items()}
        links.update({name: static(path) for name, path in LAYOUT_STATIC.items()})
        _layout_cache[key] = links
    return links


def site(request):
    user = getattr(request, "user", None)
    return {
        "is_site_admin": permissions.is_site_admin(user),
        "may_view_programme_report": permissions.can(user, "programme.view_report"),
        "base_url": settings.BASE_URL,
        "layout": layout_links(),
    }
