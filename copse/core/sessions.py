"""The session engine: Django's database sessions, except that reading a page
never fails because the session could not be saved.

A page that only refreshed the last-seen time (`SEEN_AT`) or an answer kept
to spare the database (a key starting `copse_cached_`) is still shown when
the database refuses the write (a full disk, a read-only data folder): losing
those costs a query later, nothing more. Anything else that changed, a
sign-in say, still fails, and `core.views.server_error` answers 503.
"""

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError

from copse.core import storage
from copse.core.middleware import SEEN_AT

log = logging.getLogger("copse.storage")

CACHED_PREFIX = "copse_cached_"


def _kept(data: dict) -> dict:
    return {
        key: value
        for key, value in data.items()
        if key != SEEN_AT and not key.startswith(CACHED_PREFIX)
    }


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        # Django turns a failed update into UpdateError, keeping the
        # database's error as its context.
        except (DatabaseError, UpdateError) as error:
            reason = storage.failure_of(error)
            if not reason:
                raise
            if not must_create and self._only_disposable_changes():
                log.warning("session not saved while reading: %s", reason)
                return
            # The database's own error, so that the answer is the 503 of
            # `core.views.server_error`, not the 400 the session middleware
            # gives an UpdateError ("the session was deleted").
            raise (error.__context__ if isinstance(error, UpdateError) else error) from None

    def _only_disposable_changes(self) -> bool:
        # Reading still works on a full disk: compare with what is stored.
        stored = self.__class__(self.session_key).load()
        # Through the serializer, as stored values are (a tuple comes back a list).
        current = self.decode(self.encode(self._get_session()))
        return bool(stored) and _kept(stored) == _kept(current)
