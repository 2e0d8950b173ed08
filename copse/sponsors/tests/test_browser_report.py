"""The sponsor's journey in Chromium against a live server: Grace, who
chairs the CIO council, signs in, opens the programme report from the
navigation, reads its figures (and no confidential community's name),
switches the period, and downloads the CSV; then the same page at phone
size with JavaScript off, and as it prints."""

import csv
import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.sponsors.tests import programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_sponsor_opens_the_report_from_the_navigation_and_downloads_the_csv(open_page):
    grace = testing.make_user(
        "grace@example.com", name="Grace Hopkins, CIO council chair", is_sponsor=True
    )
    designers = programme.community(name="Instructional Designers", members=9, visibility="open")
    programme.meeting(designers, going=8, attended=6)
    for asker in range(5):
        programme.ask(designers, asker=asker, replier=8, reply_after_hours=asker + 1)
    secret = programme.community(name="Telecom Circle", members=7, visibility="confidential")
    programme.ask(secret, title="Telecom costs are out of control", reply_after_hours=1)

    page = open_page()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(grace.email)
    page.locator("#id_password").fill(testing.PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.locator("header.site-header").get_by_role("link", name="Programme report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme report")

    communities = page.get_by_role("table", name="Figures per named community")
    row = communities.get_by_role("row", name=re.compile("Instructional Designers"))
    expect(row).to_contain_text("Healthy")
    expect(row.get_by_role("cell").nth(1)).to_have_text("9")  # members
    expect(row.get_by_role("cell").nth(4)).to_have_text("75")  # 6 of 8 places used
    expect(page.locator("main")).to_contain_text(
        "1 confidential or unlisted community, 7 members in all"
    )
    expect(page.locator("main")).not_to_contain_text("Telecom")
    expect(page.get_by_role("img", name=re.compile("Members per community"))).to_be_visible()
    assert not page.csp_violations and not page.script_errors

    page.get_by_label("Period").select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/programme/report/\?days=90$"))
    expect(page.locator("main")).to_contain_text("over the last 90 days")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the figures (CSV)").click()
    download = waiting.value
    assert re.fullmatch(
        r"programme-report-\d{4}-\d{2}-\d{2}-90-days\.csv", download.suggested_filename
    )
    with open(download.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["section", "community", "measure", "value"]
    assert ["period", "", "days", "90"] in rows
    assert ["communities", "Instructional Designers", "Members", "9"] in rows
    assert ["not named", "", "members in all", "7"] in rows
    assert not any("Telecom" in cell for row in rows for cell in row)

    # At phone size without JavaScript, the wide table scrolls inside itself.
    phone = open_page(user=grace, javascript=False, viewport={"width": 375, "height": 812})
    phone.goto("/programme/report/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Programme report")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # Printed, the navigation and the controls are left out.
    phone.emulate_media(media="print")
    expect(phone.locator("header.site-header")).to_be_hidden()
    expect(phone.get_by_role("button", name="Show")).to_be_hidden()
    expect(phone.get_by_role("table", name="Figures per named community")).to_be_visible()
