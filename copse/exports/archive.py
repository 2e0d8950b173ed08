"""Writing one export archive: a zip file whose members are streamed in
(JSON documents written item by item, mbox and iCalendar chunks, stored
files copied in blocks), each counted and hashed as it is written, and a
`manifest.json` last that lists every member with its size and SHA-256.

It knows nothing of what the archive holds: `community.py` and `personal.py`
decide that, through the permission core.
"""

from __future__ import annotations

import hashlib
import json
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "copse-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BLOCK = 1024 * 1024
# Kinds of file that are compressed already: stored as they are.
COMPRESSED = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "application/pdf",
    "application/zip",
    "application/vnd.openxmlformats-officedocument",
    "application/vnd.oasis.opendocument",
)


class StreamedList:
    """A list written item by item: a JSON document may hold one as a value,
    so a large community's posts never sit in memory all at once."""

    def __init__(self, items: Iterable):
        self.items = items


_encoder = DjangoJSONEncoder(ensure_ascii=False, sort_keys=False)


def json_chunks(document) -> Iterator[bytes]:
    """`document` as UTF-8 JSON, in pieces: a dict (of plain values, dicts,
    lists and `StreamedList`s) written one key at a time, a streamed list one
    item per line."""
    if isinstance(document, StreamedList):
        yield b"[\n"
        first = True
        for item in document.items:
            if not first:
                yield b",\n"
            first = False
            yield from json_chunks(item)
        yield b"\n]"
    elif isinstance(document, dict) and any(
        isinstance(value, StreamedList) for value in document.values()
    ):
        yield b"{\n"
        for number, (key, value) in enumerate(document.items()):
            if number:
                yield b",\n"
            yield _encoder.encode(str(key)).encode() + b": "
            yield from json_chunks(value)
        yield b"\n}"
    else:
        yield _encoder.encode(document).encode()


def safe_name(name: str, fallback: str = "file") -> str:
    """A file's own name as one harmless path segment: no folders, no control
    characters, no leading dots, at most 120 characters (its extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if unicodedata.category(ch).startswith("C") or ch in '<>:"|?*' else ch for ch in name
    )
    name = name.strip().lstrip(".").strip()
    if not name:
        return fallback
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: 119 - len(extension)]}.{extension}"
        else:
            name = name[:120]
    return name


@dataclass
class Member:
    path: str
    bytes: int
    sha256: str


@dataclass
class ArchiveWriter:
    """One zip file being written. Use as a context manager; `finish` adds
    the manifest and closes it."""

    target: object  # a path or a binary file
    members: list[Member] = field(default_factory=list)
    _zip: zipfile.ZipFile | None = None
    # Every member is dated when the archive was begun (UTC).
    _when: tuple = field(default_factory=lambda: time.gmtime()[:6])

    def __enter__(self) -> ArchiveWriter:
        self._zip = zipfile.ZipFile(
            self.target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
        )
        return self

    def __exit__(self, *exc) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def _check_path(self, path: str) -> str:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise ValueError("an archive path must be relative and stay inside the archive")
        if path == MANIFEST or any(member.path == path for member in self.members):
            raise ValueError(f"{path} is in the archive already")
        return str(pure)

    def unique_path(self, folder: str, name: str) -> str:
        """`folder/name`, or `folder/name (2)`… when that is taken."""
        taken = {member.path for member in self.members}
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, n = f"{folder}/{name}", 1
        while candidate in taken:
            n += 1
            candidate = f"{folder}/{stem} ({n}){'.' + extension if extension else ''}"
        return candidate

    def write_chunks(
        self, path: str, chunks: Iterable[bytes], *, compress: bool = True, large: bool = False
    ) -> Member:
        path = self._check_path(path)
        info = zipfile.ZipInfo(path, date_time=self._when)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        digest, size = hashlib.sha256(), 0
        with self._zip.open(info, "w", force_zip64=large) as out:
            for chunk in chunks:
                if not chunk:
                    continue
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        member = Member(path=path, bytes=size, sha256=digest.hexdigest())
        self.members.append(member)
        return member

    def write_json(self, path: str, document) -> Member:
        return self.write_chunks(path, json_chunks(document), large=True)

    def copy_file(self, path: str, handle, *, content_type: str = "", size: int = 0) -> Member:
        def blocks():
            while block := handle.read(BLOCK):
                yield block

        compressed = content_type.startswith(COMPRESSED)
        return self.write_chunks(
            path, blocks(), compress=not compressed, large=size > 2**31 - BLOCK
        )

    def finish(self, manifest: dict) -> Member:
        """Write the manifest (what `manifest` says, and every member with
        its size and checksum) and close the archive."""
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            **manifest,
            "files": [{"path": m.path, "bytes": m.bytes, "sha256": m.sha256} for m in self.members],
        }
        body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        info = zipfile.ZipInfo(MANIFEST, date_time=self._when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, body)
        self.__exit__()
        return Member(path=MANIFEST, bytes=len(body), sha256=hashlib.sha256(body).hexdigest())
