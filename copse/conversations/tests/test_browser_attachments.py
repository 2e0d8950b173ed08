"""Browser journey: attach a file to a web reply. A renamed program is refused
with the typed text kept; the draft autosave goes on without sending the
file; the real file is posted, listed under the reply with its type and
size, and downloads for another member; without JavaScript the same form
works."""

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.conversations import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHECKLIST = (
    b"line item,what to check\nCircuits,Every circuit still in use\nRates,Match the contract\n"
)
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def test_attach_a_file_to_a_web_reply(open_page):
    community = testing.make_community(slug="sv-cio-cop", name="CIO CoP", visibility="confidential")
    dev = testing.make_user("dev@contoso.example", name="Dev Patel")
    luis = testing.make_user("luis@alpine.example", name="Luis Ortega")
    testing.seat(community, dev)
    testing.seat(community, luis)
    ask = services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Telecom costs are out of control",
        body="Who has audited their telecom bill?",
    )

    page = open_page(user=luis)
    page.goto(ask.get_absolute_url())
    reply_box = page.get_by_label("Your reply (Markdown)")
    reply_box.fill("Get an expense audit first. Our checklist is attached.")
    files = page.get_by_label("Attach files")
    files.set_input_files(
        [{"name": "checklist.pdf", "mimeType": "application/pdf", "buffer": PROGRAM}]
    )
    page.get_by_role("button", name="Post reply").click()
    # Refused: the reason beside the field, the text kept, the file to choose again.
    expect(page.locator("#id_files_error")).to_contain_text(
        "“checklist.pdf” does not look like a pdf file inside."
    )
    expect(page.locator("#id_files_error")).to_contain_text("choose the files again")
    expect(reply_box).to_have_value("Get an expense audit first. Our checklist is attached.")
    expect(files).to_have_attribute("aria-invalid", "true")

    files.set_input_files(
        [{"name": "audit-checklist.csv", "mimeType": "text/csv", "buffer": CHECKLIST}]
    )
    # Typing still saves the draft (htmx), and the draft request carries no file.
    with page.expect_request("**/drafts/") as saving:
        reply_box.press("End")
        reply_box.type(" It saved us 18%.")
    expect(page.locator("#draft-status")).to_have_text("Draft saved")
    draft_request = saving.value
    assert "multipart" not in (draft_request.headers.get("content-type") or "")
    assert "18%25" in draft_request.post_data and "files" not in draft_request.post_data
    page.get_by_role("button", name="Post reply").click()
    attached = page.locator("#post-1 .post__files")
    expect(attached.get_by_role("link", name="audit-checklist.csv")).to_be_visible()
    expect(attached).to_contain_text(f"CSV table, {len(CHECKLIST)} bytes")
    expect(page.locator("#post-1 .post__body")).to_contain_text("It saved us 18%.")

    reader = open_page(user=dev)
    reader.goto(ask.get_absolute_url())
    with reader.expect_download() as waiting:
        reader.locator("#post-1").get_by_role("link", name="audit-checklist.csv").click()
    download = waiting.value
    assert download.suggested_filename == "audit-checklist.csv"
    with open(download.path(), "rb") as handle:
        assert handle.read() == CHECKLIST

    # The same form without JavaScript, at phone width.
    plain = open_page(user=dev, javascript=False, viewport={"width": 375, "height": 812})
    plain.goto(ask.get_absolute_url())
    plain.get_by_label("Your reply (Markdown)").fill("Thanks, Luis. Ours, for comparison.")
    plain.get_by_label("Attach files").set_input_files(
        [{"name": "our-bill.txt", "mimeType": "text/plain", "buffer": b"Carrier: 4,200 a month\n"}]
    )
    plain.get_by_role("button", name="Post reply").click()
    expect(plain.locator("#post-2 .post__files")).to_contain_text("our-bill.txt")
    expect(plain.locator("#post-2 .post__files")).to_contain_text("Text, 23 bytes")
    assert not page.csp_violations and not reader.csp_violations and not plain.csp_violations
    assert not page.script_errors and not reader.script_errors
