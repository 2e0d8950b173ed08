"""A library journey in Chromium against a live server: Margaret uploads her
visiting-speaker template to the Administrators' library, Karen adapts it
into Chemistry's, and the credit shows on both: "Adapted from Visiting
speaker template by Margaret Osei, Office of the President" on the
adaptation, "Adapted in 1 community" on the original."""

import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.library.models import LibraryItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_template_adapt_it_from_another_community_and_see_the_credit_on_both(
    open_page, tmp_path
):
    admins = testing.make_community(slug="admins", name="Administrators' CoP")
    chemistry = testing.make_community(slug="chemistry", name="Chemistry Admin")
    margaret = testing.make_user(
        "margaret@example.com",
        name="Margaret Osei",
        organisation=testing.make_organisation("Office of the President", kind="unit"),
    )
    karen = testing.make_user(
        "karen@example.com",
        name="Karen Liu",
        organisation=testing.make_organisation("Department of Chemistry", kind="unit"),
    )
    testing.seat(admins, margaret)
    testing.seat(admins, karen)
    testing.seat(chemistry, karen)
    template = tmp_path / "visiting-speaker.md"
    template.write_text("# Visiting speaker\n\n- Travel booked\n- Honoraria form signed\n")

    # Margaret uploads the template.
    page = open_page(user=margaret)
    page.goto(f"/c/{admins.slug}/")
    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Add to the library").click()
    page.get_by_label("Kind").select_option("template")
    page.get_by_label("Title").fill("Visiting speaker template")
    page.get_by_label("Description").fill("Everything to send a visiting speaker.")
    page.get_by_label("File").set_input_files(str(template))
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visiting speaker template")
    expect(page.get_by_text("By Margaret Osei, Office of the President")).to_be_visible()
    expect(page.get_by_role("link", name="Download visiting-speaker.md").first).to_be_visible()
    original = LibraryItem.objects.get(title="Visiting speaker template")

    # Karen adapts it into Chemistry's library, from the original's page.
    karens = open_page(user=karen)
    karens.goto(original.get_absolute_url())
    karens.get_by_role("link", name="Adapt this").click()
    expect(karens.get_by_text("Margaret Osei, Office of the President").first).to_be_visible()
    karens.get_by_label("Into which community").select_option(label="Chemistry Admin")
    karens.get_by_label("Title").fill("Visiting speaker template (Chemistry)")
    karens.get_by_label("Description").fill("Adds the lab safety induction.")
    karens.get_by_role("button", name="Adapt it").click()
    expect(karens.get_by_role("heading", level=1)).to_have_text(
        "Visiting speaker template (Chemistry)"
    )
    credit = karens.locator("p.credit")
    expect(credit).to_have_text(
        re.compile(
            r"Adapted from Visiting speaker template by Margaret Osei, "
            r"Office of the President, in Administrators' CoP"
        )
    )
    expect(karens.get_by_text("By Karen Liu, Department of Chemistry")).to_be_visible()
    # The file came with it, as its own copy.
    expect(karens.get_by_role("link", name="Download visiting-speaker.md").first).to_be_visible()

    # Back on the original, the adaptation is credited to it.
    credit.get_by_role("link", name="Visiting speaker template").click()
    expect(karens.get_by_role("heading", name="Adapted in 1 community")).to_be_visible()
    expect(karens.get_by_role("link", name="Visiting speaker template (Chemistry)")).to_be_visible()

    # Margaret is not in Chemistry: she sees the count, not the adaptation.
    page.reload()
    expect(page.get_by_role("heading", name="Adapted in 1 community")).to_be_visible()
    expect(page.get_by_text("1 adaptation, none of them where you can read it")).to_be_visible()
    expect(page.get_by_text("Chemistry")).to_have_count(0)

    for p in (page, karens):
        assert p.csp_violations == [], p.csp_violations
        assert p.script_errors == [], p.script_errors
