"""A date poll that creates a meeting, in Chromium against a live server: the
facilitator proposes three times in Berlin, two members in California answer
(one without JavaScript), the facilitator picks the best and the meeting is on
the meetings page at that time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copse import testing
from copse.decisions.models import DatePoll
from copse.meetings.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = "Europe/Berlin"
PACIFIC = "America/Los_Angeles"


def test_a_date_poll_finds_the_time_and_puts_the_meeting_on_the_calendar(open_page):
    community = testing.make_community(slug="cio-circle", name="CIO Circle")
    fay = testing.make_user("fay@northwind.example", name="Fay Facilitator", time_zone=BERLIN)
    mona = testing.make_user("mona@contoso.example", name="Mona Member", time_zone=PACIFIC)
    max_ = testing.make_user("max@fabrikam.example", name="Max Member", time_zone=PACIFIC)
    testing.seat(community, fay, role="facilitator")
    testing.seat(community, mona)
    testing.seat(community, max_)
    today = timezone.now().astimezone(ZoneInfo(BERLIN)).date()
    days = [today + dt.timedelta(days=n) for n in (10, 11, 12)]

    # The facilitator proposes three times from the meetings page.
    page = open_page(user=fay)
    page.goto("/c/cio-circle/meetings/")
    page.get_by_role("link", name="Find a time together").click()
    page.get_by_role("link", name="Propose times").first.click()
    page.get_by_label("Title").fill("Spring meeting")
    page.get_by_label("A meeting", exact=True).check()
    expect(page.get_by_label("The times below are in")).to_have_value(BERLIN)
    page.get_by_label("Length in minutes").fill("90")
    for n, day in enumerate(days, start=1):
        page.get_by_label(f"Time {n}: date").fill(day.isoformat())
        page.get_by_label(f"Time {n}: starts").fill("18:00")
    page.get_by_role("button", name="Open the poll").click()
    expect(page.locator(".messages")).to_contain_text("Your date poll is open.")
    expect(page.locator("h1")).to_have_text("Spring meeting")
    poll = DatePoll.objects.get()
    first, second, third = poll.options.all()

    # Mona answers in California: she sees the times on her clocks (09:00
    # most of the year), with Berlin's 18:00 beside them.
    pacific = second.starts_at.astimezone(ZoneInfo(PACIFIC))
    her_time = f"{pacific:%H:%M}–{pacific + dt.timedelta(minutes=90):%H:%M}"
    mona_page = open_page(user=mona)
    mona_page.goto(poll.get_absolute_url())
    legend = mona_page.locator(f"fieldset:has(input[name='answer_{second.pk}']) legend")
    expect(legend).to_contain_text(her_time)
    expect(legend).to_contain_text("18:00 in Europe/Berlin, as proposed")
    for option, answer in ((first, "yes"), (second, "yes"), (third, "no")):
        mona_page.locator(f"input[name='answer_{option.pk}'][value='{answer}']").check()
    mona_page.get_by_role("button", name="Save my answers").click()
    expect(mona_page.locator(".messages")).to_contain_text("Your answers are saved.")

    # Max answers without JavaScript.
    max_page = open_page(user=max_, javascript=False)
    max_page.goto(poll.get_absolute_url())
    for option, answer in ((first, "if_need_be"), (second, "yes"), (third, "no")):
        max_page.locator(f"input[name='answer_{option.pk}'][value='{answer}']").check()
    max_page.get_by_role("button", name="Save my answers").click()
    expect(max_page.locator(".messages")).to_contain_text("Your answers are saved.")
    table = max_page.get_by_role("table")
    expect(table.get_by_role("row", name="Mona Member")).to_contain_text("Yes")
    expect(table.locator(f"#option-{second.pk}")).to_contain_text("(best time)")

    # The facilitator sees the table and picks the best time, preselected.
    page.reload()
    expect(page.locator("#waiting")).to_have_text("Not answered yet: Fay Facilitator.")
    best = page.locator(f"#choose input[name='option'][value='{second.pk}']")
    expect(best).to_be_checked()
    page.get_by_role("button", name="Pick this time and schedule the meeting").click()
    expect(page.locator(".messages")).to_contain_text("the meeting is on the calendar")
    expect(page.locator("h1")).to_have_text("Spring meeting")

    meeting = Meeting.objects.get(community=community)
    assert meeting.starts_at == second.starts_at
    page.goto("/c/cio-circle/meetings/")
    row = page.locator("section", has_text="Coming up").locator(
        "li.card", has_text="Spring meeting"
    )
    expect(row).to_contain_text(f"{days[1]:%a %-d %B %Y}, 18:00–19:30")

    # The poll says what was chosen, to everyone.
    mona_page.reload()
    expect(mona_page.locator("#chosen")).to_contain_text(her_time)
    expect(mona_page.locator("#your-answers")).to_have_count(0)
    for p in (page, mona_page, max_page):
        assert p.csp_violations == [] and p.script_errors == []
