"""Journeys through a real browser against a live server: signing up and joining,
being invited, meeting a hidden page, and using Copse on a phone without
JavaScript."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from copse import testing
from copse.communities.models import Community
from copse.core.tests.browser import (
    PHONE,
    UNLABELLED_CONTROLS,
    link_in,
    path_of,
    wait_for_mail,
)
from copse.memberships.models import Membership
from copse.norms.services import publish_norms

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSPHRASE = "moss-on-the-north-side-42"
NORMS = (
    "- Share drafts early; nobody's first version is polished.\n"
    "- Credit whoever you adapted from.\n"
    "- What is said in a meeting stays in the meeting."
)


def community_with_norms(**fields) -> Community:
    """A community with a facilitator who has published a first version of the norms."""
    community = testing.make_community(**fields)
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    publish_norms(actor=facilitator, community=community, body=NORMS, change_note="")
    community.refresh_from_db()
    return community


def signed_in_as(page, name: str) -> None:
    header = page.locator("header.site-header")
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    expect(header.get_by_role("link", name=name)).to_be_visible()


def test_newcomer_signs_up_verifies_the_address_and_joins_an_open_community(open_page, live_server):
    community = community_with_norms(
        slug="designers",
        name="Instructional Designers",
        visibility=Community.Visibility.OPEN,
        join_policy=Community.JoinPolicy.OPEN,
    )
    email = "nadia@college.example"
    page = open_page()

    page.goto("/accounts/signup/")
    page.locator("#id_display_name").fill("Nadia Haddad")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSPHRASE)
    page.locator("#id_password2").fill(PASSPHRASE)
    page.locator("main form").get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    verification = wait_for_mail(email, "confirm")
    page.goto(path_of(link_in(verification, "/accounts/confirm-email/")))
    page.get_by_role("button", name="Confirm").click()
    signed_in_as(page, "Nadia Haddad")

    page.goto(community.get_absolute_url())
    page.get_by_role("link", name="Join Instructional Designers").click()
    expect(page).to_have_url(re.compile(r"/c/designers/join/$"))
    expect(page.locator(".norms")).to_contain_text("Credit whoever you adapted from.")
    join = page.get_by_role("button", name="Join Instructional Designers")

    # Without the box ticked: an error, still on the form, not a member.
    join.click()
    expect(page).to_have_url(re.compile(r"/c/designers/join/$"))
    expect(page.locator(".field--error")).to_contain_text("Please accept the norms to join.")
    assert not Membership.objects.filter(community=community, user__email=email).exists()

    page.get_by_label("I have read these norms and agree to keep them").check()
    join.click()
    expect(page).to_have_url(re.compile(r"/c/designers/$"))
    expect(page.locator(".messages")).to_contain_text("Welcome to Instructional Designers.")
    expect(page.locator("h1")).to_have_text("Instructional Designers")
    membership = Membership.objects.get(community=community, user__email=email)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.norms_accepted == community.norms_version == 1
    assert page.csp_violations == [] and page.script_errors == []


def test_invitee_without_an_account_signs_up_through_the_link_and_lands_in_the_community(
    open_page, live_server, settings
):
    # The invitation mail links to BASE_URL; point it at the live server.
    settings.BASE_URL = live_server.url
    community = community_with_norms(
        slug="ao-cop",
        name="Applications and Operations",
        visibility=Community.Visibility.MEMBERS,
        join_policy=Community.JoinPolicy.INVITATION,
    )
    facilitator = testing.make_user("maria@northwind.example", name="Maria Northwind")
    testing.seat(community, facilitator, role="facilitator")
    invitee = "omar@contoso.example"
    page = open_page()

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(facilitator.email)
    page.locator("#id_password").fill(testing.PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("sign in", re.I)).click()
    signed_in_as(page, "Maria Northwind")

    page.goto("/c/ao-cop/manage/")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email address").fill(invitee)
    page.get_by_role("button", name="Send invitation").click()
    expect(page).to_have_url(re.compile(r"/c/ao-cop/manage/$"))
    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {invitee}.")

    invitation_link = link_in(
        wait_for_mail(invitee, "Applications and Operations"), "/invitations/"
    )
    mail.outbox.clear()
    page.locator("header.site-header").get_by_role("button", name="Sign out").click()
    expect(page.locator("header.site-header").get_by_role("link", name="Sign in")).to_be_visible()

    page.goto(invitation_link)
    expect(page.locator("main")).to_contain_text(f"This invitation was sent to {invitee}")
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    page.locator("#id_display_name").fill("Ines Invitee")
    page.locator("#id_email").fill(invitee)
    page.locator("#id_password1").fill(PASSPHRASE)
    page.locator("#id_password2").fill(PASSPHRASE)
    page.locator("main form").get_by_role("button", name=re.compile("sign up", re.I)).click()

    # The link proved the address: no second verification, straight back to the invitation.
    expect(page).to_have_url(invitation_link)
    expect(page.locator("h1")).to_have_text("You are invited to Applications and Operations")
    assert not [m for m in mail.outbox if "confirm" in m.subject.lower()], [
        m.subject for m in mail.outbox
    ]
    expect(page.locator(".norms")).to_contain_text(
        "What is said in a meeting stays in the meeting."
    )
    page.get_by_label("I have read these norms and agree to keep them").check()
    page.get_by_role("button", name="Accept and join").click()

    expect(page).to_have_url(re.compile(r"/c/ao-cop/$"))
    expect(page.locator(".messages")).to_contain_text("Welcome to Applications and Operations.")
    expect(page.locator("main")).to_contain_text("You are a member")
    membership = Membership.objects.get(community=community, user__email=invitee)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.norms_accepted == community.norms_version
    assert page.csp_violations == [] and page.script_errors == []


def test_confidential_member_list_is_the_same_styled_not_found_page_as_a_missing_slug(
    open_page, live_server
):
    circle = testing.make_community(
        slug="cio-circle",
        name="Silicon Valley CIO Circle",
        visibility=Community.Visibility.CONFIDENTIAL,
        listed=False,
    )
    testing.seat(circle, testing.make_user("dev@contoso.example", name="Dev Contoso"))
    outsider = testing.make_user("ana@fabrikam.example", name="Ana Fabrikam")
    page = open_page(user=outsider)

    hidden = page.goto("/c/cio-circle/members/")
    assert hidden.status == 404
    hidden_main = page.locator("main").inner_html()
    hidden_title = page.title()
    html = page.content()
    assert "Silicon Valley CIO Circle" not in html and "Dev Contoso" not in html
    header_colour = page.locator("header.site-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )

    missing = page.goto("/c/no-such-circle/members/")
    assert missing.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert page.title() == hidden_title == "Page not found · Copse"
    assert page.locator("main").inner_html() == hidden_main
    # Styled: the stylesheet loaded and the page wears the site's colours.
    assert header_colour == "rgb(22, 79, 51)"
    assert (
        page.locator("header.site-header").evaluate("el => getComputedStyle(el).backgroundColor")
        == header_colour
    )
    assert page.locator(".error-page").evaluate("el => getComputedStyle(el).textAlign") == "center"
    assert page.csp_violations == [] and page.script_errors == []


def assert_fits_a_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px wide"


def assert_skip_link_leads_to_main(page) -> None:
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link", f"first focusable element is .{focused}, not the skip link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_member_on_a_phone_can_read_join_and_skip_to_content_with_a_strict_csp(
    open_page, live_server
):
    home = community_with_norms(
        slug="admins",
        name="Administrators' Community of Practice",
        visibility=Community.Visibility.MEMBERS,
        meeting_cadence="Every other Thursday, 12:00–13:00",
        eligibility="Administrative role at the university",
    )
    other = community_with_norms(
        slug="designers",
        name="Instructional Designers",
        visibility=Community.Visibility.OPEN,
        join_policy=Community.JoinPolicy.OPEN,
    )
    lee = testing.make_user("lee@university.example", name="Lee Ramírez-Okonkwo")
    testing.seat(home, lee)
    page = open_page(viewport=PHONE, user=lee)

    page.goto("/communities/")
    expect(page.locator("h1")).to_have_text("Communities")
    assert_fits_a_phone(page)
    assert_skip_link_leads_to_main(page)
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    page.goto(home.get_absolute_url())
    expect(page.locator("main")).to_contain_text("You are a member")
    assert_fits_a_phone(page)
    page.screenshot(path="/tmp/copse-home-phone.png", full_page=True)
    assert_skip_link_leads_to_main(page)

    page.goto("/c/designers/join/")
    assert_fits_a_phone(page)
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert page.locator("main form input[type=checkbox]").count() == 1
    assert page.csp_violations == [], page.csp_violations
    assert page.script_errors == [], page.script_errors

    # Without JavaScript the same join works as a plain form post.
    plain = open_page(viewport=PHONE, javascript=False, user=lee)
    plain.goto("/c/designers/join/")
    assert plain.evaluate("typeof window.htmx") == "undefined", "scripts ran"
    plain.get_by_role("button", name="Join Instructional Designers").click()
    expect(plain.locator(".field--error")).to_contain_text("Please accept the norms to join.")
    plain.get_by_label("I have read these norms and agree to keep them").check()
    plain.get_by_role("button", name="Join Instructional Designers").click()
    expect(plain).to_have_url(re.compile(r"/c/designers/$"))
    expect(plain.locator(".messages")).to_contain_text("Welcome to Instructional Designers.")
    assert_fits_a_phone(plain)
    assert plain.csp_violations == []
    membership = Membership.objects.get(community=other, user=lee)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.norms_accepted == 1
