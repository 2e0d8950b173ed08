"""Text of uploaded files, for search.

Plain-text files are read as they are; other types are not read yet and are
marked "not searchable".
"""

from __future__ import annotations

import logging

from copse.library.models import ItemVersion

log = logging.getLogger("copse.library")

MAX_TEXT = 200_000
PLAIN = {"text/plain", "text/markdown", "text/csv"}


def text_of(version: ItemVersion) -> str | None:
    """The file's text, or None when it cannot be read."""
    if version.content_type in PLAIN:
        with version.file.open("rb") as handle:
            return handle.read(MAX_TEXT * 4).decode("utf-8", errors="replace")
    return None


def extract_into(version_id: int) -> str:
    version = ItemVersion.objects.filter(pk=version_id).first()
    if version is None or not version.file:
        return "gone"
    try:
        text = text_of(version)
    except Exception:  # any unreadable file is kept, marked, and logged
        log.warning("could not read library file version=%s", version_id, exc_info=True)
        text = None
    if text is None or not text.strip():
        status, text = ItemVersion.TextStatus.NOT_SEARCHABLE, ""
    else:
        status = ItemVersion.TextStatus.EXTRACTED
    ItemVersion.objects.filter(pk=version_id).update(
        text_status=status, extracted_text=" ".join(text.split())[:MAX_TEXT]
    )
    return status
