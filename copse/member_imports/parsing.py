"""Reading a list of people to invite: a CSV file of email, name and
organisation, as spreadsheets write it.

Pure: bytes in, rows out, nothing read from the database. What is wrong
with the whole file (its size, its encoding, its columns, its number of
rows) raises `ImportFileError` with a message a facilitator can act on;
what is wrong with one row is that row's `problems`, so every other row can
still be shown and sent. What depends on the community (who is seated or
invited, organisations, caps) is judged later, by `selectors.assess`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from copse.accounts.identity import normalize_email
from copse.core.errors import UserFacingError
from copse.core.files import human_size
from copse.core.names import has_control_characters

MAX_BYTES = 256 * 1024
MAX_ROWS = 500
NAME_MAX = 80
ORGANISATION_MAX = 120

# What people call each column, as a spreadsheet's header row may write it.
COLUMNS = {
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "name": ("name", "full name", "display name"),
    "organisation": ("organisation", "organization", "company", "institution", "unit"),
}
COLUMN_LIST = "email, name and organisation"

# A cell a spreadsheet would run as a formula when the list is opened again
# (CSV injection). Nothing Copse stores should start that way.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(UserFacingError):
    title = "This file cannot be read as a list of people"
    status = 400


class ImportTooLarge(ImportFileError):
    status = 413


@dataclass
class Row:
    line: int  # as a spreadsheet numbers it: the header is line 1
    email: str
    name: str
    organisation: str
    problems: list[str] = field(default_factory=list)

    def as_stored(self) -> dict:
        return {
            "line": self.line,
            "email": self.email,
            "name": self.name,
            "organisation": self.organisation,
            "problems": list(self.problems),
        }


def decode(data: bytes) -> str:
    """Text from UTF-8 (with or without the byte-order mark spreadsheets
    write) or UTF-16 with its byte-order mark; anything else is refused
    rather than guessed, since a wrong guess would mangle names."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "The file says it is UTF-16 text but is not. Save it again as “CSV UTF-8”."
            ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file is not UTF-8 text (it may be an Excel workbook, or a CSV saved in an "
            "older encoding). In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” "
            "and upload that."
        ) from exc
    if "\x00" in text:
        raise ImportFileError(
            "The file holds NUL characters, which no list of names does. Save it again as "
            "“CSV UTF-8” and upload that."
        )
    return text


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon or tab that spreadsheets in some languages
    write instead: whichever the header line uses most."""
    counts = {mark: first_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _column_of(heading: str) -> str | None:
    wanted = " ".join(heading.strip().lower().replace("_", " ").split())
    for column, spellings in COLUMNS.items():
        if wanted in spellings:
            return column
    return None


def _header(cells: list[str]) -> dict[str, int]:
    """The position of each known column; refuses a file without the email
    column, one with a column Copse does not know (it would be dropped
    without a word), and one that names a column twice."""
    if not any(_column_of(cell) == "email" for cell in cells) and any("@" in c for c in cells):
        raise ImportFileError(
            "The first line must name the columns, e.g. “email,name,organisation”."
        )
    positions: dict[str, int] = {}
    unknown = []
    for index, heading in enumerate(cells):
        column = _column_of(heading)
        if column is None:
            if heading.strip():
                unknown.append(heading.strip()[:40])
            continue
        if column in positions:
            raise ImportFileError(
                f"The first line names the {column} column twice. The columns are {COLUMN_LIST}."
            )
        positions[column] = index
    if unknown:
        named = ", ".join(f"“{heading}”" for heading in unknown[:3])
        raise ImportFileError(
            f"The first line names a column Copse does not know ({named}). The columns are "
            f"{COLUMN_LIST}, in any order; remove the others."
        )
    if "email" not in positions:
        raise ImportFileError(
            f"There is no email column. The first line must name the columns: {COLUMN_LIST}."
        )
    return positions


def _cell(cells: list[str], positions: dict[str, int], column: str) -> str:
    index = positions.get(column)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _check_cell(row: Row, column: str, raw: str) -> str:
    value = raw.strip()
    if raw.startswith(FORMULA_STARTS) or value.startswith(FORMULA_STARTS):
        row.problems.append(
            f"The {column} starts with “{value[:1] or raw[:1]!s}”, as a spreadsheet formula does; "
            "Copse keeps no such cell."
        )
        return ""
    if has_control_characters(value):
        row.problems.append(f"The {column} holds a line break or another control character.")
        return ""
    return " ".join(value.split())


def _check_email(row: Row, value: str) -> str:
    if not value:
        row.problems.append("No email address.")
        return ""
    email = normalize_email(value)
    try:
        validate_email(email)
    except ValidationError:
        row.problems.append(f"“{value[:80]}” is not an email address.")
        return ""
    return email


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportTooLarge(
            f"The file is {human_size(size)}; a list of people may be at most "
            f"{human_size(MAX_BYTES)}. Split it into smaller files."
        )


def parse(data: bytes) -> list[Row]:
    """The rows of an uploaded list, each with its problems."""
    check_size(len(data))
    text = decode(data)
    if not text.strip():
        raise ImportFileError(f"The file is empty. The columns are {COLUMN_LIST}.")
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    rows: list[Row] = []
    seen: dict[str, int] = {}
    positions: dict[str, int] | None = None
    # Lines as a spreadsheet numbers its rows: one per record, blank ones
    # too, however many lines a quoted cell spans.
    line = 0
    try:
        for cells in reader:
            line += 1
            if not any(cell.strip() for cell in cells):
                continue
            if positions is None:
                positions = _header(cells)
                known = set(positions.values())
                continue
            if len(rows) == MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_ROWS} people; at most {MAX_ROWS} can be "
                    "invited at a time. Split it into smaller files."
                )
            row = Row(line=line, email="", name="", organisation="")
            if any(cell.strip() for index, cell in enumerate(cells) if index not in known):
                row.problems.append(
                    "This line has a cell under no column. A comma inside a name needs "
                    "quotes around the name."
                )
            raw_email = _cell(cells, positions, "email")
            email = _check_cell(row, "email", raw_email)
            if email or not raw_email.strip():
                row.email = _check_email(row, email)
            for column, limit in (("name", NAME_MAX), ("organisation", ORGANISATION_MAX)):
                value = _check_cell(row, column, _cell(cells, positions, column))
                if len(value) > limit:
                    row.problems.append(f"The {column} is longer than {limit} characters.")
                setattr(row, column, value[:limit])
            if row.email:
                if row.email in seen:
                    row.problems.append(f"The same address is on line {seen[row.email]}.")
                else:
                    seen[row.email] = row.line
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(
            f"Line {line + 1} cannot be read: a quote is opened and not closed, or a "
            "cell is cut in two. Check that line in your spreadsheet."
        ) from exc
    if positions is None:
        raise ImportFileError(f"The file is empty. The columns are {COLUMN_LIST}.")
    if not rows:
        raise ImportFileError("The file names its columns but lists nobody under them.")
    return rows
