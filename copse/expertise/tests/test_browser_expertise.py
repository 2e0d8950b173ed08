"""Browser journey: add vendor experience, then find it through "Who has used
X?". A member reaches their own expertise page from their profile, adds an
entry and chooses the one community it shows in; another member of that
community finds it from the community's "Who knows what" page with its
details; a member of a community it was not ticked for, and a former member,
do not. Without JavaScript, at phone width, the same form adds an entry and
the knowledge map does not scroll sideways."""

import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from copse import testing
from copse.conversations.models import Tag
from copse.expertise import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
# Long names make the map wider than a phone, so its own scrolling is tested.
AREAS = [
    "Telecommunications and unified communications",
    "Cloud infrastructure and hosting",
    "Information security and risk",
    "Enterprise architecture",
    "Digital workplace",
]


def cio_world():
    cio = testing.make_community(
        slug="sv-cio-cop", name="CIO CoP", visibility="members", topic_areas=AREAS
    )
    ops = testing.make_community(slug="ops-circle", name="Ops Circle", visibility="members")
    dev = testing.make_user("dev@contoso.example", name="Dev Patel")
    luis = testing.make_user("luis@alpine.example", name="Luis Ortega")
    otto = testing.make_user("otto@fabrikam.example", name="Otto Okafor")
    fred = testing.make_user("fred@tailspin.example", name="Fred Former")
    testing.seat(cio, dev)
    testing.seat(ops, dev)
    testing.seat(cio, luis)
    testing.seat(ops, otto)
    testing.seat(cio, fred, status="left")
    for name, kind in [("Vendor Networks", "vendor"), ("Acme Carrier", "vendor")]:
        Tag.objects.create(community=None, name=name, slug=slugify(name), kind=kind)
    # Something on the map besides the journey's own entries.
    services.declare_expertise(
        actor=luis, community=cio, area=AREAS[0], tag="", level="expert", findable_elsewhere=False
    )
    return cio, ops, dev, luis, otto, fred


def detail(card, term):
    """The description of `term` in a result's list of details."""
    return card.locator(f"dt:text-is('{term}') + dd")


def search_from_who_knows_what(page, community_name, tag_name):
    """From the community's page, as a member would: its "Who knows what"
    page, then the "Who has used it?" form."""
    page.goto("/")
    page.get_by_role("link", name=community_name).first.click()
    page.get_by_role("link", name="Who knows what", exact=True).click()
    expect(page.locator("h1")).to_have_text("Who knows what")
    page.get_by_label("Vendor, product or technology").select_option(label=tag_name)
    page.get_by_role("button", name="Find people").click()
    expect(page.locator("h1")).to_have_text(f"Who has used {tag_name}?")


def open_own_experience_form(page, name):
    """From anywhere, through the header's link to the profile."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
    page.get_by_role("link", name="Your expertise and the vendors you have used").click()
    expect(page.locator("h1")).to_have_text("Your expertise and experience")
    page.get_by_role("link", name="Add experience", exact=True).click()
    expect(page.locator("h1")).to_have_text("Add your experience")


def test_vendor_experience_is_found_through_who_has_used_only_where_it_is_shown(open_page):
    cio, ops, dev, luis, otto, fred = cio_world()

    page = open_page(user=dev)
    open_own_experience_form(page, "Dev Patel")
    page.get_by_label("Vendor, product or technology").select_option(
        label="Vendor Networks (vendor)"
    )
    page.get_by_role("group", name="How long have you used it?").get_by_label(
        "1 to 3 years"
    ).check()
    page.get_by_role("group", name="Would you recommend it?").get_by_label("With caveats").check()
    note = "Insist on a cut-over plan for each site."
    page.get_by_label("A note on that").fill(note)
    page.get_by_label("I am happy to be asked about it").check()
    shown_in = page.get_by_role("group", name="Show it in")
    shown_in.get_by_label("CIO CoP").check()
    expect(shown_in.get_by_label("Ops Circle")).not_to_be_checked()
    # Forgot what it was for: refused beside the field, nothing lost.
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".form-errors")).to_contain_text("what you typed is kept")
    expect(page.locator("#id_purpose_error")).to_have_text(
        "Say what you used it for, in a few words."
    )
    expect(page.get_by_label("A note on that")).to_have_value(note)
    expect(page.get_by_label("Vendor, product or technology")).to_have_value(
        str(Tag.objects.get(slug="vendor-networks").pk)
    )
    expect(shown_in.get_by_label("CIO CoP")).to_be_checked()
    expect(page.get_by_label("I am happy to be asked about it")).to_be_checked()
    page.get_by_label("What for?").fill("SIP trunking at head office")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("h1")).to_have_text("Your expertise and experience")
    expect(page.locator(".messages")).to_contain_text(
        "Your experience with Vendor Networks is saved, shown in CIO CoP."
    )
    card = page.locator("#experience .card", has_text="Vendor Networks")
    expect(card).to_contain_text("1 to 3 years, for SIP trunking at head office.")
    expect(card).to_contain_text("Shown in CIO CoP.")

    # A member of the same community finds Dev, with the entry's details.
    finder = open_page(user=luis)
    search_from_who_knows_what(finder, "CIO CoP", "Vendor Networks")
    found = finder.locator(".card", has_text="Dev Patel")
    expect(found).to_have_count(1)
    expect(detail(found, "Used it")).to_have_text("1 to 3 years, for SIP trunking at head office")
    expect(detail(found, "Would recommend it")).to_have_text(f"With caveats: {note}")
    expect(detail(found, "Happy to be asked")).to_have_text("Yes")
    expect(detail(found, "Shared in")).to_have_text("CIO CoP")
    found.get_by_role("link", name="Dev Patel").click()
    expect(finder.locator("h1")).to_have_text("Dev Patel")
    expect(finder.locator("main")).to_contain_text("Vendor Networks")
    # And back to the community the search started from.
    finder.go_back()
    finder.get_by_role("link", name="Who knows what in CIO CoP").click()
    expect(finder.locator("h1")).to_have_text("Who knows what")
    expect(
        finder.get_by_role("link", name="Who has used Vendor Networks? (1 member)")
    ).to_be_visible()

    # Dev shares Ops Circle with Otto but did not tick it: Otto finds nobody.
    outsider = open_page(user=otto)
    search_from_who_knows_what(outsider, "Ops Circle", "Vendor Networks")
    expect(outsider.locator("main")).not_to_contain_text("Dev Patel")
    expect(outsider.locator("main")).to_contain_text(
        "Nobody in your communities has said they used Vendor Networks yet."
    )
    outsider.goto(f"/people/{dev.handle}/")
    expect(outsider.locator("h1")).to_have_text("Dev Patel")
    expect(outsider.locator("main")).not_to_contain_text("Vendor Networks")

    # A former member of the CIO CoP no longer reaches its map, nor finds Dev.
    former = open_page(user=fred)
    response = former.goto(f"/c/{cio.slug}/who-knows-what/")
    assert response.status == 404
    former.goto("/who-has-used/?tag=vendor-networks")
    expect(former.locator("h1")).to_have_text("Who has used Vendor Networks?")
    expect(former.locator("main")).not_to_contain_text("Dev Patel")

    # Without JavaScript, on a phone: the same form adds a second entry, this
    # one shown in both communities, and now Otto finds it.
    plain = open_page(user=dev, javascript=False, viewport=PHONE)
    open_own_experience_form(plain, "Dev Patel")
    plain.get_by_label("Vendor, product or technology").select_option(label="Acme Carrier (vendor)")
    plain.get_by_role("group", name="How long have you used it?").get_by_label(
        "Less than a year"
    ).check()
    plain.get_by_label("What for?").fill("Mobile fleet")
    plain.get_by_role("group", name="Would you recommend it?").get_by_label("Yes").check()
    plain.get_by_role("group", name="Show it in").get_by_label("CIO CoP").check()
    plain.get_by_role("group", name="Show it in").get_by_label("Ops Circle").check()
    plain.get_by_role("button", name="Save").click()
    expect(plain.locator(".messages")).to_contain_text(
        "Your experience with Acme Carrier is saved, shown in CIO CoP and Ops Circle."
    )
    expect(plain.locator("#experience .card", has_text="Acme Carrier")).to_contain_text(
        "Shown in CIO CoP, Ops Circle."
    )
    outsider.goto("/")
    search_from_who_knows_what(outsider, "Ops Circle", "Acme Carrier")
    expect(detail(outsider.locator(".card", has_text="Dev Patel"), "Used it")).to_have_text(
        "Less than a year, for Mobile fleet"
    )

    # The knowledge map on a phone: the wide grid scrolls inside its own
    # region; the page itself does not scroll sideways.
    plain.goto("/")
    plain.get_by_role("link", name="CIO CoP").first.click()
    plain.get_by_role("link", name="Who knows what", exact=True).click()
    grid = plain.get_by_role("region", name="Knowledge map of CIO CoP")
    expect(grid).to_contain_text("Luis Ortega")
    expect(grid.locator("tr", has_text="Luis Ortega")).to_contain_text("Expert")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth"), "the map should be wider"
    width = plain.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the knowledge map page scrolls sideways: {width}px wide"

    for used in (page, finder, outsider, former, plain):
        assert not used.csp_violations, used.csp_violations
    for used in (page, finder, outsider, former):
        assert not used.script_errors, used.script_errors
