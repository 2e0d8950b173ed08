"""Request-wide behaviour: private caching, session lifetimes, signing in
before a community's page, and the person's own language."""

import logging
import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.cache import patch_cache_control

from copse.core.languages import chosen_language

security_log = logging.getLogger("copse.security")

AUTH_AT = "copse_auth_at"
SEEN_AT = "copse_seen_at"


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in person may be stored by a shared or browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.session.session_key:
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response


class SessionLifetimeMiddleware:
    """Ends sessions idle for too long, and every session after an absolute limit.

    Django's cookie age is only the absolute limit; the idle limit needs the
    last-seen time, which is written at most once a minute to spare the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            auth_at = session.get(AUTH_AT, now)
            seen_at = session.get(SEEN_AT, now)
            if now - auth_at > settings.SESSION_ABSOLUTE_SECONDS or (
                now - seen_at > settings.SESSION_IDLE_SECONDS
            ):
                security_log.info("session expired user=%s", user.pk)
                logout(request)
            else:
                session.setdefault(AUTH_AT, now)
                if now - seen_at >= 60 or SEEN_AT not in session:
                    session[SEEN_AT] = now
        return self.get_response(request)


# The API answers in the site's language, whoever asks (docs/languages.md).
API_PATH = re.compile(r"^/api/")


class PersonalLanguageMiddleware:
    """The language a signed-in person chose in their profile, over the
    browser's (which LocaleMiddleware, earlier, has already applied). The
    API's answers are the same for every caller: the site's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if API_PATH.match(request.path_info):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
        elif user is not None and user.is_authenticated:
            chosen = chosen_language(user)
            if chosen:
                translation.activate(chosen)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


# Pages of a community, and the stable thread links mail carries.
COMMUNITY_PAGE = re.compile(r"^/(?:c/[^/]+/|t/\d+/)")


class SignInFirstMiddleware:
    """A signed-out visitor who follows a link to a page of a community (from a
    mail, say) and cannot see it is sent to sign in, and brought back to the
    page afterwards (`next`). A hidden page, a missing page and a page of a
    missing community get this same answer, a redirect with an empty body
    that differs only in `next`, so it tells an anonymous visitor nothing.
    Pages anyone may read (an open community's) are shown as before: that they
    exist is public. Only GET and HEAD: links are followed with those."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and COMMUNITY_PAGE.match(request.path_info)
            and not request.user.is_authenticated
        ):
            return redirect_to_login(request.get_full_path())
        return response
