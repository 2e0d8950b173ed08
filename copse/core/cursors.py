"""One reader for the keyset cursors list pages put in their links.

A cursor is the sort key of the last row shown, its parts joined by "|"
(for example "<iso datetime>|<id>"). People paste, cut and edit links, so a
cursor is whatever arrives: `parse` gives the typed parts, or None for
anything it cannot read, and a page shown with None starts at the beginning.
Nothing here raises, so a malformed cursor never becomes a 500.

The parts are:
- INT: ASCII digits with an optional "-" that fit a 64-bit column;
- BOOL: "0" or "1";
- MOMENT: an ISO 8601 date and time Python and every database can hold,
  returned aware (naive ones are read as UTC);
- TEXT: any text without NUL (PostgreSQL refuses NUL in a string), at most
  TEXT_MAX characters. A TEXT part may itself hold "|": at most one TEXT part
  per cursor, and the parts before and after it are split off around it.
"""

import re
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

INT, BOOL, MOMENT, TEXT = "int", "bool", "moment", "text"
# The largest value a BIGINT (and SQLite's INTEGER) holds.
INT_MAX = 2**63 - 1
TEXT_MAX = 500
_INT = re.compile(r"-?[0-9]{1,19}")


def integer(value: str | None, *, minimum: int = -INT_MAX, maximum: int = INT_MAX) -> int | None:
    """`value` as an int within [minimum, maximum], or None."""
    if value is None or not _INT.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def moment(value: str | None) -> datetime | None:
    """`value` as an aware datetime in UTC, or None."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            return None
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=UTC)
        # Years 1 and 9999 with an offset overflow when a database adapter
        # converts them to UTC; convert here so that happens now or never.
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def text(value: str | None, *, max_length: int = TEXT_MAX) -> str | None:
    """`value` if it is text a database accepts as a parameter, or None."""
    if value is None or "\x00" in value or len(value) > max_length:
        return None
    return value


_READERS = {
    INT: integer,
    BOOL: lambda value: {"0": False, "1": True}.get(value),
    MOMENT: moment,
    TEXT: text,
}


def parse(cursor: str | None, *kinds: str) -> tuple | None:
    """The parts of `cursor` read as `kinds`, or None if any part does not read."""
    if not cursor or not isinstance(cursor, str) or len(cursor) > TEXT_MAX + 200:
        return None
    if TEXT in kinds:
        at = kinds.index(TEXT)
        before, after = at, len(kinds) - at - 1
        head = cursor.split("|", before) if before else [cursor]
        if len(head) != before + 1:
            return None
        rest = head.pop()
        tail = rest.rsplit("|", after) if after else [rest]
        if len(tail) != after + 1:
            return None
        parts = [*head, *tail]
    else:
        parts = cursor.split("|")
        if len(parts) != len(kinds):
            return None
    values = tuple(_READERS[kind](part) for kind, part in zip(kinds, parts, strict=True))
    return None if any(value is None for value in values) else values
