"""A join request decided by the members, in a real browser: someone asks to
join a community whose members decide, a member and the facilitator agree
on the admission proposal, it closes at its deadline, and the requester is
now a member who sees the community."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.decisions import services
from copse.decisions.models import Proposal
from copse.memberships.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_join_request_decided_by_the_members(open_page):
    guild = testing.make_community(
        slug="guild",
        name="Principals' Guild",
        visibility="members",
        join_policy="members",
        goals="Share what works in our schools.",
    )
    fay = testing.make_user("fay@schools.example", name="Fay Facilitator")
    mona = testing.make_user("mona@schools.example", name="Mona Member")
    lakeside = testing.make_organisation("Lakeside Primary", kind="school")
    rita = testing.make_user("rita@lakeside.example", name="Rita Reyes", organisation=lakeside)
    testing.seat(guild, fay, role="facilitator")
    testing.seat(guild, mona)

    # Rita asks to join and is told the members decide.
    page = open_page(user=rita)
    page.goto("/c/guild/")
    page.get_by_role("link", name="Ask to join").click()
    page.get_by_label("A note for the members").fill(
        "I lead a primary school of 400 and would like to learn from peers."
    )
    page.get_by_role("button", name="Send my request").click()
    expect(page.locator(".messages")).to_contain_text("Your request is with the members")
    expect(page.locator("#my-request")).to_contain_text("Your request is with the members")
    proposal = Proposal.objects.get(kind="admission")
    # What the members say about her is theirs: she cannot open the proposal.
    assert page.goto(proposal.get_absolute_url()).status == 404

    # Mona agrees on the proposal page.
    page = open_page(user=mona)
    page.goto(proposal.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Admit Rita Reyes (Lakeside Primary)")
    expect(page.locator("main")).to_contain_text("learn from peers")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Save my position").click()
    expect(page.locator(".messages")).to_be_visible()

    # Fay finds it from the members page: the members are deciding.
    page = open_page(user=fay)
    page.goto("/c/guild/manage/")
    waiting = page.locator("li.card", has_text="Rita Reyes")
    expect(waiting).to_contain_text("The members are deciding.")
    expect(waiting.get_by_role("button", name="Approve")).to_have_count(0)
    waiting.get_by_role("link", name=re.compile("Answer the admission proposal")).click()
    expect(page).to_have_url(re.compile(rf"/c/guild/decisions/{proposal.pk}/$"))
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Save my position").click()
    expect(page.locator("main")).to_contain_text("Mona Member")

    # The deadline passes: the closing task runs later than the deadline.
    closed = services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(minutes=1))
    assert closed.status == "passed"
    seat = Membership.objects.get(community=guild, user=rita)
    assert seat.seated_via == "members_decided"

    # Rita is a member now, and reads the community.
    page = open_page(user=rita)
    page.goto("/c/guild/")
    expect(page.locator("main")).to_contain_text("You are a member")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    expect(page.locator("#my-request")).to_have_count(0)
