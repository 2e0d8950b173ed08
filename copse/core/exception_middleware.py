"""Turns an exception raised anywhere in a view into a clear page: a
UserFacingError into its message, and a write the storage refused (a full
disk, a read-only data folder) into the 503 page that keeps what was typed."""

import logging

from copse.core import storage
from copse.core.errors import UserFacingError
from copse.core.views import could_not_save, error_page

log = logging.getLogger("copse.storage")


class UserFacingErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UserFacingError):
            return error_page(
                request, status=exception.status, title=exception.title, message=exception.message
            )
        return None


class StorageFailureMiddleware:
    """A write that failed for lack of room or of permission is not a bug: the
    person gets a 503 with Retry-After and the text they sent, and the
    operator one log line saying why (no traceback: on a full disk, logs
    that grow fast make it worse)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        reason = storage.failure_of(exception)
        if not reason:
            return None
        log.error(
            "could not write: %s (%s) method=%s path=%s user=%s",
            reason,
            type(exception).__name__,
            request.method,
            request.path,
            _user_id(request),
        )
        return could_not_save(request)


def _user_id(request):
    try:
        return request.user.pk
    except Exception:  # who it is comes from the database, which may be what failed
        return None
