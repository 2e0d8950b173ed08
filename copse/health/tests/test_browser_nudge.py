"""The quiet-member journey in Chromium against a live server: a facilitator
opens Health from the community's home, finds the quiet members, edits the
kind nudge for one and sends it; the member finds it in their notifications
(on a phone, without JavaScript) and reads it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from copse.health.models import Nudge
from copse.health.tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def assert_clean(*pages) -> None:
    for page in pages:
        assert page.csp_violations == [], page.csp_violations
        assert page.script_errors == [], page.script_errors


def test_a_facilitator_finds_the_quiet_members_and_nudges_one(open_page):
    world = World()
    thread = world.thread(world.mona, days_ago=3, title="Carrier contracts")
    world.post(thread, world.max, days_ago=2)
    fay = open_page(user=world.fay)
    quinn = open_page(user=world.quinn, viewport=PHONE, javascript=False)

    fay.goto(world.community.get_absolute_url())
    fay.get_by_role("link", name="Health", exact=True).click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Health of CIO CoP")
    quiet = fay.get_by_role("region", name="Quiet members")
    # Mona and Max posted this week; Quinn has said nothing for months.
    expect(quiet.get_by_role("heading", name="Quinn Quiet")).to_be_visible()
    expect(quiet.get_by_role("heading", name="Mona Member")).to_have_count(0)
    card = fay.locator(f"#quiet-{world.quinn.pk}")
    card.get_by_text("Send a kind nudge").click()
    words = card.get_by_label("Your note")
    expect(words).to_have_value(
        "Hello Quinn Quiet,\n\nWe have missed you in CIO CoP lately."
        " No pressure at all: if there is something you are working on, or a question you "
        "would like the group's help with, we would love to hear it. And if the timing or "
        "format of our meetings does not suit you, tell me and we will look at it.\n\n"
        "Warm regards,\nFay Facilitator"
    )
    words.fill("Hello Quinn,\n\nWe miss your questions. Lunch on Friday?\n\nFay")
    card.get_by_role("button", name="Send the nudge to Quinn Quiet").click()
    expect(fay.get_by_text("Your note to Quinn Quiet is on its way")).to_be_visible()
    expect(fay.locator(f"#quiet-{world.quinn.pk}")).to_contain_text("Nudged")
    expect(fay.locator(f"#quiet-{world.quinn.pk}")).to_contain_text("you can nudge them again")
    log = fay.get_by_role("region", name="Nudges sent")
    expect(log.get_by_role("rowheader", name="Quinn Quiet")).to_be_visible()

    nudge = Nudge.objects.get()
    assert nudge.body == "Hello Quinn,\n\nWe miss your questions. Lunch on Friday?\n\nFay"
    assert [m.to for m in mail.outbox] == [[world.quinn.email]]

    quinn.goto("/notifications/")
    quinn.get_by_role("link", name="Fay Facilitator sent you a personal note").click()
    expect(quinn.get_by_role("heading", level=1)).to_have_text("A note from Fay Facilitator")
    expect(quinn.get_by_text("We miss your questions. Lunch on Friday?")).to_be_visible()
    assert quinn.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_clean(fay, quinn)
