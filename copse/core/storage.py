"""When the disk is full or the data folder cannot be written: how to tell
such a failure from a bug, files that are stored whole or not at all, and
writes done while a page is read that give way instead of failing the page.

A full disk shows up in many shapes: an `OSError` from a file write,
SQLite's "database or disk is full", PostgreSQL's `DiskFull`, a read-only
transaction, a database file that cannot be opened. `failure_of` names them
all; the storage-failure middleware turns them into a 503 page that keeps
what the person typed.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, OperationalError, transaction

log = logging.getLogger("copse.storage")
T = TypeVar("T")

# No room, or no right to write. EACCES and EPERM count only in the data
# folders: elsewhere they are a mistake in the set-up or the code.
NO_ROOM = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded"}
NOT_WRITABLE = {errno.EROFS: "read-only file system"}
NO_PERMISSION = {errno.EACCES: "permission denied", errno.EPERM: "operation not permitted"}

# What SQLite says (through Django, whose errors keep the driver's words).
SQLITE_FAILURES = (
    "database or disk is full",
    "attempt to write a readonly database",
    "disk i/o error",
    "unable to open database file",
    "database is locked",
)

# PostgreSQL's SQLSTATE codes for the same situations.
POSTGRES_FAILURES = {
    "53100": "disk full",
    "53000": "insufficient resources",
    "25006": "read-only transaction",
    "58030": "I/O error",
    "55P03": "lock not available",
}
POSTGRES_PHRASES = ("could not extend file", "no space left on device", "read-only transaction")


def _causes(error: BaseException | None):
    """The error and what caused it: Django wraps the driver's error, and an
    error raised while handling another keeps the first as its context."""
    seen = set()
    while error is not None and id(error) not in seen and len(seen) < 10:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _in_data_folder(filename) -> bool:
    if not filename:
        return False
    try:
        path = Path(os.fsdecode(filename)).resolve()
    except (OSError, ValueError):
        return False
    folders = {
        settings.VAR_DIR,
        settings.MEDIA_ROOT,
        getattr(settings, "EMAIL_FILE_PATH", None),
        settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir(),
    }
    return any(path.is_relative_to(Path(folder).resolve()) for folder in filter(None, folders))


def failure_of(error: BaseException | None) -> str:
    """Why a write failed, when storage refused it (full, read-only, not
    writable, locked); "" when the failure is something else, such as a bug."""
    chain = list(_causes(error))
    for candidate in chain:
        if isinstance(candidate, OSError):
            number = candidate.errno
            if number in NO_ROOM or number in NOT_WRITABLE:
                return (NO_ROOM | NOT_WRITABLE)[number]
            if number in NO_PERMISSION and _in_data_folder(candidate.filename):
                return f"{NO_PERMISSION[number]} on {os.fsdecode(candidate.filename)}"
        sqlstate = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if sqlstate in POSTGRES_FAILURES:
            return f"{POSTGRES_FAILURES[sqlstate]} ({sqlstate})"
    # Without a code, the database's words (Django keeps the driver's).
    for candidate in chain:
        if isinstance(candidate, DatabaseError | sqlite3.Error):
            words = str(candidate).lower()
            for phrase in (*SQLITE_FAILURES, *POSTGRES_PHRASES):
                if phrase in words:
                    return phrase
    return ""


def write_if_possible(what: str, write: Callable[[], T]) -> T | None:
    """For a write a page makes while it is only being read (a read position,
    a last-visit time): when storage refuses it, log it, return None and let
    the page be shown.

    In a transaction (a savepoint) of its own: PostgreSQL refuses every later
    statement of a transaction in which one failed, so the failure is rolled
    back to here and the rest of the request reads on. A function rather than
    a `with` block because the transaction's BEGIN itself may be refused (a
    read-only or locked SQLite file), and then the write must not run.
    """
    try:
        with transaction.atomic():
            return write()
    except (DatabaseError, OSError) as error:
        # Any OperationalError too: a deadlock or a lost race on a
        # bookkeeping write is no reason to fail the page either.
        reason = failure_of(error) or (str(error) if isinstance(error, OperationalError) else "")
        if not reason:
            raise
        log.warning("not written while reading: %s (%s)", what, reason)
        return None


# --- Files ------------------------------------------------------------------------------------

_saved_here: ContextVar[list | None] = ContextVar("copse_files_saved_here", default=None)


@contextlib.contextmanager
def files_removed_on_failure():
    """Files stored inside the block are deleted again if the block fails.

    Wrap it around the transaction that records the files: the row may fail
    to insert after the file was written, and on a full disk SQLite often
    refuses only the commit. Blocks nest; an inner block that succeeds hands
    its files to the outer one.
    """
    outer = _saved_here.get()
    saved: list[tuple[FileSystemStorage, str]] = []
    token = _saved_here.set(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            try:
                storage.delete(name)
            except OSError:
                log.exception("could not remove %s after a failed write", name)
        raise
    finally:
        _saved_here.reset(token)
    if outer is not None:
        outer.extend(saved)


class WholeFileStorage(FileSystemStorage):
    """Django's file storage, except that a file appears whole or not at all.

    Django writes straight to the final name and leaves what it wrote when
    the disk fills up half-way. Here the bytes go to a hidden `.partial-`
    file in the same folder, are flushed to the disk, and only then get
    their name (a hard link, which never replaces an existing file). On any
    failure the partial file is removed. A process killed mid-write leaves
    only a `.partial-` file, never a truncated file under a real name.
    """

    PARTIAL_PREFIX = ".partial-"

    def _open_partial(self, directory: str):
        """A new hidden file in `directory`, open for writing: (file, path)."""
        descriptor, path = tempfile.mkstemp(dir=directory, prefix=self.PARTIAL_PREFIX)
        return os.fdopen(descriptor, "wb"), path

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, self.directory_permissions_mode or 0o777, exist_ok=True)
        handle, partial = self._open_partial(directory)
        try:
            with handle:
                for chunk in content.chunks():
                    handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
                handle.flush()
                # Some file systems report a full disk only when the data is flushed.
                os.fsync(handle.fileno())
            os.chmod(partial, self.file_permissions_mode or 0o644)
            while True:
                try:
                    os.link(partial, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            try:
                os.unlink(partial)
            except FileNotFoundError:
                pass
            except OSError:
                log.exception("could not remove the partial file %s", partial)
        name = os.path.relpath(full_path, self.location).replace("\\", "/")
        saved = _saved_here.get()
        if saved is not None:
            saved.append((self, name))
        return name
