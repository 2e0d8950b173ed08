"""Text of uploaded files, for search.

Plain text is read here. PDF, DOCX, PPTX and XLSX are read by `reading.py`
run as a child process with its own memory and CPU limits and a wall-clock
timeout: parsers of those formats are large and meet hostile files, and a
parser that loops, balloons or crashes must end only its child. A file that
cannot be read is kept and marked "not searchable"; the log says which
version and why in a word, never what the file says.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from copse.library import reading, search_index
from copse.library.models import ItemVersion

log = logging.getLogger("copse.library")

# Beyond reading.CPU_SECONDS of CPU the child is killed by its own limit;
# this catches one that waits instead of computing.
WALL_SECONDS = 60
READER = Path(reading.__file__)


def _read_in_child(path: str, content_type: str) -> str:
    # -I: isolated, so neither the environment nor the script's folder (which
    # holds modules named like the standard library's) changes what it imports.
    try:
        done = subprocess.run(  # noqa: S603 - a fixed script and our own arguments
            [sys.executable, "-I", str(READER), content_type, path],
            capture_output=True,
            timeout=WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise reading.Unreadable("timeout") from exc
    if done.returncode == reading.EXIT_UNREADABLE:
        lines = done.stderr.decode("ascii", errors="replace").strip().splitlines()
        raise reading.Unreadable(lines[-1][:100] if lines else "unknown")
    if done.returncode != 0:
        # Killed by a limit (negative: the signal) or crashed.
        raise reading.Unreadable(f"reader-exit:{done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


def text_of(version: ItemVersion) -> str:
    """The file's text; reading.Unreadable when it cannot be read."""
    content_type = version.content_type
    if content_type not in reading.READABLE:
        raise reading.Unreadable("type-not-read")
    path = version.file.path
    if content_type in reading.PLAIN:
        return reading.read_text(path, content_type)
    return _read_in_child(path, content_type)


def extract_into(version_id: int) -> str:
    """Read one version's file, store its text and status, and bring the
    item's search entry up to date. Never raises for the file's sake."""
    version = ItemVersion.objects.filter(pk=version_id).first()
    if version is None or not version.file:
        return "gone"
    try:
        text = text_of(version)
    except reading.Unreadable as exc:
        log.warning(
            "library file not searchable version=%s type=%s reason=%s",
            version_id,
            version.content_type,
            exc.reason,
        )
        text = ""
    except OSError as exc:
        log.warning(
            "library file not searchable version=%s type=%s reason=%s",
            version_id,
            version.content_type,
            type(exc).__name__,
        )
        text = ""
    text = " ".join(text.split())[: reading.LIMITS.max_chars]
    status = ItemVersion.TextStatus.EXTRACTED if text else ItemVersion.TextStatus.NOT_SEARCHABLE
    ItemVersion.objects.filter(pk=version_id).update(text_status=status, extracted_text=text)
    search_index.index_items([version.item_id])
    return status
