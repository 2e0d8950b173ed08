"""The backup archive: one .tar.gz holding the database copy, the uploads and
`manifest.json`, which lists every other file with its size and SHA-256.

Files are hashed while they are written into the archive, and again while
they are unpacked, so what is checked is exactly what was stored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# A manifest lists names, sizes and checksums; nothing real comes near this.
MANIFEST_MAX_BYTES = 64_000_000
_CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")
# What a damaged or foreign file raises from inside tarfile and gzip.
_UNREADABLE = (tarfile.TarError, EOFError, zlib.error, OSError)


class BackupError(Exception):
    """A failure the operator can act on; the commands print it without a traceback."""


@dataclass(frozen=True)
class Entry:
    path: str
    size: int
    sha256: str


class _Hashing(io.RawIOBase):
    """Reads through to a file and hashes every byte handed on."""

    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data


class Writer:
    """Writes the archive; `entries` is what the manifest will list."""

    def __init__(self, path: Path):
        # Level 6: most of the gain of 9 at a fraction of the time; uploads
        # (PDFs, slides) hardly compress anyway.
        self._tar = tarfile.open(path, "w:gz", compresslevel=6)  # noqa: SIM115
        self.entries: list[Entry] = []

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self._tar.close()

    def add(self, source: Path, name: str) -> Entry | None:
        """Add one file; None when it disappeared before it could be read
        (an upload deleted while the backup ran)."""
        try:
            handle = open(source, "rb")  # noqa: SIM115
        except FileNotFoundError:
            return None
        except OSError as error:
            raise BackupError(f"Cannot read {source}: {error.strerror or error}.") from error
        with handle:
            status = os.fstat(handle.fileno())
            info = tarfile.TarInfo(name)
            info.size = status.st_size
            info.mtime = int(status.st_mtime)
            info.mode = 0o640
            hashing = _Hashing(handle)
            try:
                self._tar.addfile(info, hashing)
            except OSError as error:
                if error.errno is None and hashing.count < info.size:
                    raise BackupError(
                        f"{source} got shorter while it was copied; run the backup again."
                    ) from error
                raise
        entry = Entry(name, info.size, hashing.digest.hexdigest())
        self.entries.append(entry)
        return entry

    def add_manifest(self, manifest: dict) -> None:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(manifest_time(manifest))
        info.mode = 0o640
        self._tar.addfile(info, io.BytesIO(data))


def manifest_time(manifest: dict) -> float:
    return datetime.fromisoformat(manifest["made_at"]).timestamp()


def entries_as_json(entries: list[Entry]) -> list[dict]:
    return [asdict(entry) for entry in entries]


def _allowed_name(name: str) -> bool:
    """Only the names a backup writes, relative and without `..`, so unpacking
    can never write outside its folder."""
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or str(path) != name
        or any(part in ("", ".", "..") for part in path.parts)
    ):
        return False
    return (
        name == MANIFEST
        or name in DATABASE_FILES.values()
        or (path.parts[0] == UPLOADS and len(path.parts) > 1)
    )


def unpack(archive: Path, into: Path) -> tuple[dict, list[Entry]]:
    """Unpack `archive` into the folder `into` and check it against its
    manifest: every file listed is there with its size and checksum, and
    nothing else is. Returns the manifest and the files found."""
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115
    except FileNotFoundError:
        raise BackupError(f"{archive} does not exist.") from None
    except IsADirectoryError:
        raise BackupError(f"{archive} is a folder; give the backup archive (.tar.gz).") from None
    except PermissionError:
        raise BackupError(f"Cannot read {archive}: permission denied.") from None
    except _UNREADABLE as error:
        raise BackupError(
            f"{archive} is not a Copse backup: it cannot be read as a .tar.gz archive ({error})."
        ) from None
    found: dict[str, Entry] = {}
    raw_manifest = None
    with tar:
        try:
            for member in tar:
                if member.isdir():
                    continue
                if not _allowed_name(member.name):
                    raise BackupError(
                        f"{archive} is not a Copse backup: it holds {member.name!r}, "
                        "which a backup never contains."
                    )
                if not member.isfile():
                    raise BackupError(
                        f"{archive} is not a Copse backup: {member.name!r} is not a plain file."
                    )
                if member.name in found or (member.name == MANIFEST and raw_manifest is not None):
                    raise BackupError(
                        f"{archive} holds {member.name!r} twice; it was tampered with."
                    )
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    raw_manifest = source.read(MANIFEST_MAX_BYTES + 1)
                    continue
                found[member.name] = _extract(source, into / member.name, member.name)
            # tarfile takes a damaged header for the end of the archive, and
            # gzip checks its CRC only at the end: read to the end for both.
            while tar.fileobj.read(_CHUNK):
                pass
        except BackupError:
            raise
        except _UNREADABLE as error:
            raise BackupError(
                f"{archive} is damaged: it ends early or its bytes were changed ({error})."
            ) from None
    manifest = _parse_manifest(archive, raw_manifest)
    _compare(archive, manifest, found)
    return manifest, list(found.values())


def _extract(source, target: Path, name: str) -> Entry:
    digest = hashlib.sha256()
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except OSError as error:
        if error.filename is None:
            raise  # the archive itself could not be read
        raise BackupError(
            f"Could not unpack into {target.parent}: {error.strerror or error}."
        ) from None
    return Entry(name, size, digest.hexdigest())


def _parse_manifest(archive: Path, raw: bytes | None) -> dict:
    if raw is None:
        raise BackupError(
            f"{archive} has no {MANIFEST}: it is not a Copse backup, or an incomplete one."
        )
    if len(raw) > MANIFEST_MAX_BYTES:
        raise BackupError(f"{archive}: its {MANIFEST} is far too large to be one Copse writes.")
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError(f"{archive}: its {MANIFEST} is not valid JSON.") from None
    if not isinstance(manifest, dict):
        raise BackupError(f"{archive}: its {MANIFEST} is not a Copse manifest.")
    version = manifest.get("format")
    if isinstance(version, int) and version > FORMAT:
        raise BackupError(
            f"{archive} was made by a newer Copse (archive format {version}); "
            "restore it with that version or a later one."
        )
    database = manifest.get("database")
    files = manifest.get("files")
    migrations = manifest.get("migrations")
    well_formed = (
        version == FORMAT
        and isinstance(database, dict)
        and database.get("vendor") in DATABASE_FILES
        and database.get("file") == DATABASE_FILES[database["vendor"]]
        and isinstance(migrations, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in migrations.items())
        and isinstance(files, list)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and type(item.get("size")) is int
            and isinstance(item.get("sha256"), str)
            and _SHA256.fullmatch(item["sha256"])
            for item in files
        )
    )
    if not well_formed:
        raise BackupError(f"{archive}: its {MANIFEST} is incomplete or not one Copse writes.")
    return manifest


def _compare(archive: Path, manifest: dict, found: dict[str, Entry]) -> None:
    listed = {item["path"]: item for item in manifest["files"]}
    if manifest["database"]["file"] not in listed:
        raise BackupError(f"{archive}: its manifest lists no database.")
    missing = sorted(set(listed) - set(found))
    if missing:
        raise BackupError(
            f"{archive} is incomplete: {some(missing)} listed in its manifest "
            f"{'is' if len(missing) == 1 else 'are'} not in it."
        )
    extra = sorted(set(found) - set(listed))
    if extra:
        raise BackupError(
            f"{archive} was changed after it was made: {some(extra)} "
            f"{'is' if len(extra) == 1 else 'are'} not in its manifest."
        )
    wrong = sorted(
        name
        for name, entry in found.items()
        if (entry.size, entry.sha256) != (listed[name]["size"], listed[name]["sha256"])
    )
    if wrong:
        raise BackupError(
            f"{archive} was changed or damaged after it was made: {some(wrong)} "
            f"{'does' if len(wrong) == 1 else 'do'} not match the checksum in its manifest."
        )


def some(names: list[str], shown: int = 3) -> str:
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"
