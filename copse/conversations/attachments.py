"""Files attached to posts, on the web or by mail: checking them and storing
them with their post.

Only the kinds in `copse.core.files` are kept, judged by name and checked by
their first bytes (a renamed executable is not a PDF), none empty, none over
COPSE_UPLOAD_MAX_BYTES (which `copse.core.uploads` also enforces while a web
upload is received), at most MAX_FILES to a post. Files are stored whole
under a random name and are only ever sent by `conversations:attachment`,
which asks the permission core (`attachment.download`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.conversations.models import PostAttachment
from copse.core import files as file_types
from copse.core.errors import UserFacingError

MAX_FILES = 10


class AttachmentError(UserFacingError):
    title = gettext_lazy("That file could not be attached")
    status = 400


@dataclass(frozen=True)
class Checked:
    """A file that may be attached: its shown name, type, size and content."""

    name: str
    content_type: str
    size: int
    content: File


def clean_name(name: str) -> str:
    """The last path component, without control characters, at most 200 long."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name or "").replace("\\", "/")
    name = PurePosixPath(name).name.strip().lstrip(".")
    return name[-200:] or "attachment"


def check_uploads(uploaded) -> list[Checked]:
    """The files a person chose, checked, or AttachmentError naming the first
    that may not be attached and why."""
    uploaded = list(uploaded or ())
    if len(uploaded) > MAX_FILES:
        raise AttachmentError(
            _("You chose %(count)s files; a post can carry at most %(limit)s.")
            % {"count": len(uploaded), "limit": MAX_FILES}
        )
    return [_check(file) for file in uploaded]


def _check(file) -> Checked:
    name = clean_name(file.name)
    limit = settings.COPSE_UPLOAD_MAX_BYTES
    size = file.size or 0
    if size == 0:
        raise AttachmentError(_("“%(name)s” is empty.") % {"name": name})
    if size > limit:
        raise AttachmentError(
            _("“%(name)s” is %(size)s; one file may be at most %(limit)s.")
            % {
                "name": name,
                "size": file_types.human_size(size),
                "limit": file_types.human_size(limit),
            }
        )
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    sniffed = file_types.sniff(name, head)
    if sniffed.problem == "type":
        raise AttachmentError(
            _("“%(name)s” is not a kind of file that can be attached. These can: %(extensions)s.")
            % {"name": name, "extensions": file_types.allowed_extensions()}
        )
    if sniffed.problem == "magic":
        kind = PurePosixPath(name).suffix.lower().lstrip(".")
        raise AttachmentError(
            _("“%(name)s” does not look like a %(kind)s file inside.")
            % {"name": name, "kind": kind}
        )
    if sniffed.problem == "text":
        raise AttachmentError(_("“%(name)s” does not look like text inside.") % {"name": name})
    return Checked(name=name, content_type=sniffed.content_type, size=size, content=file)


def store(post, files: list[Checked]) -> list[PostAttachment]:
    """Save checked files with `post`, inside the caller's transaction (and
    its `files_removed_on_failure`, so a failed post leaves no file)."""
    stored = []
    for file in files:
        attachment = PostAttachment(
            post=post, original_name=file.name, content_type=file.content_type, size=file.size
        )
        # A random stored name: the original name is only ever a download name.
        suffix = PurePosixPath(file.name).suffix.lower()
        attachment.file.save(f"{secrets.token_hex(16)}{suffix}", file.content, save=False)
        attachment.save()
        stored.append(attachment)
    return stored
