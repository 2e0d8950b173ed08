"""The zip writer on its own: hostile file names stay one harmless name
inside `files/`, nothing is written outside the archive, streamed JSON is
JSON, and the manifest's checksums are those of the bytes written."""

import hashlib
import io
import json
import zipfile

import pytest

from copse.exports.archive import ArchiveWriter, StreamedList, json_chunks, safe_name


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("slides.pdf", "slides.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\dev\\budget.xlsx", "budget.xlsx"),
        (".htaccess", "htaccess"),
        ("bad\x00name\r\n.txt", "bad_name__.txt"),
        ('what?*<>:"|.csv', "what_______.csv"),
        ("", "file"),
        ("...", "file"),
        ("Überblick – März.docx", "Überblick – März.docx"),
    ],
)
def test_a_files_name_becomes_one_harmless_segment(given, kept):
    assert safe_name(given) == kept


def test_a_long_name_keeps_its_extension():
    name = safe_name("a" * 300 + ".pdf")
    assert len(name) == 120
    assert name.endswith(".pdf")


def test_nothing_is_written_outside_the_archive_nor_twice():
    buffer = io.BytesIO()
    with ArchiveWriter(buffer) as writer:
        for path in ("../escape.txt", "/etc/passwd", "files/../../x", "manifest.json"):
            with pytest.raises(ValueError):
                writer.write_chunks(path, [b"no"])
        writer.write_chunks("files/a/report.pdf", [b"one"])
        with pytest.raises(ValueError):
            writer.write_chunks("files/a/report.pdf", [b"two"])
        assert writer.unique_path("files/a", "report.pdf") == "files/a/report (2).pdf"
        writer.finish({"kind": "test"})
    names = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).namelist()
    assert names == ["files/a/report.pdf", "manifest.json"]


def test_streamed_json_is_json_and_the_manifest_sums_what_was_written():
    buffer = io.BytesIO()
    rows = ({"n": n, "text": f'line {n} \u2028 "quoted"'} for n in range(1000))
    with ArchiveWriter(buffer) as writer:
        writer.write_json("rows.json", {"title": "Rows", "rows": StreamedList(rows)})
        writer.write_json("empty.json", {"rows": StreamedList([])})
        writer.finish({"kind": "test", "counts": {"rows": 1000}})
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    document = json.loads(archive.read("rows.json"))
    assert document["title"] == "Rows"
    assert [row["n"] for row in document["rows"]] == list(range(1000))
    assert json.loads(archive.read("empty.json")) == {"rows": []}
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "copse-export"
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(archive.read(entry["path"])).hexdigest()


def test_a_plain_document_is_written_in_one_piece():
    assert b"".join(json_chunks({"a": [1, 2]})) == b'{"a": [1, 2]}'
