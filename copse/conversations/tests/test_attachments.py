"""Files attached to posts written on the web: what is kept and what is
refused (and how the form says so), where the files are stored, who may
download them, and what the mail about a post says of them."""

import io
import struct
import zipfile
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import override_settings
from django.urls import reverse

from copse import testing
from copse.conversations import services
from copse.conversations.attachments import MAX_FILES, AttachmentError
from copse.conversations.models import Post, PostAttachment, Thread
from copse.core.storage import failure_of
from copse.core.tests.full_disk import database_refuses_writes, files_under
from copse.core.tests.test_errors import assert_styled_page

TYPED = "Our carrier's numbers: <18 ms> & 99.95 % uptime. The table is attached."
TYPED_IN_PAGE = "Our carrier&#x27;s numbers: &lt;18 ms&gt; &amp; 99.95 % uptime."
CSV = b"carrier,saving\nVendor Networks,27%\nNorthwind Telecom,18%\n"


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _png() -> bytes:
    """A real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00"))
        + chunk(b"IEND", b"")
    )


def _docx() -> bytes:
    """A minimal Word document: a ZIP with the parts Word looks for."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Minutes</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


# A Windows program's first bytes, and a Linux one's.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _file(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def ask(cio):
    community, maria, dev, peers = cio
    return services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Which telecom carrier for branch offices?",
        body="We have 40 branches.",
    )


def _reply_url(thread) -> str:
    return reverse("conversations:reply", args=[thread.community.slug, thread.pk])


def _download_url(attachment) -> str:
    return reverse("conversations:attachment", args=[attachment.post.community.slug, attachment.pk])


# --- Services --------------------------------------------------------------------------------


def test_a_reply_keeps_its_files_whole_under_random_names(cio, ask):
    community, maria, dev, peers = cio
    reply = services.post_reply(
        actor=peers[0],
        thread=ask,
        body="Our comparison and the signed offer.",
        files=[_file("comparison.csv", CSV), _file("Offer 2025.pdf", _pdf())],
    )
    csv, pdf = reply.attachments.all()
    assert len(CSV) == 57
    assert (csv.original_name, csv.content_type, csv.size) == ("comparison.csv", "text/csv", 57)
    assert (pdf.original_name, pdf.content_type) == ("Offer 2025.pdf", "application/pdf")
    assert (csv.type_name, pdf.type_name, csv.size_label) == ("CSV table", "PDF", "57 bytes")
    for attachment, data in ((csv, CSV), (pdf, _pdf())):
        # The name on disk says nothing of the original's.
        assert "comparison" not in attachment.file.name and "Offer" not in attachment.file.name
        with attachment.file.open("rb") as handle:
            assert handle.read() == data


def test_a_new_thread_carries_files_on_its_opening_post(cio):
    community, maria, dev, peers = cio
    thread = services.start_thread(
        actor=dev,
        community=community,
        kind="discussion",
        title="Minutes template",
        body="Ours, with a chart.",
        files=[_file("minutes.docx", _docx()), _file("chart.png", _png())],
    )
    names = thread.posts.get(position=0).attachments.values_list("original_name", "content_type")
    assert list(names) == [
        (
            "minutes.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("chart.png", "image/png"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("setup.exe", EXE, "is not a kind of file that can be attached"),
        ("report.pdf", EXE, "does not look like a pdf file"),
        ("notes.txt", ELF, "does not look like text"),
        ("slides.pptx", _pdf(), "does not look like a pptx file"),
        ("empty.csv", b"", "is empty"),
    ],
)
def test_refused_files_name_the_file_and_leave_nothing(cio, ask, name, data, words):
    community, maria, dev, peers = cio
    before = files_under(settings.MEDIA_ROOT)
    with pytest.raises(AttachmentError) as refused:
        services.post_reply(
            actor=peers[0],
            thread=ask,
            body="Here",
            files=[_file("fine.csv", CSV), _file(name, data)],
        )
    assert f"“{name}”" in refused.value.message and words in refused.value.message
    assert ask.posts.count() == 1 and not PostAttachment.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == before


@override_settings(COPSE_UPLOAD_MAX_BYTES=1_000)
def test_a_file_over_the_limit_and_too_many_files_are_refused(cio, ask):
    community, maria, dev, peers = cio
    with pytest.raises(AttachmentError, match="is 2 kB; one file may be at most 1 kB"):
        services.post_reply(
            actor=peers[0], thread=ask, body="Big", files=[_file("big.csv", b"a,b\n" * 500)]
        )
    many = [_file(f"part-{n}.csv", CSV) for n in range(MAX_FILES + 1)]
    with pytest.raises(AttachmentError, match=f"at most {MAX_FILES}"):
        services.post_reply(actor=peers[0], thread=ask, body="Many", files=many)
    assert ask.posts.count() == 1


def test_permission_is_asked_before_any_file_is_looked_at(cio, ask):
    community, maria, dev, peers = cio
    outsider = testing.make_user()
    with pytest.raises(services.NotAllowed):
        services.post_reply(actor=outsider, thread=ask, body="Hi", files=[_file("x.exe", EXE)])


def test_files_written_for_a_post_that_fails_are_removed(cio, ask):
    community, maria, dev, peers = cio
    before = files_under(settings.MEDIA_ROOT)
    # The files are on disk by then; their rows are refused as on a full disk.
    with (
        database_refuses_writes(
            table='"conversations_postattachment"', statements=("INSERT",)
        ) as refused,
        pytest.raises(DatabaseError) as failed,
    ):
        services.post_reply(
            actor=peers[0],
            thread=ask,
            body="Two files",
            files=[_file("a.csv", CSV), _file("b.pdf", _pdf())],
        )
    assert refused and failure_of(failed.value)
    assert files_under(settings.MEDIA_ROOT) == before
    assert ask.posts.count() == 1


def test_editing_a_post_keeps_its_files(cio, ask):
    community, maria, dev, peers = cio
    reply = services.post_reply(
        actor=peers[0], thread=ask, body="First words", files=[_file("table.csv", CSV)]
    )
    services.edit_post(actor=peers[0], post=reply, body="Better words")
    assert [a.original_name for a in reply.attachments.all()] == ["table.csv"]


# --- Pages -----------------------------------------------------------------------------------


def test_a_reply_with_files_is_listed_under_the_post_and_downloads(client, cio, ask):
    community, maria, dev, peers = cio
    client.force_login(peers[0])
    response = client.post(
        _reply_url(ask),
        {"body": TYPED, "files": [_file("comparison.csv", CSV), _file("offer.pdf", _pdf())]},
    )
    assert response.status_code == 302
    reply = Post.objects.get(thread=ask, position=1)
    csv, pdf = reply.attachments.all()
    client.force_login(dev)
    page = client.get(ask.get_absolute_url()).content.decode()
    assert f'href="{_download_url(csv)}" download>comparison.csv</a>' in page
    assert "CSV table, 57 bytes" in page and "offer.pdf" in page and "PDF, " in page
    download = client.get(_download_url(csv))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == CSV
    assert download["Content-Disposition"] == 'attachment; filename="comparison.csv"'
    assert download["Content-Type"] == "text/csv"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["Cache-Control"] == "private, no-store"


def test_a_new_thread_with_a_file_from_the_form(client, cio):
    community, maria, dev, peers = cio
    client.force_login(dev)
    response = client.post(
        reverse("conversations:new", args=[community.slug]),
        {
            "kind": "discussion",
            "title": "Our minutes template",
            "body": "Attached.",
            "tags": "templates",
            "files": [_file("minutes.docx", _docx())],
        },
    )
    assert response.status_code == 302
    thread = Thread.objects.get(title="Our minutes template")
    assert thread.posts.get().attachments.get().type_name == "Word document"
    assert [t.name for t in thread.tags.all()] == ["templates"]


def _assert_refused_page(response, status, *words):
    html = response.content.decode()
    assert response.status_code == status
    assert "Traceback" not in html
    for word in words:
        assert word in html, word
    # The person is told to choose the files again, beside the file field.
    assert "choose the files again" in html or "choose them again" in html
    return html


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([("setup.exe", EXE)], "“setup.exe” is not a kind of file that can be attached"),
        ([("budget.pdf", EXE)], "“budget.pdf” does not look like a pdf file inside"),
        ([("readme.txt", ELF)], "“readme.txt” does not look like text inside"),
        ([("empty.pdf", b"")], "“empty.pdf” is empty"),
        ([(f"part-{n}.csv", CSV) for n in range(MAX_FILES + 1)], f"at most {MAX_FILES}"),
    ],
    ids=["wrong-type", "renamed-executable", "binary-as-text", "empty", "too-many"],
)
def test_a_refused_reply_keeps_the_text_and_asks_for_the_files_again(
    client, cio, ask, files, words
):
    community, maria, dev, peers = cio
    client.force_login(peers[0])
    response = client.post(
        _reply_url(ask), {"body": TYPED, "files": [_file(name, data) for name, data in files]}
    )
    html = _assert_refused_page(response, 400, words)
    assert TYPED_IN_PAGE in html.split("</textarea>")[0]
    assert 'class="field field--error"' in html
    assert ask.posts.count() == 1 and not PostAttachment.objects.exists()


@override_settings(COPSE_UPLOAD_MAX_BYTES=10_000)
def test_a_file_over_the_limit_is_stopped_while_received(client, cio, ask):
    community, maria, dev, peers = cio
    client.force_login(peers[0])
    before = files_under(settings.MEDIA_ROOT)
    big = _pdf() + b"%" * 200_000
    response = client.post(
        _reply_url(ask), {"body": TYPED, "files": [_file("small.csv", CSV), _file("big.pdf", big)]}
    )
    html = _assert_refused_page(
        response, 413, "“big.pdf” is larger than 10 kB, the most one file may be."
    )
    assert TYPED_IN_PAGE in html
    assert ask.posts.count() == 1 and not PostAttachment.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == before


@override_settings(COPSE_UPLOAD_MAX_BYTES=10_000)
def test_a_new_thread_with_a_file_over_the_limit_keeps_title_body_and_tags(client, cio):
    community, maria, dev, peers = cio
    client.force_login(dev)
    response = client.post(
        reverse("conversations:new", args=[community.slug]),
        {
            "kind": "ask",
            "title": "Who has a carrier RFP?",
            "body": TYPED,
            "tags": "telecom",
            "files": [_file("huge.pdf", _pdf() + b"0" * 100_000)],
        },
    )
    html = _assert_refused_page(response, 413, "“huge.pdf” is larger than 10 kB")
    assert 'value="Who has a carrier RFP?"' in html and TYPED_IN_PAGE in html
    assert 'value="telecom"' in html
    assert not Thread.objects.filter(title="Who has a carrier RFP?").exists()


def test_files_chosen_with_an_empty_reply_must_be_chosen_again(client, cio, ask):
    community, maria, dev, peers = cio
    client.force_login(peers[0])
    response = client.post(_reply_url(ask), {"body": "  ", "files": [_file("a.csv", CSV)]})
    _assert_refused_page(response, 400, "Please write something first.")
    assert not PostAttachment.objects.exists()


def test_the_forms_are_multipart_and_the_autosave_sends_no_file(client, cio, ask):
    community, maria, dev, peers = cio
    client.force_login(peers[0])
    page = client.get(ask.get_absolute_url()).content.decode()
    assert 'id="reply-form" enctype="multipart/form-data"' in page
    assert 'type="file" name="files"' in page and "multiple" in page
    assert 'accept=".csv,.docx,' in page
    assert 'data-hx-params="not files"' in page
    new = client.get(reverse("conversations:new", args=[community.slug])).content.decode()
    assert 'enctype="multipart/form-data"' in new and 'data-hx-params="not files"' in new
    # The file field comes last, so that a stopped upload loses no typed field.
    assert new.index('name="files"') > new.index('name="tags"') > new.index('name="body"')


def test_a_draft_saved_with_files_says_it_keeps_only_the_text(client, cio, ask):
    community, maria, dev, peers = cio
    client.force_login(peers[0])
    response = client.post(
        reverse("conversations:save_draft", args=[community.slug]),
        {"thread": ask.pk, "body": "Half written", "files": [_file("a.csv", CSV)]},
        follow=True,
    )
    assert "A draft keeps only the text: attach the files when you post." in (
        response.content.decode()
    )
    assert not PostAttachment.objects.exists()


def test_the_edit_page_shows_the_files_that_stay(client, cio, ask):
    community, maria, dev, peers = cio
    reply = services.post_reply(
        actor=peers[0], thread=ask, body="Words", files=[_file("table.csv", CSV)]
    )
    client.force_login(peers[0])
    url = reverse("conversations:edit_post", args=[community.slug, reply.pk])
    assert "table.csv" in client.get(url).content.decode()
    assert client.post(url, {"body": "New words"}).status_code == 302
    attachment = reply.attachments.get()
    assert client.get(_download_url(attachment)).status_code == 200


# --- Who may download ------------------------------------------------------------------------


def test_a_removed_posts_files_download_for_nobody(client, cio, ask):
    community, maria, dev, peers = cio
    reply = services.post_reply(
        actor=peers[0], thread=ask, body="Words", files=[_file("table.csv", CSV)]
    )
    attachment = reply.attachments.get()
    url = _download_url(attachment)
    services.remove_post(actor=maria, post=reply, reason="Shared a price list by mistake")
    for person in (peers[0], dev, maria, peers[1]):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert b"table.csv" not in client.get(ask.get_absolute_url()).content


def test_the_download_needs_the_right_community_in_its_address(client, cio, ask):
    community, maria, dev, peers = cio
    reply = services.post_reply(
        actor=peers[0], thread=ask, body="Words", files=[_file("table.csv", CSV)]
    )
    other = testing.make_community(slug="elsewhere")
    testing.seat(other, dev)
    client.force_login(dev)
    attachment = reply.attachments.get()
    assert (
        client.get(
            reverse("conversations:attachment", args=["elsewhere", attachment.pk])
        ).status_code
        == 404
    )
    assert client.get(_download_url(attachment)).status_code == 200


def test_a_file_missing_from_the_disk_is_a_404_not_an_error(client, cio, ask):
    community, maria, dev, peers = cio
    reply = services.post_reply(
        actor=peers[0], thread=ask, body="Words", files=[_file("table.csv", CSV)]
    )
    attachment = reply.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(dev)
    response = client.get(_download_url(attachment))
    assert response.status_code == 404
    assert_styled_page(response, status=404, title="Page not found")
