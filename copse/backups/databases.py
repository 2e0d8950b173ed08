"""Copying the database out and putting it back, for each database Copse runs
on: SQLite through its online backup API, PostgreSQL through pg_dump and
pg_restore (custom format). See "Backups" in docs/decisions.md for why.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError, connections

from copse.backups.archive import DATABASE_FILES, BackupError

# Debian and Ubuntu install each PostgreSQL major version's tools here.
DEBIAN_PG_TOOLS = Path("/usr/lib/postgresql")
# OPTIONS of a PostgreSQL DATABASES entry that libpq also reads from the environment.
_LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


@dataclass
class Copy:
    """A database copied into a file, checked, with what the manifest says of it."""

    path: Path
    migrations: dict[str, str]
    details: dict[str, str] = field(default_factory=dict)


def latest_migrations(rows) -> dict[str, str]:
    """The last migration applied in each app, from (app, name) rows.
    Names start with a zero-padded number, so the largest name is the last."""
    latest: dict[str, str] = {}
    for app, name in rows:
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def tables_with_rows(alias: str = "default") -> list[str]:
    """Tables of Copse's models that hold rows. Content types and permissions
    are left out: `copse migrate` fills them in an empty database too."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    filled_by_migrate = {ContentType._meta.db_table, Permission._meta.db_table}
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        & existing - filled_by_migrate
    )
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


def for_alias(alias: str = "default") -> SQLiteDatabase | PostgreSQLDatabase:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        return SQLiteDatabase(alias)
    if connection.vendor == "postgresql":
        return PostgreSQLDatabase(alias)
    raise BackupError(
        f"Backups work with SQLite and PostgreSQL; this site uses {connection.vendor}."
    )


class SQLiteDatabase:
    vendor = "sqlite"
    file_name = DATABASE_FILES["sqlite"]

    def __init__(self, alias: str):
        self.alias = alias
        name = str(connections[alias].settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise BackupError(f"The SQLite database {name!r} is not a file; nothing to back up.")
        self.path = Path(name).resolve()

    def describe(self) -> str:
        return f"SQLite database {self.path}"

    def staging_parent(self) -> Path:
        """Where a restore unpacks: beside the database, so that putting the
        copy in place is one rename on one filesystem."""
        return self.path.parent

    def dump(self, into: Path) -> Copy:
        if not self.path.is_file():
            raise BackupError(f"There is no database at {self.path}; run `copse migrate` first.")
        target = into / self.file_name
        try:
            source = sqlite3.connect(self.path, timeout=60)
            copy = sqlite3.connect(target)
        except sqlite3.Error as error:
            raise BackupError(f"Cannot open {self.path}: {error}.") from None
        try:
            # One step (pages=-1) copies every page under one read transaction:
            # a consistent snapshot. WAL lets the writers go on meanwhile; a
            # copy made in several steps would start over after each write.
            source.backup(copy, pages=-1)
            # The copy inherits WAL mode; in rollback mode it is one
            # self-contained file, with no -wal beside it to forget.
            copy.execute("PRAGMA journal_mode=DELETE").fetchall()
            _require_integrity(copy, f"The copy of {self.path}")
            rows = copy.execute("SELECT app, name FROM django_migrations").fetchall()
        except sqlite3.Error as error:
            raise BackupError(f"Could not copy {self.path}: {error}.") from None
        finally:
            copy.close()
            source.close()
        return Copy(target, latest_migrations(rows), {"sqlite_version": sqlite3.sqlite_version})

    def check_copy(self, path: Path, archive: Path) -> None:
        try:
            copy = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise BackupError(f"{archive}: its database cannot be opened ({error}).") from None
        try:
            _require_integrity(copy, f"{archive}: its database")
            copy.execute("SELECT app, name FROM django_migrations LIMIT 1").fetchall()
        except sqlite3.Error as error:
            raise BackupError(
                f"{archive}: its database is not a Copse database ({error})."
            ) from None
        finally:
            copy.close()

    def holds_data(self) -> list[str]:
        if not self.path.exists():
            return []
        return tables_with_rows(self.alias)

    def in_use(self) -> str | None:
        """Why the database looks in use by a running Copse, or None.

        Leaving WAL mode needs the only connection to the database, so it
        fails while any other process has it open. It also writes the WAL
        back into the file, and leaves nothing beside it."""
        connections[self.alias].close()
        if not self.path.exists():
            return None
        try:
            probe = sqlite3.connect(self.path, timeout=2)
            try:
                probe.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                probe.execute("PRAGMA journal_mode=DELETE").fetchall()
            finally:
                probe.close()
        except sqlite3.OperationalError:
            return f"another process has {self.path} open (is Copse still running?)"
        except sqlite3.DatabaseError:
            return None  # not a database at all: nothing can have it open as one
        return None

    def restore(self, copy: Path) -> None:
        connections[self.alias].close()
        fsync(copy)
        os.replace(copy, self.path)
        # A -wal or hot -journal left by the replaced database would be played
        # into the restored one the next time it is opened, and damage it.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        fsync(self.path.parent)


def _require_integrity(connection: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        shown = "; ".join(problems[:3])
        raise BackupError(f"{what} failed SQLite's integrity check: {shown}.")


class PostgreSQLDatabase:
    vendor = "postgresql"
    file_name = DATABASE_FILES["postgresql"]

    def __init__(self, alias: str):
        self.alias = alias
        self.settings = connections[alias].settings_dict

    def describe(self) -> str:
        host = self.settings.get("HOST") or "the local server"
        return f"PostgreSQL database {self.settings['NAME']} on {host}"

    def staging_parent(self) -> Path:
        from django.conf import settings

        return Path(settings.VAR_DIR)

    def environment(self) -> dict[str, str]:
        """libpq's variables for pg_dump and pg_restore: the password travels
        in PGPASSWORD, never on a command line that `ps` shows."""
        env = dict(os.environ)
        values = {
            "PGHOST": self.settings.get("HOST"),
            "PGPORT": self.settings.get("PORT"),
            "PGUSER": self.settings.get("USER"),
            "PGPASSWORD": self.settings.get("PASSWORD"),
            "PGDATABASE": self.settings.get("NAME"),
            "PGAPPNAME": "copse-backup",
        }
        for option, variable in _LIBPQ_ENVIRONMENT.items():
            values[variable] = (self.settings.get("OPTIONS") or {}).get(option)
        env.update({key: str(value) for key, value in values.items() if value not in (None, "")})
        return env

    def server_major_version(self) -> int:
        connection = connections[self.alias]
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            raise BackupError(f"Cannot connect to the {self.describe()}: {error}".strip()) from None
        return connection.pg_version // 10000

    def tool(self, name: str) -> str:
        """The pg_dump or pg_restore to use: the one of the server's major
        version if installed, else one at least as new (pg_dump refuses an
        older server's, and an older pg_restore cannot read a newer dump)."""
        chosen_folder = os.environ.get("COPSE_PG_BIN_DIR")
        if chosen_folder:
            candidates = [Path(chosen_folder) / name]
            where = chosen_folder
        else:
            on_path = shutil.which(name)
            versions = sorted(
                DEBIAN_PG_TOOLS.glob(f"*/bin/{name}"),
                key=lambda path: _number(path.parent.parent.name),
                reverse=True,
            )
            candidates = [*versions, *([Path(on_path)] if on_path else [])]
            where = f"PATH and {DEBIAN_PG_TOOLS}/*/bin"
        candidates = [path for path in candidates if path.is_file() and os.access(path, os.X_OK)]
        if not candidates:
            raise BackupError(
                f"{name} was not found (looked in {where}). Install the PostgreSQL client "
                "tools (Debian and Ubuntu: `apt install postgresql-client`), "
                "or set COPSE_PG_BIN_DIR to the folder that holds them."
            )
        server = self.server_major_version()
        versions = {path: _tool_version(path) for path in candidates}
        for path in candidates:
            if versions[path] == server:
                return str(path)
        newer = [path for path in candidates if versions[path] > server]
        if newer:
            return str(min(newer, key=lambda path: versions[path]))
        found = ", ".join(
            f"{path} ({versions[path] if versions[path] >= 0 else 'version unknown'})"
            for path in candidates
        )
        raise BackupError(
            f"The PostgreSQL server is version {server}; no {name} found is as new: "
            f"{found}. Install the client tools "
            f"of version {server} (Debian: `apt install postgresql-client-{server}`) "
            "or set COPSE_PG_BIN_DIR."
        )

    def _run(self, command: list[str], what: str) -> str:
        try:
            result = subprocess.run(  # noqa: S603 (a PostgreSQL tool, arguments we built)
                command,
                env=self.environment(),
                capture_output=True,
                text=True,
                errors="replace",  # a damaged dump's bytes end up in the messages
                check=False,
            )
        except OSError as error:
            raise BackupError(f"Could not run {command[0]}: {error.strerror or error}.") from None
        if result.returncode != 0:
            detail = result.stderr.strip() or f"exit status {result.returncode}"
            raise BackupError(f"{what} failed: {detail}")
        return result.stdout

    def dump(self, into: Path) -> Copy:
        pg_dump = self.tool("pg_dump")
        pg_restore = self.tool("pg_restore")
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = latest_migrations(cursor.fetchall())
        target = into / self.file_name
        # --no-password: fail at once rather than wait for a prompt nobody answers.
        self._run(
            [pg_dump, "--format=custom", "--no-password", f"--file={target}"],
            f"pg_dump of the {self.describe()}",
        )
        self._check_listing(pg_restore, target, f"The dump of the {self.describe()}")
        return Copy(
            target,
            migrations,
            {
                "server_version": str(connection.pg_version),
                "pg_dump": self._run([pg_dump, "--version"], "pg_dump --version").strip(),
            },
        )

    def _check_listing(self, pg_restore: str, path: Path, what: str) -> None:
        """pg_restore reads the whole table of contents of a custom-format
        dump; a damaged or foreign file fails here."""
        listing = self._run(
            [pg_restore, "--list", str(path)], f"Reading {what} (pg_restore --list)"
        )
        if not re.search(r"\bTABLE\b.*\bdjango_migrations\b", listing):
            raise BackupError(f"{what} is not a dump of a Copse database.")

    def check_copy(self, path: Path, archive: Path) -> None:
        self._check_listing(self.tool("pg_restore"), path, f"{archive}: its database dump")

    def holds_data(self) -> list[str]:
        self.server_major_version()  # a clear message if the server does not answer
        return tables_with_rows(self.alias)

    def in_use(self) -> str | None:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            (others,) = cursor.fetchone()
        if others:
            return (
                f"{others} other session{'s are' if others != 1 else ' is'} connected to the "
                f"{self.describe()} (is Copse still running?)"
            )
        return None

    def restore(self, copy: Path) -> None:
        pg_restore = self.tool("pg_restore")
        connections[self.alias].close()
        # One transaction: a restore that fails part-way leaves the database
        # as it was. Without owners and grants, the objects belong to the user
        # Copse connects as, on this server as on the one the dump came from.
        self._run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={self.settings['NAME']}",
                str(copy),
            ],
            f"pg_restore into the {self.describe()} (nothing was changed)",
        )


def _number(text: str) -> int:
    return int(text) if text.isdigit() else -1


def _tool_version(path: Path) -> int:
    """The major version `pg_dump --version` prints ("pg_dump (PostgreSQL) 15.4")."""
    try:
        output = subprocess.run(  # noqa: S603
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return -1
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(match.group(1)) if match else -1


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
