"""The rule that keeps two people's words when they save the same section.

Every save carries the number of the revision its writer started from. A save
based on the current revision becomes the next revision; a save based on an
older one is refused and both texts go back to its writer, who merges them
and saves again on top of the newer revision. Nothing is merged by a machine,
so nothing is silently overwritten or dropped: a submitted text always ends
up in the history, or is the text already there, or is shown back to whoever
wrote it.

Pure functions, no database: `services.save_section` applies the decision in
one conditional update, and `tests/test_merge.py` checks the promise with
every interleaving Hypothesis can find.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


def normalise(text: str) -> str:
    """The text as it is stored: browsers send CRLF line ends, and trailing
    space at the end of the text is nobody's words."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()


@dataclass(frozen=True)
class Saved:
    """The text becomes revision `revision`."""

    revision: int
    text: str


@dataclass(frozen=True)
class Unchanged:
    """The text is already the current one: nothing to save, nothing lost."""

    revision: int


@dataclass(frozen=True)
class Conflict:
    """Someone saved since the writer started: both texts go back to them."""

    revision: int  # the current one, to base the merged save on
    theirs: str
    yours: str


def decide_save(
    *, current_revision: int, current_text: str, based_on: int, submitted: str
) -> Saved | Unchanged | Conflict:
    yours = normalise(submitted)
    if yours == normalise(current_text):
        return Unchanged(revision=current_revision)
    if based_on == current_revision:
        return Saved(revision=current_revision + 1, text=yours)
    return Conflict(revision=current_revision, theirs=current_text, yours=yours)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" (only in yours), "removed" (only in theirs)
    text: str


def compare(theirs: str, yours: str) -> list[DiffLine]:
    """Line by line, what the writer's text has that the current one lacks and
    the other way round, to help them merge."""
    matcher = difflib.SequenceMatcher(
        a=normalise(theirs).splitlines(), b=normalise(yours).splitlines(), autojunk=False
    )
    lines: list[DiffLine] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(DiffLine("same", text) for text in matcher.a[a1:a2])
            continue
        lines.extend(DiffLine("removed", text) for text in matcher.a[a1:a2])
        lines.extend(DiffLine("added", text) for text in matcher.b[b1:b2])
    return lines
