"""Files that come with a post by mail: which are kept, and storing them.

Only an allowlist of document and image types is kept, checked by extension
and by the file's first bytes (a renamed executable is not a PDF), each
under a size limit. Files are stored under a random name and served only by
`mailing:attachment`, which asks the permission core about the post.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile

from copse.conversations.models import PostAttachment

MAX_FILES = 10

# Extension -> (content type, magic prefixes the file must start with; empty = text)
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".md": ("text/markdown", ()),
}


@dataclass(frozen=True)
class File:
    """One attachment as it came in, and why it is not kept (empty if kept)."""

    name: str
    data: bytes
    content_type: str = ""
    problem: str = ""


def max_bytes() -> int:
    return min(settings.COPSE_UPLOAD_MAX_BYTES, settings.COPSE_INBOUND_MAX_BYTES)


def clean_name(name: str) -> str:
    """The last path component, without control characters, at most 200 long."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name or "").replace("\\", "/")
    name = PurePosixPath(name).name.strip().lstrip(".")
    return name[-200:] or "attachment"


def check(name: str, data: bytes) -> File:
    """A File with its content type, or with the reason it is not kept."""
    name = clean_name(name)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        return File(name, data, problem="this type of file is not kept")
    if not data:
        return File(name, data, problem="the file is empty")
    if len(data) > max_bytes():
        return File(name, data, problem=f"larger than {max_bytes() // 1_000_000} MB")
    content_type, magics = ATTACHMENT_TYPES[suffix]
    head = data[:512]
    if magics and not any(head.startswith(magic) for magic in magics):
        return File(name, data, problem=f"it does not look like a {suffix[1:]} file")
    if not magics and b"\x00" in head:
        return File(name, data, problem="it does not look like text")
    return File(name, data, content_type=content_type)


def sort(files: list[File]) -> tuple[list[File], list[File]]:
    """(kept, refused), keeping at most MAX_FILES."""
    kept, refused = [], []
    for file in files:
        if file.problem:
            refused.append(file)
        elif len(kept) >= MAX_FILES:
            refused.append(File(file.name, b"", problem=f"only {MAX_FILES} files are kept"))
        else:
            kept.append(file)
    return kept, refused


def store(post, files: list[File]) -> list[PostAttachment]:
    """Save kept files with `post` (inside the caller's transaction)."""
    stored = []
    for file in files:
        attachment = PostAttachment(
            post=post,
            original_name=file.name,
            content_type=file.content_type,
            size=len(file.data),
        )
        suffix = PurePosixPath(file.name).suffix.lower()
        attachment.file.save(f"{secrets.token_hex(16)}{suffix}", ContentFile(file.data), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
