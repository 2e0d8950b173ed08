"""The kinds of file people may share (meeting materials, files attached to
posts on the web or by mail), what they are called, how their sizes read,
and how to tell a file by its first bytes rather than trust its name: a
`.pdf` must start like a PDF, a text file must not hold NULs."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import NamedTuple

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

ZIP = (b"PK\x03\x04",)

# Extension -> (content type, magic prefixes the file must start with; empty = text)
FILE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".md": ("text/markdown", ()),
}


# What each kind is called where people see it.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy(
        "Word document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy(
        "Excel spreadsheet"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": gettext_lazy(
        "PowerPoint presentation"
    ),
    "application/vnd.oasis.opendocument.text": gettext_lazy("OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy("OpenDocument spreadsheet"),
    "application/vnd.oasis.opendocument.presentation": gettext_lazy("OpenDocument presentation"),
    "image/png": gettext_lazy("PNG image"),
    "image/jpeg": gettext_lazy("JPEG image"),
    "image/gif": gettext_lazy("GIF image"),
    "text/plain": gettext_lazy("Text"),
    "text/csv": gettext_lazy("CSV table"),
    "text/markdown": gettext_lazy("Markdown text"),
}


class Sniffed(NamedTuple):
    content_type: str
    # "" when the file may be kept; otherwise "type" (not an allowed kind),
    # "magic" (its bytes do not match its name) or "text" (a binary named as text).
    problem: str


def content_type_or_refusal(name: str, head: bytes, *, type_refused: str) -> tuple[str, str]:
    """(content type, "") for a file that may be kept, ("", what to tell the
    person) otherwise. `type_refused` opens the message for a kind not allowed."""
    sniffed = sniff(name, head)
    kind = PurePosixPath(name).suffix.lower().lstrip(".")
    if sniffed.problem == "type":
        return "", _("%(refused)s Allowed: %(extensions)s.") % {
            "refused": type_refused,
            "extensions": allowed_extensions(),
        }
    if sniffed.problem == "magic":
        return "", _("That file does not look like a %(kind)s file.") % {"kind": kind}
    if sniffed.problem == "text":
        return "", _("That file does not look like text.")
    return sniffed.content_type, ""


def allowed_extensions() -> str:
    return ", ".join(sorted(suffix.lstrip(".") for suffix in FILE_TYPES))


def accept_attribute() -> str:
    """The extensions for a file input's `accept`, so the chooser offers only these."""
    return ",".join(sorted(FILE_TYPES))


def type_name(content_type: str) -> str:
    return str(TYPE_NAMES.get(content_type, _("File")))


def human_size(size: int) -> str:
    """A size as people read it: 820 bytes, 14 kB, 2.5 MB (decimal units, as
    the limits are set)."""
    if size < 1000:
        return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}
    # The units' symbols in the reader's language (French: ko, Mo, Go).
    for unit, scale in ((_("kB"), 1000), (_("MB"), 1000**2)):
        if size < scale * 1000:
            return _scaled(size / scale, unit)
    return _scaled(size / 1000**3, _("GB"))


def _scaled(value: float, unit: str) -> str:
    rounded = round(value) if value >= 10 else round(value, 1)
    places = 0 if rounded == int(rounded) else 1
    # The locale's decimal separator: 2.5 MB, 2,5 Mo.
    text = formats.number_format(rounded, places, use_l10n=True)
    return f"{text} {unit}"


def sniff(name: str, head: bytes) -> Sniffed:
    """What the file is, judged by its name and checked against its first bytes."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in FILE_TYPES:
        return Sniffed("", "type")
    content_type, magics = FILE_TYPES[suffix]
    if magics and not any(head.startswith(magic) for magic in magics):
        return Sniffed(content_type, "magic")
    # The first bytes may cut a character in half, so only a NUL marks a binary.
    if not magics and b"\x00" in head:
        return Sniffed(content_type, "text")
    return Sniffed(content_type, "")
