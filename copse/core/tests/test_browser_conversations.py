"""Browser journey: an ask, a quoted reply, a helpful mark, a summary, and search
that finds it for members and for no one else."""

import pytest
from playwright.sync_api import expect

from copse import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_quote_helpful_summary_and_search(open_page):
    community = testing.make_community(slug="sv-cio-cop", name="CIO CoP", visibility="confidential")
    dev = testing.make_user(
        "dev@contoso.example", name="Dev Patel", organisation=testing.make_organisation("Contoso")
    )
    priya = testing.make_user(
        "priya@woodgrove.example",
        name="Priya Nair",
        organisation=testing.make_organisation("Woodgrove"),
    )
    testing.seat(community, dev)
    testing.seat(community, priya)
    elsewhere = testing.make_community(slug="sv-ao-cop", name="A/O CoP", visibility="members")
    ana = testing.make_user("ana@fabrikam.example", name="Ana Alvarez")
    testing.seat(elsewhere, ana)

    asker = open_page(user=dev)
    asker.goto("/c/sv-cio-cop/threads/new/?kind=ask")
    asker.get_by_label("Ask").check()
    asker.get_by_label("Title").fill("Telecom costs are out of control: who has switched carriers?")
    asker.get_by_label("Text (Markdown)").fill(
        "Our telecom bill **doubled** this year.\n\n- mobile\n- data"
    )
    asker.get_by_label("Tags").fill("telecom")
    asker.get_by_role("button", name="Post", exact=True).click()
    expect(asker.get_by_role("heading", level=1)).to_contain_text(
        "Telecom costs are out of control"
    )
    expect(asker.locator(".post__body strong")).to_have_text("doubled")

    replier = open_page(user=priya)
    replier.goto(asker.url)
    replier.get_by_role("link", name="Quote").first.click()
    reply_box = replier.get_by_label("Your reply (Markdown)")
    expect(reply_box).to_have_value(
        "> **Dev Patel** wrote (#0):\n> Our telecom bill **doubled** this year.\n>\n> - mobile\n> - data\n\n"
    )
    reply_box.press("End")
    reply_box.type("We switched carriers and saved 27%.")
    replier.get_by_role("button", name="Post reply").click()
    expect(replier.locator("#post-1 blockquote")).to_contain_text("Our telecom bill")
    expect(replier.locator("#post-1 .post__body")).to_contain_text("saved 27%")

    asker.reload()
    asker.get_by_role("button", name="Mark helpful").click()
    expect(asker.locator("#post-1 .badge", has_text="Helpful")).to_be_visible()
    expect(asker.get_by_text("Answered: 1 helpful reply.")).to_be_visible()
    asker.get_by_role("link", name="Write what I learned").click()
    asker.get_by_label("What I learned").fill("Switching carriers saved a peer **27%**.")
    asker.get_by_role("button", name="Save summary").click()
    expect(asker.get_by_role("heading", name="Take it to your board")).to_be_visible()
    asker.get_by_role("link", name="Printable page").click()
    expect(asker.locator("article")).to_contain_text(
        "I talked to 1 peer from 1 organisation in the CIO CoP."
    )
    expect(asker.locator("article")).not_to_contain_text("Priya")

    replier.goto("/search/?q=switched+carriers")
    # The ask and its reply match: one thread, shown once.
    expect(replier.get_by_role("status")).to_contain_text("Conversations: 1 result.")
    expect(replier.locator(".search-results")).to_contain_text("Telecom costs are out of control")

    outsider = open_page(user=ana)
    outsider.goto("/search/?q=switched+carriers")
    expect(outsider.get_by_role("status")).to_contain_text("0 results")
    expect(outsider.locator("main")).not_to_contain_text("Telecom costs")
    assert not asker.csp_violations and not replier.csp_violations and not outsider.csp_violations
