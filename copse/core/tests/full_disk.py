"""A full disk for tests: a small file system the test mounts itself where the
machine allows it (root, or CAP_SYS_ADMIN), and otherwise stubs that fail the
way a full disk fails — a storage whose writes stop with ENOSPC half-way,
and a database whose writes answer "database or disk is full".

The fault suite (`faults/`) uses `small_filesystem` and `fill` on real
processes; the app tests use the rest in-process.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
import time
from pathlib import Path

from django.db import connection

from copse.core.storage import WholeFileStorage

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class MountRefused(Exception):
    """This machine does not let the test mount a file system."""


@contextlib.contextmanager
def small_filesystem(path: Path, size_bytes: int):
    """A tmpfs of `size_bytes` mounted on `path` for the block, unmounted after."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0755", "tmpfs", str(path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise MountRefused(str(error)) from error
    if mounted.returncode != 0:
        raise MountRefused(mounted.stderr.strip() or f"mount exited {mounted.returncode}")
    try:
        yield path
    finally:
        unmount(path)


def unmount(path: Path) -> None:
    for _ in range(20):
        if subprocess.run(["umount", str(path)], capture_output=True, timeout=30).returncode == 0:
            return
        time.sleep(0.25)  # a process that used it may still be closing its files
    # Detach it anyway, so that no test leaves a mount behind.
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30, check=True)


def remount(path: Path, mode: str) -> None:
    """Remount a file system `small_filesystem` mounted: "ro" or "rw"."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, timeout=30)


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def fill(path: Path, *, leave: int = 0) -> Path:
    """Write a filler file in `path` until the file system has only `leave`
    bytes free, or none at all (the write fails with ENOSPC)."""
    filler = path / "filler"
    block = b"\xa5" * 65536
    with open(filler, "ab", buffering=0) as handle:
        while (room := free_bytes(path) - leave) > 0:
            try:
                handle.write(block[: min(len(block), room)])
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return filler


def files_under(path: Path) -> set[str]:
    """Every file below `path`, hidden or not, as paths relative to it."""
    if not path.exists():
        return set()
    return {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()}


# --- Stubs, for where no file system can be mounted --------------------------------------------


class FillingStorage(WholeFileStorage):
    """The site's storage on a disk with `room` bytes left: the bytes are
    really written, and the write after the last one that fits fails with
    ENOSPC, as on a full disk."""

    def __init__(self, *args, room: int = 4096, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room

    def _open_partial(self, directory):
        handle, path = super()._open_partial(directory)
        return _FillingFile(handle, self.room), path


class _FillingFile:
    def __init__(self, handle, room: int):
        self.handle, self.room, self.written = handle, room, 0

    def write(self, data: bytes) -> int:
        fits = max(0, min(len(data), self.room - self.written))
        self.handle.write(data[:fits])
        self.handle.flush()
        self.written += fits
        if fits < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return fits

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


def filling_storage(room: int) -> dict:
    """A STORAGES setting whose default storage has only `room` bytes left."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "copse.core.tests.full_disk.FillingStorage",
            "OPTIONS": {"room": room},
        },
    }


@contextlib.contextmanager
def database_refuses_writes(*, table: str = "", statements=WRITES, allow: int = 0):
    """Write statements (optionally only those naming `table`), after the
    first `allow` of them, fail as on a full disk. Yields the refused SQL.

    On PostgreSQL the server itself raises DiskFull (SQLSTATE 53100), so the
    transaction really is aborted as it would be; on SQLite the driver's
    "database or disk is full" is raised where SQLite would raise it.
    """
    refused: list[str] = []
    allowed = [allow]

    def refuse(execute, sql, params, many, context):
        words = sql.lstrip().upper()
        if words.startswith(statements) and (not table or table in sql):
            if allowed[0] > 0:
                allowed[0] -= 1
                return execute(sql, params, many, context)
            refused.append(sql)
            if connection.vendor == "postgresql":
                return execute(
                    "DO $$BEGIN RAISE EXCEPTION USING ERRCODE = '53100', MESSAGE = "
                    "'could not extend file \"base/16384/16417\": No space left on device';"
                    " END$$",
                    None,
                    False,
                    context,
                )
            with connection.wrap_database_errors:
                raise sqlite3.OperationalError("database or disk is full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield refused
