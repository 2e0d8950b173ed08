"""Two people write an SOP together in a real browser each, save the same
section at once without losing a word, review each other's sections, and the
facilitator publishes it to the library with credit to both."""

import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.library.models import LibraryItem

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_two_people_write_an_sop_review_it_and_publish_it(open_page, live_server):
    community = testing.make_community(slug="admins", name="Administrators' CoP")
    chemistry = testing.make_organisation("Chemistry", kind="unit")
    joanne = testing.make_user("joanne@university.example", name="Joanne Whitfield")
    karen = testing.make_user("karen@university.example", name="Karen Liu", organisation=chemistry)
    testing.seat(community, joanne, role="facilitator")
    testing.seat(community, karen)
    jo = open_page(user=joanne)
    # Karen has JavaScript off: every step works as a plain form.
    ka = open_page(user=karen, javascript=False)

    # Joanne starts the project from the library.
    jo.goto("/c/admins/library/")
    jo.get_by_role("link", name="Documentation projects").click()
    jo.get_by_role("link", name="Start a project").click()
    jo.locator("#id_title").fill("SOP: booking visiting speakers")
    jo.get_by_label("Goal (Markdown)").fill("One way for every faculty.")
    jo.get_by_label("Sections, one title a line").fill("Before the visit\nOn the day")
    jo.get_by_role("button", name="Start the project").click()
    expect(jo.locator("h1")).to_have_text("SOP: booking visiting speakers")
    project_url = jo.url

    # She gives "On the day" to Karen.
    jo.get_by_role("link", name="On the day").click()
    jo.get_by_role("link", name="Section settings").click()
    jo.get_by_label("Owner").select_option(label="Karen Liu")
    jo.get_by_role("button", name="Save").click()
    expect(jo.locator("tbody tr").nth(1)).to_contain_text("Karen Liu")

    # Both open "Before the visit" to write; Joanne saves first.
    jo.get_by_role("link", name="Before the visit").click()
    jo.get_by_role("link", name="Edit the text").click()
    ka.goto(project_url)
    ka.get_by_role("link", name="Before the visit").click()
    ka.get_by_role("link", name="Edit the text").click()
    jo.get_by_label("Text (Markdown)").fill("1. Agree the dates with the host.")
    jo.get_by_role("button", name="Save").click()
    expect(jo.locator(".messages")).to_contain_text("Saved as revision 1.")

    # Karen's save is refused: both texts shown, hers kept in the form.
    ka.get_by_label("Text (Markdown)").fill("1. Book the room early.")
    ka.get_by_role("button", name="Save").click()
    expect(ka.locator(".form-errors")).to_contain_text(
        "Joanne Whitfield saved a newer version of this section while you were writing"
    )
    expect(ka.get_by_label("Their text, to copy from")).to_have_value(
        "1. Agree the dates with the host."
    )
    expect(ka.get_by_label("Text (Markdown)")).to_have_value("1. Book the room early.")
    ka.get_by_label("Text (Markdown)").fill(
        "1. Agree the dates with the host.\n2. Book the room early."
    )
    ka.get_by_label("Ready for review").check()
    ka.get_by_role("button", name="Save").click()
    expect(ka.locator(".messages")).to_contain_text("Saved as revision 2.")
    expect(ka.locator(".badge").first).to_have_text("In review")

    # Karen writes her own section and asks for review from its page.
    ka.goto(project_url)
    ka.get_by_role("link", name="On the day").click()
    ka.get_by_role("link", name="Edit the text").click()
    ka.get_by_label("Text (Markdown)").fill("- Meet the speaker at reception.")
    ka.get_by_role("button", name="Save").click()
    ka.get_by_role("button", name="Ask for review").click()
    expect(ka.locator(".messages")).to_contain_text("The section is in review now.")

    # Joanne reviews: a comment, then approval of both sections.
    jo.goto(project_url)
    expect(jo.locator("#open-h + ul")).to_contain_text("is waiting for review")
    jo.get_by_role("link", name="On the day").click()
    jo.get_by_label("Your comment (Markdown)").fill("Say who meets them.")
    jo.get_by_role("button", name="Add the comment").click()
    expect(jo.locator("#comments-h")).to_have_text("Comments (1)")
    jo.get_by_role("button", name="Approve revision 1").click()
    expect(jo.locator(".messages")).to_contain_text("You approved “On the day”.")
    jo.goto(project_url)
    jo.get_by_role("link", name="Before the visit").click()
    jo.get_by_role("button", name="Approve revision 2").click()
    jo.goto(project_url)
    expect(jo.locator("#open-h ~ p").first).to_contain_text("Every section is approved.")

    # And publishes it: an SOP in the library crediting both.
    jo.get_by_role("link", name="Publish", exact=True).click()
    expect(jo.locator("main")).to_contain_text("Karen Liu, Chemistry")
    jo.get_by_role("button", name="Publish to the library").click()
    expect(jo).to_have_url(re.compile(r"/library/\d+/$"))
    expect(jo.locator("h1")).to_have_text("SOP: booking visiting speakers")
    expect(jo.locator("main")).to_contain_text("By Joanne Whitfield; Karen Liu, Chemistry")
    item = LibraryItem.objects.get()
    assert item.kind == "sop"
    body = item.versions.get().body_markdown
    assert body.index("## Before the visit") < body.index("## On the day")
    assert "2. Book the room early." in body

    # The project links to what it published.
    ka.goto(project_url)
    expect(ka.get_by_role("link", name="SOP: booking visiting speakers")).to_have_attribute(
        "href", item.get_absolute_url()
    )
    for page in (jo, ka):
        assert page.csp_violations == [] and page.script_errors == []
