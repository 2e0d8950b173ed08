"""On leave is two-way: a member goes on leave, sees that they are, and comes
back with one button (at a desktop's width and a phone's)."""

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.core.tests.browser import PHONE
from copse.memberships.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_member_goes_on_leave_and_comes_back(open_page, viewport):
    community = testing.make_community(slug="ao-cop", name="Applications and Operations")
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    member = testing.make_user(name="Maria Lopez")
    testing.seat(community, member)
    page = open_page(viewport=viewport, user=member)

    page.goto(community.get_absolute_url())
    expect(page.locator("main")).not_to_contain_text("You are on leave")
    page.get_by_role("button", name="Go on leave").click()

    expect(page.locator(".messages")).to_contain_text("You are on leave")
    notice = page.locator(".on-leave")
    expect(notice).to_contain_text("You are on leave from Applications and Operations")
    assert Membership.objects.get(community=community, user=member).status == "on_leave"

    notice.get_by_role("button", name="Come back").click()
    expect(page.locator(".messages")).to_contain_text(
        "Welcome back to Applications and Operations."
    )
    expect(page.locator(".on-leave")).to_have_count(0)
    expect(page.get_by_role("button", name="Go on leave")).to_be_visible()
    assert Membership.objects.get(community=community, user=member).status == "active"
    assert page.csp_violations == [] and page.script_errors == []
