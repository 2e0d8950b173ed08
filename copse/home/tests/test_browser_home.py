"""Home, a community's home and Manage members in Chromium, at 1,280 px and
on a 375 px phone: signing in lands on Home with every section, nothing
scrolls the page sideways, and a mail link survives signing in."""

import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.conversations.models import Thread
from copse.core.tests.browser import PHONE
from copse.home.tests.world import HomeWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
SECTIONS = (
    "New since your last visit",
    "Waiting for your answer",
    "Your next meetings",
    "Topics open for voting",
    "Norms to accept",
    "Waiting for you as facilitator",
    "Your communities",
)
PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


def assert_clean(page) -> None:
    assert page.csp_violations == [], page.csp_violations
    assert page.script_errors == [], page.script_errors
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), f"{page.url} scrolls sideways"


def sign_in(page, email: str) -> None:
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(testing.PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_signing_in_lands_on_home_with_every_section(open_page, viewport):
    world = HomeWorld(communities=2)
    page = open_page(viewport=viewport)
    page.goto("/accounts/login/")
    sign_in(page, world.viewer.email)
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    for name in SECTIONS:
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Who has moved carriers? (1)")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Answer now"))).to_have_count(2)
    expect(page.get_by_role("link", name="Read and accept them")).to_be_visible()
    # Home is the first link of the navigation.
    expect(page.locator(".site-nav ul a").first).to_have_text("Home")
    aside = page.locator("aside.layout__side").bounding_box()
    main = page.locator(".layout__main").first.bounding_box()
    if viewport is DESKTOP:
        assert aside["x"] > main["x"] + main["width"] - 1  # beside the content
    else:
        assert aside["y"] >= main["y"] + main["height"] - 1  # after it
    page.get_by_role("link", name=re.compile("Answer now")).first.click()
    expect(page.get_by_role("heading", name="Are you coming?")).to_be_visible()
    assert_clean(page)


def test_a_mail_link_leads_through_sign_in_to_the_thread(open_page):
    world = HomeWorld(communities=1)
    thread = Thread.objects.get(title="Who has moved carriers? (0)")
    page = open_page()
    page.goto(thread.get_absolute_url())
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, world.viewer.email)
    expect(page).to_have_url(re.compile(re.escape(thread.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who has moved carriers? (0)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_community_home_and_manage_members_fit_the_screen(open_page, viewport):
    world = HomeWorld(communities=1)
    community = world.communities[0]
    # Long names and addresses are what push a page wider than a phone.
    for n in range(3):
        person = testing.make_user(
            f"a.very.long.address.for.someone.{n}@a-long-organisation-name.example",
            name=f"Alexandra Montgomery-Fitzwilliam {n}",
            job_title="Director of Enterprise Applications and Operations",
        )
        testing.seat(community, person)
    asker = testing.make_user(
        "someone.asking.to.join.with.a.long.address@a-long-organisation-name.example",
        name="Bartholomew Asking-To-Join",
    )
    testing.request_join(community, asker)
    testing.invite_email(
        community, "an.invited.person.with.a.long.address@another-long-organisation.example"
    )
    guest = testing.make_user(
        "a.guest.presenter.with.a.long.address@a-vendor-with-a-long-name.example",
        name="Gwendolyn Guest-Presenter",
    )
    testing.seat(community, guest, role="guest_presenter")
    page = open_page(viewport=viewport, user=world.viewer)
    page.goto(community.get_absolute_url())
    expect(page.get_by_role("heading", name="Next meeting")).to_be_visible()
    expect(page.get_by_role("heading", name="Top topics")).to_be_visible()
    expect(page.get_by_role("link", name="Mail Copse sent you")).to_be_visible()
    main = page.locator(".layout__main").bounding_box()
    aside = page.locator("aside.layout__side").bounding_box()
    if viewport is DESKTOP:
        assert aside["x"] > main["x"] + main["width"] - 1
    else:
        assert aside["y"] >= main["y"] + main["height"] - 1
    assert_clean(page)
    page.get_by_role("link", name=re.compile("Manage members")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Manage members")
    expect(
        page.get_by_role("cell", name=re.compile("^Alexandra Montgomery-Fitzwilliam 2"))
    ).to_be_visible()
    assert_clean(page)
