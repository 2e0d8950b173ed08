"""Exports in Chromium against a live server. Maria asks for everything the
CIO CoP holds from its home, and watches the status page turn to "Ready" on
its own (htmx polling, inside the CSP) while a worker makes it; she
downloads the zip. Dev, on a phone without JavaScript, asks for his data
from his profile and looks again with the link until it is ready."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from copse.exports import building
from copse.exports.models import Export

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
# The worker is the test: tasks wait in the queue until it makes them.
KEEP_IN_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def assert_clean(page) -> None:
    assert page.csp_violations == [], page.csp_violations
    assert page.script_errors == [], page.script_errors


def _downloaded(page, name: str) -> zipfile.ZipFile:
    with page.expect_download() as waiting:
        page.get_by_role("link", name=name).first.click()
    return zipfile.ZipFile(io.BytesIO(open(waiting.value.path(), "rb").read()))


def test_a_facilitator_watches_the_export_being_made_and_downloads_it(open_page, world, settings):
    settings.TASKS = KEEP_IN_QUEUE
    page = open_page(user=world.people["facilitator"])
    page.goto(world.community.get_absolute_url())
    page.get_by_role("link", name="Export everything").click()
    page.get_by_role("button", name="Prepare an export").click()
    expect(page.locator("#export-status")).to_contain_text("Waiting for its turn")
    export = Export.objects.get(requested_by=world.people["facilitator"])
    assert building.build(export.pk) == "ready"
    # No reload: htmx asks every two seconds.
    expect(page.locator("#export-status")).to_contain_text("Ready.", timeout=15_000)
    archive = _downloaded(page, "Download the archive")
    threads = json.loads(archive.read("threads.json"))["threads"]
    assert threads[0]["title"] == world.thread.title
    assert_clean(page)


def test_without_javascript_a_member_looks_again_until_his_data_is_ready(
    open_page, world, settings
):
    settings.TASKS = KEEP_IN_QUEUE
    dev = world.people["member"]
    page = open_page(user=dev, javascript=False, viewport=PHONE)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Download my data").click()
    page.get_by_role("button", name="Prepare my data").click()
    expect(page.locator("#export-status")).to_contain_text("Waiting for its turn")
    export = Export.objects.get(requested_by=dev)
    assert building.build(export.pk) == "ready"
    page.get_by_role("link", name="Check again").click()
    expect(page.locator("#export-status")).to_contain_text("Ready.")
    archive = _downloaded(page, "Download the archive")
    assert json.loads(archive.read("account.json"))["email"] == dev.email
    assert_clean(page)
