"""Who is calling the API, with which scopes, and whether they may call again now.

Two ways in, and only two: a personal access token in the Authorization
header (`Bearer copse_…`), or the browser session of a signed-in person
(with Django's CSRF check on every write, as ninja's session auth does).

Scopes follow the method: reading (GET, HEAD) needs `read`, anything else
`write`; the site administration endpoints need `admin` whatever the method.
A session carries every scope its person holds.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from ninja.security import HttpBearer, SessionAuth

from copse.api import services
from copse.api.models import Scope
from copse.core import permissions
from copse.core.viewer import load_signed_in

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ScopeMissing(Exception):
    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _needed_scope(request, admin: bool) -> str:
    if admin:
        return Scope.ADMIN
    return Scope.READ if request.method in SAFE_METHODS else Scope.WRITE


def _count_call(who: str) -> None:
    """A fixed window per caller in the shared cache, so every web process
    counts against the same limit. `add` then `incr` are atomic in Redis and
    in the database cache alike."""
    limit = settings.COPSE_API_RATE_PER_MINUTE
    window = int(time.time() // 60)
    key = f"api-rate:{who}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        calls = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=120)
        calls = 1
    if calls > limit:
        raise RateLimited(retry_after=60 - int(time.time()) % 60)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer copse_…`: a personal access token."""

    def __init__(self, *, admin: bool = False):
        super().__init__()
        self.admin = admin

    def authenticate(self, request, token):
        found = services.token_for(token)
        if found is None:
            return None
        scope = _needed_scope(request, self.admin)
        if not found.allows(scope) or (
            scope == Scope.ADMIN and not permissions.is_site_admin(found.user)
        ):
            raise ScopeMissing(scope)
        _count_call(f"token:{found.pk}")
        services.note_use(found)
        # The user loaded as a signed-in page loads them, with the figures
        # the permission core reads, so a token sees exactly what its person
        # sees in a browser.
        user = load_signed_in(get_user_model(), found.user_id) or found.user
        request.user = user
        request.api_token = found
        return user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session: every scope its person holds."""

    def __init__(self, *, admin: bool = False):
        super().__init__(csrf=True)
        self.admin = admin

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        if self.admin and not permissions.is_site_admin(user):
            raise ScopeMissing(Scope.ADMIN)
        _count_call(f"user:{user.pk}")
        request.api_token = None
        return user


def members_auth():
    return [TokenAuth(), BrowserSessionAuth()]


def admin_auth():
    return [TokenAuth(admin=True), BrowserSessionAuth(admin=True)]
