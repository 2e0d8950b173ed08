"""Search in a browser, on the demo: Dev finds the telecom ask first, then a
meeting record by a word only its summary holds."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_dev_finds_the_telecom_ask_first_then_a_meeting_record(open_page):
    from copse.accounts.models import User

    call_command("demo", stdout=StringIO())
    dev = User.objects.get(email="dev@contoso.example")
    page = open_page(user=dev)
    page.goto("/search/")
    page.get_by_label("Search for").fill("telecom")
    page.get_by_role("button", name="Search").click()
    conversations = page.locator("#results-conversations").locator("xpath=..")
    first = conversations.locator("ol.search-results > li").first
    assert (
        first.locator("h3").inner_text()
        == "Telecom costs are out of control: who has switched carriers?"
    )
    # The long thread of alike weekly replies is one result, not twenty.
    titles = conversations.locator("ol.search-results h3").all_inner_texts()
    assert titles.count("One thing that worked this week") == 1
    assert "**" not in page.locator("main").inner_text()

    # "Bid, do not renew" is a line of the November meeting's published record.
    page.get_by_label("Search for").fill("bid")
    page.get_by_label("Show").select_option("meetings")
    page.get_by_role("button", name="Search").click()
    meetings = page.locator("#results-meetings").locator("xpath=..")
    record = meetings.locator("ol.search-results > li").first
    assert "Meeting record" in record.inner_text()
    assert record.locator("mark").first.inner_text().lower().startswith("bid")
    record.locator("h3 a").click()
    page.wait_for_url("**/meetings/**")
    assert page.locator("#summary-h").inner_text() == "Meeting record"
    assert not page.csp_violations and not page.script_errors
