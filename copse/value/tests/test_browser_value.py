"""The value journey in Chromium against a live server: the asker marks a
reply helpful, is asked whether it saved time or money, records a realised
story with money and hours, and finds it on the community's value page.
Then, without JavaScript at phone size, "Not now" on a meeting's question."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copse import testing
from copse.conversations import services as conversations
from copse.value.models import ValuePrompt, ValueStory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_clean(*pages) -> None:
    for page in pages:
        assert page.csp_violations == [], page.csp_violations
        assert page.script_errors == [], page.script_errors


def cio():
    community = testing.make_community(
        slug="sv-cio-cop", name="Silicon Valley CIO CoP", visibility="confidential"
    )
    dev = testing.make_user("dev@contoso.example", name="Dev Patel")
    priya = testing.make_user("priya@woodgrove.example", name="Priya Nair")
    testing.seat(community, dev)
    testing.seat(community, priya)
    ask = conversations.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Telecom costs are out of control: who has switched carriers?",
        body="Our bill doubled. Has anyone renegotiated?",
    )
    conversations.post_reply(
        actor=priya, thread=ask, body="We ran a bid across three carriers: 27% lower."
    )
    return community, dev, priya, ask


def test_the_asker_marks_a_reply_helpful_and_records_what_it_saved(open_page):
    community, dev, _, ask = cio()
    page = open_page(user=dev)
    page.goto(ask.get_absolute_url())
    page.get_by_role("button", name="Mark helpful").click()

    prompt = page.get_by_role("region", name="Did this save you time or money?")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("You marked a reply helpful in this conversation")
    prompt.get_by_role("link", name="Record it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Record a value story")
    expect(page.get_by_label("Realised: it made a difference", exact=False)).to_be_checked()
    expect(page.get_by_label(ask.title)).to_be_checked()
    page.get_by_label("What happened, in a line").fill("Renegotiated: $250K a year saved")
    page.get_by_label("The story").fill("An **audit** first, then a bid across three carriers.")
    page.get_by_label("Money saved").fill("250000")
    page.get_by_role("button", name="Record the story").click()
    # No currency: the form comes back with the reason and everything typed.
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_text("Say which currency the money was saved in")).to_be_visible()
    expect(page.get_by_label("Money saved")).to_have_value("250000")
    page.get_by_label("Currency").fill("usd")
    page.get_by_label("Hours saved", exact=True).fill("40")
    page.get_by_label("The community: every member may read it").check()
    page.get_by_role("button", name="Record the story").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Renegotiated: $250K a year saved")
    expect(page.get_by_text("Saved USD 250,000")).to_be_visible()
    expect(page.get_by_text("40 hours saved")).to_be_visible()
    expect(page.locator(".post__body strong")).to_have_text("audit")
    expect(page.get_by_role("link", name=ask.title)).to_be_visible()

    page.get_by_role("link", name="← Value stories in Silicon Valley CIO CoP").click()
    expect(page.get_by_role("link", name="Renegotiated: $250K a year saved")).to_be_visible()
    expect(page.locator("dl.tally")).to_contain_text("USD 250,000")
    story = ValueStory.objects.get()
    assert (story.currency, story.sharing, story.cycle) == ("USD", "community", "realised")

    # Asked once: the thread no longer asks.
    page.goto(ask.get_absolute_url())
    expect(page.get_by_text("Did this save you time or money?")).to_have_count(0)
    assert_clean(page)


def test_not_now_works_with_and_without_javascript(open_page):
    from copse.meetings.models import Meeting

    community, dev, _, _ = cio()
    prompts = []
    for n in range(2):
        starts = timezone.now() - dt.timedelta(days=3 + n)
        meeting = Meeting.objects.create(
            community=community,
            title=f"Meeting at Litware {n}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
        )
        prompts.append(
            ValuePrompt.objects.create(
                user=dev, community=community, kind="attended", meeting=meeting
            )
        )

    phone = open_page(user=dev, javascript=False, viewport={"width": 375, "height": 740})
    phone.goto(community.get_absolute_url())
    phone.get_by_role("button", name=re.compile("Not now .* Meeting at Litware 1")).click()
    expect(phone.get_by_text("Noted: we will not ask about this again.")).to_be_visible()
    expect(phone.get_by_text("Meeting at Litware 1")).to_have_count(0)

    desktop = open_page(user=dev)
    desktop.goto(community.get_absolute_url())
    desktop.get_by_role("button", name=re.compile("Not now .* Meeting at Litware 0")).click()
    expect(desktop.get_by_role("status").filter(has_text="we will not ask")).to_be_visible()
    for prompt in prompts:
        prompt.refresh_from_db()
        assert prompt.dismissed_at is not None
    assert_clean(phone, desktop)
