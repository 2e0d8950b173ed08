"""Reading the text out of an uploaded file: PDF, DOCX, PPTX and XLSX.

This module imports nothing of Copse or Django: `extraction.py` runs it as a
script in a child process with limits on memory and CPU time, so a hostile
or broken file can at worst end that child, never the worker. Run as a
script it prints the text (UTF-8) and exits 0, or prints a short reason
(never any of the file's content) and exits 3.

What it reads is bounded whatever the file claims: pages, slides, rows,
columns, paragraphs and characters are capped; an Office file (a zip) is
refused before it is opened when it would unpack to more than
`max_unpacked_bytes` or holds too many members; and reading stops, keeping
what it has, after `max_seconds`.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
import zipfile
from dataclasses import dataclass

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAIN = {"text/plain", "text/markdown", "text/csv"}
READABLE = {PDF, DOCX, PPTX, XLSX, *PLAIN}

EXIT_UNREADABLE = 3


@dataclass(frozen=True)
class Limits:
    max_chars: int = 200_000
    max_pages: int = 300
    max_slides: int = 300
    max_paragraphs: int = 20_000
    max_sheets: int = 20
    max_rows: int = 20_000
    max_columns: int = 50
    max_unpacked_bytes: int = 150_000_000
    max_zip_members: int = 5_000
    max_seconds: float = 20.0


LIMITS = Limits()


class Unreadable(Exception):
    """The file cannot be read for search; `reason` is a short code, no content."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Full(Exception):
    """Enough has been read: a cap or the deadline was reached."""


class _Collector:
    def __init__(self, limits: Limits):
        self.parts: list[str] = []
        self.length = 0
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds

    def add(self, text) -> None:
        if text is None:
            return
        text = str(text).strip()
        if not text:
            return
        room = self.limits.max_chars - self.length
        self.parts.append(text[:room])
        self.length += min(len(text), room) + 1
        if self.length >= self.limits.max_chars or time.monotonic() > self.deadline:
            raise _Full

    def text(self) -> str:
        return "\n".join(self.parts)


def _check_zip(path: str, limits: Limits) -> None:
    """Refuse a zip that would unpack to too much before any parser opens it.
    The sizes are the declared ones, and Python's zipfile never unpacks a
    member past its declared size, so a lying header cannot get round this."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable("not-a-zip") from exc
    if len(members) > limits.max_zip_members:
        raise Unreadable("too-many-members")
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
        raise Unreadable("unpacks-too-large")


def _read_pdf(path: str, out: _Collector, limits: Limits) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        # Many PDFs are "encrypted" only against editing, with an empty
        # password for reading; any other password we do not have.
        try:
            opened = reader.decrypt("")
        except Exception as exc:
            raise Unreadable("encrypted") from exc
        if not opened:
            raise Unreadable("encrypted")
    for number in range(min(len(reader.pages), limits.max_pages)):
        out.add(reader.pages[number].extract_text())


def _read_docx(path: str, out: _Collector, limits: Limits) -> None:
    import docx
    from docx.oxml.ns import qn

    _check_zip(path, limits)
    document = docx.Document(path)
    paragraph, text = qn("w:p"), qn("w:t")
    # Every paragraph of the body in reading order, those in tables too.
    for count, element in enumerate(document.element.body.iter(paragraph)):
        if count >= limits.max_paragraphs:
            break
        out.add("".join(node.text or "" for node in element.iter(text)))


def _shape_text(shape, out: _Collector) -> None:
    from pptx.shapes.group import GroupShape

    if isinstance(shape, GroupShape):
        for inner in shape.shapes:
            _shape_text(inner, out)
        return
    if shape.has_text_frame:
        out.add(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            out.add(" ".join(cell.text for cell in row.cells))


def _read_pptx(path: str, out: _Collector, limits: Limits) -> None:
    from pptx import Presentation

    _check_zip(path, limits)
    presentation = Presentation(path)
    for number, slide in enumerate(presentation.slides):
        if number >= limits.max_slides:
            break
        for shape in slide.shapes:
            _shape_text(shape, out)
        if slide.has_notes_slide:
            out.add(slide.notes_slide.notes_text_frame.text)


def _read_xlsx(path: str, out: _Collector, limits: Limits) -> None:
    import openpyxl

    _check_zip(path, limits)
    # read_only streams rows instead of building every cell in memory. A file
    # object, because given a path openpyxl insists on the .xlsx suffix.
    handle = open(path, "rb")  # noqa: SIM115 - closed below with the workbook
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    try:
        rows = 0
        for sheet in workbook.worksheets[: limits.max_sheets]:
            out.add(sheet.title)
            for row in sheet.iter_rows(max_col=limits.max_columns, values_only=True):
                rows += 1
                if rows > limits.max_rows:
                    return
                out.add(" ".join(str(value) for value in row if value is not None))
    finally:
        workbook.close()
        handle.close()


def _read_plain(path: str, out: _Collector, limits: Limits) -> None:
    with open(path, "rb") as handle:
        out.add(handle.read(limits.max_chars * 4).decode("utf-8", errors="replace"))


READERS = {
    PDF: _read_pdf,
    DOCX: _read_docx,
    PPTX: _read_pptx,
    XLSX: _read_xlsx,
    **dict.fromkeys(PLAIN, _read_plain),
}


def read_text(path: str, content_type: str, limits: Limits = LIMITS) -> str:
    """The file's text, whitespace kept to single line breaks between parts,
    at most `limits.max_chars` characters. Unreadable when it cannot be read:
    a type we do not read, a broken or encrypted file, a zip bomb."""
    reader = READERS.get(content_type)
    if reader is None:
        raise Unreadable("type-not-read")
    out = _Collector(limits)
    try:
        reader(path, out, limits)
    except _Full:
        pass
    except Unreadable:
        raise
    except RecursionError as exc:
        raise Unreadable("too-deep") from exc
    except MemoryError as exc:
        raise Unreadable("too-large") from exc
    except Exception as exc:
        # Parsers raise all sorts for broken files; the class name says enough.
        raise Unreadable(f"broken:{type(exc).__name__}") from exc
    return out.text()[: limits.max_chars]


MEMORY_LIMIT = 1024 * 1024 * 1024
CPU_SECONDS = 30


def _limit_this_process() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: reading.py CONTENT_TYPE PATH\n")
        return 2
    _limit_this_process()
    # Parsers log and warn about what they meet in a file, which could quote
    # it; stderr carries only our reason.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    content_type, path = argv[1], argv[2]
    try:
        text = read_text(path, content_type)
    except Unreadable as exc:
        sys.stderr.write("\n" + exc.reason[:100])
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
