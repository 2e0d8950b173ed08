"""Files that come with a post by mail: which are kept, and storing them.

The same kinds as files attached on the web (`conversations.attachments`),
checked by extension and by the file's first bytes (a renamed executable is
not a PDF), each under a size limit. A mail cannot be sent back to choose
again, so the files that are not kept are listed to the sender instead of
refusing the post. Files are stored by `conversations.attachments.store`
and served only by `conversations:attachment`, which asks the permission core.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile

from copse.conversations import attachments as post_files
from copse.conversations.attachments import MAX_FILES, clean_name
from copse.core import files as file_types


@dataclass(frozen=True)
class File:
    """One attachment as it came in, and why it is not kept (empty if kept)."""

    name: str
    data: bytes
    content_type: str = ""
    problem: str = ""


def max_bytes() -> int:
    return min(settings.COPSE_UPLOAD_MAX_BYTES, settings.COPSE_INBOUND_MAX_BYTES)


def check(name: str, data: bytes) -> File:
    """A File with its content type, or with the reason it is not kept."""
    name = clean_name(name)
    suffix = PurePosixPath(name).suffix.lower()
    sniffed = file_types.sniff(name, data[:512])
    if sniffed.problem == "type":
        return File(name, data, problem="this type of file is not kept")
    if not data:
        return File(name, data, problem="the file is empty")
    if len(data) > max_bytes():
        return File(name, data, problem=f"larger than {max_bytes() // 1_000_000} MB")
    if sniffed.problem == "magic":
        return File(name, data, problem=f"it does not look like a {suffix[1:]} file")
    if sniffed.problem == "text":
        return File(name, data, problem="it does not look like text")
    return File(name, data, content_type=sniffed.content_type)


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


def store(post, files: list[File]):
    """Save kept files with `post` (inside the caller's transaction)."""
    return post_files.store(
        post,
        [
            post_files.Checked(
                name=file.name,
                content_type=file.content_type,
                size=len(file.data),
                content=ContentFile(file.data),
            )
            for file in files
        ],
    )
