"""A site admin founds a confidential community in a real browser: they seat
its first facilitator, are refused when they try to appoint themselves, and
the facilitator finds the admin's action announced when they sign in."""

import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.memberships.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_site_admin_seats_a_first_facilitator_but_never_themselves(open_page):
    admin = testing.make_site_admin(email="ada@programme.example", name="Ada Admin")
    fay = testing.make_user("fay@northwind.example", name="Fay Facilitator")
    page = open_page(user=admin)

    # The programme page: a new confidential community, Fay its first facilitator.
    page.goto("/programme/")
    page.get_by_role("link", name="New community").click()
    page.locator("#id_slug").fill("board-circle")
    page.locator("#id_name").fill("Board Circle")
    page.locator("#id_purpose").fill("Chairs who learn from each other, in confidence.")
    page.locator("#id_visibility").select_option("confidential")
    page.locator("#id_join_policy").select_option("invitation")
    page.locator("#id_facilitators").select_option(label="Fay Facilitator <fay@northwind.example>")
    page.get_by_role("button", name="Create community").click()
    expect(page).to_have_url(re.compile(r"/c/board-circle/$"))
    expect(page.locator(".messages")).to_contain_text("Board Circle is ready")

    # Then they try to appoint themselves, and are refused in plain words.
    page.goto("/programme/")
    row = page.locator("tr", has_text="Board Circle")
    expect(row).to_contain_text("Fay Facilitator")
    row.get_by_role("link", name="Appoint").click()
    page.get_by_label("Email").fill(admin.email)
    page.get_by_role("button", name="Appoint").click()
    expect(page.locator("main")).to_contain_text("You cannot appoint yourself")
    assert not Membership.objects.filter(user=admin).exists()
    seat = Membership.objects.get(user=fay)
    assert (seat.role, seat.seated_by, seat.seated_via) == (
        "facilitator",
        admin,
        "first_facilitator",
    )

    # Fay signs in and finds the admin's action announced.
    page = open_page()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(fay.email)
    page.locator("#id_password").fill(testing.PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    header = page.locator("header.site-header")
    expect(header.get_by_role("link", name=re.compile("Notifications 1 unread"))).to_be_visible()
    header.get_by_role("link", name=re.compile("Notifications")).click()
    announcement = page.get_by_role(
        "link", name=re.compile("Ada Admin seated Fay Facilitator as a first facilitator")
    )
    expect(announcement).to_be_visible()
    announcement.click()
    expect(page).to_have_url(re.compile(r"/c/board-circle/audit/$"))
    expect(page.locator("main")).to_contain_text(
        "Ada Admin seated Fay Facilitator as facilitator of"
    )

    # The member list says who seated her.
    page.goto("/c/board-circle/members/")
    expect(page.locator("tr", has_text="Fay Facilitator")).to_contain_text(
        "Ada Admin (first facilitator)"
    )
