"""Request-wide security behaviour: private caching and session lifetimes."""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control

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
