"""Security events in the log: who, when, from where; never a password or token."""

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from copse.core.middleware import AUTH_AT, SEEN_AT

security_log = logging.getLogger("copse.security")


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "-") if request is not None else "-"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    security_log.info("login user=%s ip=%s", user.pk, _ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    security_log.info("logout user=%s ip=%s", getattr(user, "pk", None), _ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Credentials hold the password; log only that an attempt failed and where from.
    security_log.warning("login failed ip=%s", _ip(request))
