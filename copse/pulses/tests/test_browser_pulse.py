"""The trust pulse in Chromium against a live server: the facilitator
schedules a pulse from the community's home (a threshold of four is
refused), members answer it (one on a phone without JavaScript), it closes
with four answers and shows nothing; the next pulse gets five answers and,
once closed, shows its results and joins the trend."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copse.pulses.models import Pulse
from copse.pulses.statements import STATEMENTS
from copse.pulses.tests.conftest import answer, make_circle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "What would make this circle more useful to you?"
PHONE = {"width": 375, "height": 740}


def assert_clean(*pages) -> None:
    for page in pages:
        assert page.csp_violations == [], page.csp_violations
        assert page.script_errors == [], page.script_errors


def schedule(page, community):
    today = timezone.localdate()
    page.goto(community.get_absolute_url())
    page.get_by_role("link", name="Trust pulse", exact=True).click()
    page.get_by_role("link", name="Schedule a pulse").first.click()
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes at the end of").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_label("The open question").fill(QUESTION)
    page.get_by_label("Repeat").select_option("0")
    page.get_by_label("Show results from this many answers").fill("4")
    page.get_by_role("button", name="Schedule the pulse").click()
    expect(page.locator("#id_min_respondents_error")).to_contain_text("at least 5 answers")
    # What was typed is kept.
    expect(page.get_by_label("The open question")).to_have_value(QUESTION)
    page.get_by_label("Show results from this many answers").fill("5")
    page.get_by_role("button", name="Schedule the pulse").click()
    expect(page.locator(".messages")).to_contain_text("The pulse is open")


def answer_in_the_page(page, community, choice: str, text: str = ""):
    page.goto(community.get_absolute_url())
    page.get_by_role("link", name="Trust pulse", exact=True).click()
    page.get_by_role("link", name="Answer", exact=True).click()
    # Forgetting one statement brings the form back with what was chosen.
    for statement in STATEMENTS[:4]:
        page.locator("fieldset", has_text=str(statement)).get_by_label(choice, exact=True).check()
    if text:
        page.get_by_label(QUESTION).fill(text)
    page.get_by_role("button", name="Send my answer").click()
    last = page.locator(".field", has_text=str(STATEMENTS[4]))
    expect(last.locator(".error")).to_have_text("Choose how far you agree with this statement.")
    expect(
        page.locator("fieldset", has_text=str(STATEMENTS[0])).get_by_label(choice, exact=True)
    ).to_be_checked()
    if text:
        expect(page.get_by_label(QUESTION)).to_have_value(text)
    last.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".messages")).to_contain_text("Your answer is saved")
    expect(page.locator("#you-answered")).to_be_visible()


def close_now(pulse):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Pulse.objects.filter(pk=pulse.pk).update(
        opens_on=yesterday - dt.timedelta(days=14), closes_on=yesterday
    )


def test_four_answers_show_nothing_and_five_show_the_results(open_page):
    circle = make_circle()
    community = circle.community
    fay = open_page(user=circle.facilitator)
    schedule(fay, community)
    first = Pulse.objects.get()

    alma = open_page(user=circle.members[0])
    answer_in_the_page(alma, community, "Agree", "Meet at each other's schools.")
    daniel = open_page(user=circle.members[1], viewport=PHONE, javascript=False)
    answer_in_the_page(daniel, community, "Strongly agree")
    for person in circle.members[2:4]:
        answer(first, person, scores=(3, 4, 4, 3, 4), text="Less time on updates.")
    fay.reload()
    expect(fay.locator("#answered-count")).to_have_text("4 people have answered")
    expect(fay.get_by_text("Results never show while the pulse is open")).to_be_visible()

    # Closed with four answers: nothing, for the facilitator too.
    close_now(first)
    for page in (alma, fay):
        page.goto(first.get_absolute_url())
        expect(page.locator("#no-results")).to_have_text(
            "Fewer than 5 people answered, so no results are shown, to keep answers anonymous."
        )
        expect(page.get_by_text("Meet at each other's schools.")).to_have_count(0)
        expect(page.get_by_role("table")).to_have_count(0)

    # The next pulse: five answer.
    schedule(fay, community)
    second = Pulse.objects.exclude(pk=first.pk).get()
    answer_in_the_page(alma, community, "Agree", "Keep the round where everyone speaks.")
    for person in circle.members[1:5]:
        answer(second, person, scores=(5, 4, 4, 4, 5))
    close_now(second)
    second.refresh_from_db()
    daniel.goto(second.get_absolute_url())
    expect(daniel.get_by_role("heading", name="Results")).to_be_visible()
    expect(daniel.locator("#answered-count")).to_have_text("5 people have answered")
    row = daniel.get_by_role("row", name=STATEMENTS[1])
    # Four answered 4 and Alma "Agree" (4): a mean of 4.0, five in the "Agree" column.
    expect(row.get_by_role("cell").first).to_have_text("4.0")
    expect(daniel.get_by_text("Keep the round where everyone speaks.")).to_be_visible()
    for name in (person.name for person in circle.seated):
        expect(daniel.locator("main")).not_to_contain_text(name)

    # The trend has the second pulse only, with the number who answered.
    daniel.get_by_role("link", name="Trust pulse in").click()
    table = daniel.locator("table.chart-data")
    expect(table).to_contain_text(f"{second.opens_on:%-d %b %Y} (5 answered)")
    expect(table).not_to_contain_text("(4 answered)")
    expect(daniel.get_by_role("img", name="Trust over time")).to_be_visible()
    assert_clean(fay, alma, daniel)
