"""Reading uploaded files for search, on real small files made here.

Files that cannot be read (broken, encrypted, a zip bomb, a type we do not
read, the wrong kind behind the right first bytes) are kept, marked "not
searchable", logged without their content, and never fail the task.
"""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from copse.library import extraction, reading, services, tasks
from copse.library.models import ItemVersion
from copse.library.tests import files
from copse.testing import make_community, make_user, seat

pytestmark = pytest.mark.django_db

SEARCHABLE = ItemVersion.TextStatus.EXTRACTED
NOT_SEARCHABLE = ItemVersion.TextStatus.NOT_SEARCHABLE


@pytest.fixture
def circle():
    community = make_community(slug="circle", visibility="members")
    author = make_user("author@example.com")
    seat(community, author)
    return community, author


def _upload(circle, name: str, data: bytes, capture, kind: str = "document"):
    community, author = circle
    with capture(execute=True):
        item = services.create_item(
            actor=author,
            community=community,
            kind=kind,
            title=f"Upload {name}",
            uploaded_file=SimpleUploadedFile(name, data),
        )
    return item.versions.get()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "checklist.pdf",
            files.pdf(["Visiting speaker checklist", "Parking (level 2)"]),
            "parking",
        ),
        (
            "sop.docx",
            files.docx(["Onboarding SOP", "Issue a badge"], [["Vendor", "Contoso Networks"]]),
            "contoso networks",
        ),
        (
            "review.pptx",
            files.pptx([("Quarterly review", "Telecom savings")], notes="Ask about carriers"),
            "ask about carriers",
        ),
        ("costs.xlsx", files.xlsx([["Vendor", "Cost"], ["Fabrikam Telecom", 1200]]), "fabrikam"),
        ("notes.txt", b"Plain notes about procurement\n", "procurement"),
    ],
)
def test_text_is_read_from_each_kind_of_file(
    circle, django_capture_on_commit_callbacks, name, data, expected
):
    version = _upload(circle, name, data, django_capture_on_commit_callbacks)
    assert version.text_status == SEARCHABLE
    assert expected in version.extracted_text.lower()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj garbage"),
        ("locked.pdf", files.encrypted_pdf(["Board salaries"], user_password="s3cret")),
        ("cut.docx", files.docx(["Board salaries", "x" * 2000])[:700]),
        # A spreadsheet behind a .docx name: the first bytes (a zip) pass.
        ("wrong.docx", files.xlsx([["Board salaries"]])),
        ("empty.pdf", files.pdf([""])),
        ("bomb.docx", files.zip_bomb(reading.LIMITS.max_unpacked_bytes + 1_000_000)),
        ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    ],
)
def test_an_unreadable_file_is_kept_marked_and_logged_without_content(
    circle, django_capture_on_commit_callbacks, caplog, name, data
):
    with caplog.at_level(logging.INFO, logger="copse.library"):
        version = _upload(circle, name, data, django_capture_on_commit_callbacks)
    assert version.text_status == NOT_SEARCHABLE
    assert version.extracted_text == ""
    assert version.file.size == len(data)  # kept whole, still downloadable
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Board salaries" not in logged and "salaries" not in logged.lower()
    if name != "empty.pdf":
        assert f"version={version.pk}" in logged


def test_an_encrypted_pdf_with_an_empty_reading_password_is_read(
    circle, django_capture_on_commit_callbacks
):
    data = files.encrypted_pdf(["Shared minutes"], user_password="")
    version = _upload(circle, "minutes.pdf", data, django_capture_on_commit_callbacks)
    assert version.text_status == SEARCHABLE
    assert "shared minutes" in version.extracted_text.lower()


def test_a_reader_that_takes_too_long_is_given_up(
    circle, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(extraction, "WALL_SECONDS", 0.01)
    version = _upload(circle, "slow.pdf", files.pdf(["Slow"]), django_capture_on_commit_callbacks)
    assert version.text_status == NOT_SEARCHABLE


def test_a_missing_file_marks_the_version_and_the_task_succeeds(
    circle, django_capture_on_commit_callbacks
):
    version = _upload(circle, "gone.pdf", files.pdf(["Gone"]), django_capture_on_commit_callbacks)
    version.file.storage.delete(version.file.name)
    ItemVersion.objects.filter(pk=version.pk).update(text_status="pending")
    result = tasks.extract_text.call(version.pk)
    assert result == NOT_SEARCHABLE
    assert ItemVersion.objects.get(pk=version.pk).text_status == NOT_SEARCHABLE


def test_extraction_is_safe_to_repeat(circle, django_capture_on_commit_callbacks):
    version = _upload(
        circle, "a.pdf", files.pdf(["Repeatable"]), django_capture_on_commit_callbacks
    )
    assert tasks.extract_text.call(version.pk) == SEARCHABLE
    assert tasks.extract_text.call(version.pk) == SEARCHABLE
    assert ItemVersion.objects.get(pk=version.pk).extracted_text == "Repeatable"


# --- What is read is bounded, whatever the file claims -------------------------------


def _read(tmp_path, data: bytes, content_type: str, **limits) -> str:
    path = tmp_path / "file"
    path.write_bytes(data)
    return reading.read_text(str(path), content_type, reading.Limits(**limits))


def test_pages_slides_rows_and_characters_are_capped(tmp_path):
    pdf = files.pdf([f"Page{n}" for n in range(10)])
    assert _read(tmp_path, pdf, reading.PDF, max_pages=3).split() == ["Page0", "Page1", "Page2"]
    slides = files.pptx([(f"Slide{n}", "x") for n in range(6)])
    assert "Slide2" in _read(tmp_path, slides, reading.PPTX, max_slides=3)
    assert "Slide3" not in _read(tmp_path, slides, reading.PPTX, max_slides=3)
    sheet = files.xlsx([[f"Row{n}", n] for n in range(100)])
    text = _read(tmp_path, sheet, reading.XLSX, max_rows=10)
    assert "Row9 " in text and "Row10 " not in text
    wide = files.xlsx([[f"Col{n}" for n in range(30)]])
    assert "Col4" in _read(tmp_path, wide, reading.XLSX, max_columns=5)
    assert "Col5" not in _read(tmp_path, wide, reading.XLSX, max_columns=5)
    document = files.docx(["Heading", *[f"Para{n}" for n in range(50)]])
    assert len(_read(tmp_path, document, reading.DOCX, max_chars=40)) <= 40
    assert "Para5" not in _read(tmp_path, document, reading.DOCX, max_paragraphs=5)


def test_a_zip_that_would_unpack_too_far_is_refused_before_parsing(tmp_path):
    bomb = files.zip_bomb(3_000_000)
    for content_type in (reading.DOCX, reading.PPTX, reading.XLSX):
        with pytest.raises(reading.Unreadable, match="unpacks-too-large"):
            _read(tmp_path, bomb, content_type, max_unpacked_bytes=1_000_000)


def test_the_item_page_says_which_versions_search_cannot_read(client, circle):
    community, author = circle
    # Outside django_capture_on_commit_callbacks the task has not run yet.
    item = services.create_item(
        actor=author,
        community=community,
        kind="document",
        title="Locked",
        uploaded_file=SimpleUploadedFile(
            "locked.pdf", files.encrypted_pdf(["x"], user_password="pw")
        ),
    )
    version = item.versions.get()
    client.force_login(author)
    url = reverse("library:item", args=[item.pk])
    assert version.text_status == "pending"
    assert b"Being read for search" in client.get(url).content
    tasks.extract_text.call(version.pk)
    page = client.get(url).content
    assert b"Not searchable" in page and b"Being read for search" not in page
