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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# The columns' own names, as the first line of a file writes them.
COLUMN_LIST = gettext_lazy("email, name and organisation")

# A cell a spreadsheet would run as a formula when the list is opened again
# (CSV injection). Nothing Copse stores should start that way.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(UserFacingError):
    title = gettext_lazy("This file cannot be read as a list of people")
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
                _("The file says it is UTF-16 text but is not. Save it again as “CSV UTF-8”.")
            ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (it may be an Excel workbook, or a CSV saved in an "
                "older encoding). In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” "
                "and upload that."
            )
        ) from exc
    if "\x00" in text:
        raise ImportFileError(
            _(
                "The file holds NUL characters, which no list of names does. Save it again as "
                "“CSV UTF-8” and upload that."
            )
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
            _("The first line must name the columns, e.g. “email,name,organisation”.")
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
                _("The first line names the %(column)s column twice. The columns are %(columns)s.")
                % {"column": column, "columns": COLUMN_LIST}
            )
        positions[column] = index
    if unknown:
        named = ", ".join(f"“{heading}”" for heading in unknown[:3])
        raise ImportFileError(
            _(
                "The first line names a column Copse does not know (%(named)s). The columns "
                "are %(columns)s, in any order; remove the others."
            )
            % {"named": named, "columns": COLUMN_LIST}
        )
    if "email" not in positions:
        raise ImportFileError(
            _("There is no email column. The first line must name the columns: %(columns)s.")
            % {"columns": COLUMN_LIST}
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
            _(
                "The %(column)s starts with “%(mark)s”, as a spreadsheet formula does; "
                "Copse keeps no such cell."
            )
            % {"column": column, "mark": value[:1] or raw[:1]}
        )
        return ""
    if has_control_characters(value):
        row.problems.append(
            _("The %(column)s holds a line break or another control character.")
            % {"column": column}
        )
        return ""
    return " ".join(value.split())


def _check_email(row: Row, value: str) -> str:
    if not value:
        row.problems.append(_("No email address."))
        return ""
    email = normalize_email(value)
    try:
        validate_email(email)
    except ValidationError:
        row.problems.append(_("“%(value)s” is not an email address.") % {"value": value[:80]})
        return ""
    return email


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportTooLarge(
            _(
                "The file is %(size)s; a list of people may be at most %(most)s. "
                "Split it into smaller files."
            )
            % {"size": human_size(size), "most": human_size(MAX_BYTES)}
        )


def parse(data: bytes) -> list[Row]:
    """The rows of an uploaded list, each with its problems."""
    check_size(len(data))
    text = decode(data)
    if not text.strip():
        raise ImportFileError(
            _("The file is empty. The columns are %(columns)s.") % {"columns": COLUMN_LIST}
        )
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
                    _(
                        "The file has more than %(most)s people; at most %(most)s can be "
                        "invited at a time. Split it into smaller files."
                    )
                    % {"most": MAX_ROWS}
                )
            row = Row(line=line, email="", name="", organisation="")
            if any(cell.strip() for index, cell in enumerate(cells) if index not in known):
                row.problems.append(
                    _(
                        "This line has a cell under no column. A comma inside a name needs "
                        "quotes around the name."
                    )
                )
            raw_email = _cell(cells, positions, "email")
            email = _check_cell(row, "email", raw_email)
            if email or not raw_email.strip():
                row.email = _check_email(row, email)
            for column, limit in (("name", NAME_MAX), ("organisation", ORGANISATION_MAX)):
                value = _check_cell(row, column, _cell(cells, positions, column))
                if len(value) > limit:
                    row.problems.append(
                        _("The %(column)s is longer than %(limit)s characters.")
                        % {"column": column, "limit": limit}
                    )
                setattr(row, column, value[:limit])
            if row.email:
                if row.email in seen:
                    row.problems.append(
                        _("The same address is on line %(line)s.") % {"line": seen[row.email]}
                    )
                else:
                    seen[row.email] = row.line
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(
            _(
                "Line %(line)s cannot be read: a quote is opened and not closed, or a "
                "cell is cut in two. Check that line in your spreadsheet."
            )
            % {"line": line + 1}
        ) from exc
    if positions is None:
        raise ImportFileError(
            _("The file is empty. The columns are %(columns)s.") % {"columns": COLUMN_LIST}
        )
    if not rows:
        raise ImportFileError(_("The file names its columns but lists nobody under them."))
    return rows
