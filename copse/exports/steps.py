"""What the plans of an export (`community`, `personal`) are made of: the
steps the builder runs, and the `Build` each step writes through. Below
`building`, which runs the plans, so that the plans need not import it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from copse.exports.archive import ArchiveWriter, safe_name
from copse.exports.models import Export


def person(user) -> dict | None:
    """How an archive names someone: the name and handle peers see."""
    if user is None:
        return None
    return {"name": user.name, "handle": user.handle}


@dataclass
class Build:
    """What a step writes with: the archive, who it is read as, and what the
    manifest will count."""

    export: Export
    reader: object  # the requester: everything is read as they may read it
    writer: ArchiveWriter
    counts: dict[str, int] = field(default_factory=dict)
    # Files the database names but storage could not give, by archive path.
    missing: list[str] = field(default_factory=list)
    # Ids of what the archive holds, by kind, so a later step links only to those.
    exported: dict[str, set] = field(default_factory=dict)
    report: Callable[[float], None] = lambda fraction: None

    @property
    def community(self):
        return self.export.community

    def count(self, kind: str, number: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + number

    def add_file(self, folder: str, stored, name: str, content_type: str = "", size: int = 0):
        """Copy a stored file into `files/<folder>/`; its path in the archive,
        or None when storage no longer has it (listed in the manifest)."""
        path = self.writer.unique_path(f"files/{folder}", safe_name(name))
        try:
            handle = stored.open("rb")
        except (FileNotFoundError, ValueError):
            self.missing.append(path)
            return None
        try:
            self.writer.copy_file(path, handle, content_type=content_type, size=size)
        finally:
            handle.close()
        self.count("files")
        return path


@dataclass(frozen=True)
class Step:
    label: str  # what the status page says is being done
    run: Callable[[Build], None]


@dataclass(frozen=True)
class Readme:
    """The archive's README.txt: what it is, then each file and what it holds,
    then how to read it. Its words are marked, and written in the language
    the archive is made in (its requester's)."""

    intro: str
    files: tuple[tuple[str, str], ...]
    outro: str

    def text(self) -> str:
        width = max(len(name) for name, _what in self.files) + 3
        listed = "\n".join(f"{name.ljust(width)}{what}" for name, what in self.files)
        return f"{_paragraph(self.intro)}\n\n{listed}\n\n{_paragraph(self.outro)}\n"


def _paragraph(words) -> str:
    return textwrap.fill(str(words), width=79, break_long_words=False, break_on_hyphens=False)
