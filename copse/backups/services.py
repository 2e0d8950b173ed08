"""Making a backup and restoring one. Each is one function that either
finishes or raises a BackupError saying what to do; the management commands
`copse backup` and `copse restore` call them."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.db.migrations.loader import MigrationLoader

from copse.backups import archive, databases
from copse.backups.archive import UPLOADS, VENDOR_NAMES, BackupError


def default_directory() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def copse_version() -> str:
    try:
        return metadata.version("copse")
    except metadata.PackageNotFoundError:
        return "unknown"


def make_backup(*, directory: Path | None = None) -> Path:
    """Write one archive of the database and the uploads into `directory`
    and return its path. The archive appears under its final name only once
    it is complete."""
    directory = Path(directory or default_directory()).absolute()
    database = databases.for_alias()
    made_at = datetime.now(UTC).replace(microsecond=0)
    _prepare(directory)
    try:
        with tempfile.TemporaryDirectory(dir=directory, prefix=".copse-backup-") as work:
            copy = database.dump(Path(work))
            partial = Path(work) / "archive.tar.gz"
            with archive.Writer(partial) as writer:
                writer.add(copy.path, database.file_name)
                copy.path.unlink()  # the archive holds it now; don't keep two on disk
                for source, name in _uploads(exclude=directory):
                    writer.add(source, name)
                uploaded = [e for e in writer.entries if e.path.startswith(f"{UPLOADS}/")]
                writer.add_manifest(
                    {
                        "format": archive.FORMAT,
                        "made_at": made_at.isoformat(),
                        "copse_version": copse_version(),
                        "database": {
                            "vendor": database.vendor,
                            "file": database.file_name,
                            **copy.details,
                        },
                        "migrations": copy.migrations,
                        "uploads": {
                            "files": len(uploaded),
                            "bytes": sum(entry.size for entry in uploaded),
                        },
                        "files": archive.entries_as_json(writer.entries),
                    }
                )
            # It holds everything people wrote, confidential communities included.
            partial.chmod(0o600)
            databases.fsync(partial)
            final = _free_name(directory, made_at)
            os.replace(partial, final)
            databases.fsync(directory)
    except OSError as error:
        raise BackupError(_write_failure(directory, error)) from None
    except DatabaseError as error:
        raise BackupError(f"The {database.describe()} answered with an error: {error}") from None
    return final


def _prepare(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(
            f"Cannot create the backup folder {directory}: {error.strerror or error}."
        ) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write backups to {directory}: permission denied.")


def _write_failure(directory: Path, error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return f"The backup did not fit: {directory} ran out of space. Nothing was kept."
    where = error.filename or directory
    return f"Could not write the backup in {directory} ({where}: {error.strerror or error})."


def _free_name(directory: Path, made_at: datetime) -> Path:
    stem = f"copse-backup-{made_at:%Y%m%d-%H%M%S}"
    candidate = directory / f"{stem}.tar.gz"
    number = 1
    while candidate.exists():
        number += 1
        candidate = directory / f"{stem}-{number}.tar.gz"
    return candidate


def _uploads(*, exclude: Path):
    """(path, name in the archive) of every uploaded file, in a stable order.
    Links are left out: Copse never makes one, and a link could lead anywhere."""
    root = Path(settings.MEDIA_ROOT).absolute()
    if not root.is_dir():
        return

    def unreadable(error: OSError):
        # os.walk would skip the folder in silence, and the backup lack its files.
        raise BackupError(f"Cannot read {error.filename}: {error.strerror or error}.")

    for folder, subfolders, files in os.walk(root, onerror=unreadable):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not (here / name).is_symlink() and (here / name) != exclude
        )
        for name in sorted(files):
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path, "/".join((UPLOADS, *path.relative_to(root).parts))


@dataclass
class Restored:
    manifest: dict
    database: str
    uploads: int
    replaced: str | None  # what the restored database took the place of, if it held data
    warning: str | None = None


def restore_backup(*, archive_path: Path, force: bool = False) -> Restored:
    """Check `archive_path` completely, then put its database and uploads in
    place of this site's. Everything that can refuse does so before anything
    is changed. The caller migrates afterwards."""
    archive_path = Path(archive_path).absolute()
    database = databases.for_alias()
    staging_parent = database.staging_parent()
    try:
        staging_parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=staging_parent, prefix=".copse-restore-"))
    except OSError as error:
        raise BackupError(
            f"Cannot unpack the backup in {staging_parent}: {error.strerror or error}. "
            "Nothing was changed."
        ) from None
    try:
        try:
            manifest, entries, replaced, busy = _check(archive_path, work, database, force)
        except DatabaseError as error:
            raise BackupError(
                f"The {database.describe()} answered with an error: {error}. Nothing was changed."
            ) from None
        except BackupError as error:
            raise BackupError(f"{error} Nothing was changed.") from None
        try:
            database.restore(work / database.file_name)
        except OSError as error:
            raise BackupError(
                f"Could not put the database in place: {error.strerror or error}."
            ) from None
        try:
            _replace_uploads(work / UPLOADS)
        except OSError as error:
            raise BackupError(
                f"The database was restored, but the uploads could not be put in "
                f"{settings.MEDIA_ROOT}: {error.strerror or error}. "
                "Fix that and run `copse restore --force` again."
            ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    uploads = sum(1 for entry in entries if entry.path.startswith(f"{UPLOADS}/"))
    warning = None
    if busy:
        warning = (
            f"{busy[0].upper()}{busy[1:]}: restart every Copse process now, "
            "or they go on with the database they had open."
        )
    return Restored(manifest, database.describe(), uploads, replaced, warning)


def _check(archive_path: Path, work: Path, database, force: bool):
    """Everything that may refuse a restore, in the order that costs least to
    find out; unpacks the archive into `work` on the way."""
    manifest, entries = archive.unpack(archive_path, work)
    vendor = manifest["database"]["vendor"]
    if vendor != database.vendor:
        raise BackupError(
            f"{archive_path} holds a {VENDOR_NAMES[vendor]} database, but this site uses "
            f"{VENDOR_NAMES[database.vendor]}. Restore it into a site on {VENDOR_NAMES[vendor]}."
        )
    database.check_copy(work / database.file_name, archive_path)
    _require_known_migrations(archive_path, manifest["migrations"])
    try:
        replaced = database.holds_data()
    except DatabaseError as error:
        if not force:
            raise BackupError(
                f"Cannot read the {database.describe()} to see whether it holds data "
                f"({error}). If it is damaged and the backup is to replace it, stop Copse "
                "and run `copse restore --force`."
            ) from None
        return manifest, entries, "a database that could not be read", None
    if replaced and not force:
        raise BackupError(
            f"The {database.describe()} already holds data (tables with rows: "
            f"{archive.some(replaced)}). Restoring replaces all of it. Take a backup of it "
            "first if you may want it back; then stop Copse and run `copse restore --force`."
        )
    busy = database.in_use()
    if busy and not force:
        raise BackupError(
            f"Not restoring: {busy}. Stop the web server and the workers first (or use --force)."
        )
    described = f"a database with data in {archive.some(replaced)}" if replaced else None
    return manifest, entries, described, busy


def _require_known_migrations(archive_path: Path, migrations: dict[str, str]) -> None:
    """A backup from a newer Copse has tables this code does not know; `migrate`
    cannot take it back, so refuse it and say which version to run."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    known_apps = {app for app, _ in known}
    unknown = sorted(
        f"{app}.{name}"
        for app, name in migrations.items()
        if app in known_apps and (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"{archive_path} was made by a newer Copse: this version does not have "
            f"{archive.some(unknown)}. Upgrade Copse, then restore it."
        )


def _replace_uploads(staged: Path) -> None:
    """Swap the uploads folder for the restored one: two renames beside it."""
    target = Path(settings.MEDIA_ROOT).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.parent / f".{target.name}.restoring-{os.getpid()}"
    if not staged.exists():
        staged.mkdir()
    try:
        os.rename(staged, incoming)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        shutil.copytree(staged, incoming)
    outgoing = target.parent / f".{target.name}.replaced-{os.getpid()}"
    if target.exists():
        os.rename(target, outgoing)
    os.rename(incoming, target)
    shutil.rmtree(outgoing, ignore_errors=True)
