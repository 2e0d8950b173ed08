"""Meeting journeys in Chromium against a live server: a facilitator sets up the
regular meeting and puts the top-voted topic on next month's agenda, a member
answers and takes the meeting into their calendar, the waitlist moves up when
someone gives up their place, attendance is taken by tapping names on a
phone, and the agenda is reordered without JavaScript."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from copse import testing
from copse.calendars.ics import meeting_uid
from copse.meetings import services
from copse.meetings.models import AgendaItem, MeetingSeries, Rsvp
from copse.notifications.models import Notification
from copse.topics import services as topics
from copse.topics.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PACIFIC = "America/Los_Angeles"
# The phone the door list is used on.
PHONE = {"width": 390, "height": 844}


# --- Arranging ---------------------------------------------------------------------------


def circle():
    """A members-only community: a facilitator and three members of three companies."""
    community = testing.make_community(slug="cio-circle", name="CIO Circle")
    people = {
        "fay": testing.make_user(
            "fay@northwind.example",
            name="Fay Facilitator",
            organisation=testing.make_organisation("Northwind"),
            time_zone=PACIFIC,
        ),
        "mona": testing.make_user(
            "mona@contoso.example",
            name="Mona Member",
            organisation=testing.make_organisation("Contoso"),
            time_zone=PACIFIC,
        ),
        "max": testing.make_user(
            "max@fabrikam.example",
            name="Max Member",
            organisation=testing.make_organisation("Fabrikam"),
            time_zone=PACIFIC,
        ),
        "olu": testing.make_user(
            "olu@adventure-works.example",
            name="Olu Member",
            organisation=testing.make_organisation("Adventure Works"),
            time_zone=PACIFIC,
        ),
    }
    testing.seat(community, people["fay"], role="facilitator")
    for key in ("mona", "max", "olu"):
        testing.seat(community, people[key])
    return community, people


def meeting_in(community, facilitator, *, title="Monthly meeting", hours_ahead=24 * 14, **fields):
    start = (timezone.now() + dt.timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    return services.create_meeting(
        actor=facilitator,
        community=community,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        time_zone=PACIFIC,
        address="1 Harbor Point, Redwood City",
        **fields,
    )


def assert_clean(*pages) -> None:
    for page in pages:
        assert page.csp_violations == [], page.csp_violations
        assert page.script_errors == [], page.script_errors


def agenda(page):
    """The agenda items' titles, in the order the page shows them."""
    return page.locator("ol.agenda > li > strong")


def button(page, visible: str, hidden: str):
    """The button showing `visible` whose accessible name goes on with the
    visually hidden `hidden` (browsers may put a space between the two)."""
    name = re.compile(rf"^{re.escape(visible)}\s*{re.escape(hidden)}$")
    return page.get_by_role("button", name=name)


def tap(page, locator) -> None:
    """A finger's tap on the middle of the element, as on a phone: touch
    events, from which the browser makes the click (the harness's contexts
    have no touchscreen, so this goes through the DevTools protocol)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box, "nothing to tap"
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


# --- Journeys ------------------------------------------------------------------------------


def test_facilitator_schedules_next_month_from_the_series_and_puts_the_top_voted_topic_on_it(
    open_page,
):
    community, people = circle()
    fay, mona, max_, olu = people["fay"], people["mona"], people["max"], people["olu"]
    sip = topics.nominate(
        actor=max_, community=community, title="SIP trunking cut-overs", why="", area="Technology"
    )
    metrics = topics.nominate(
        actor=mona, community=community, title="Board-ready IT metrics", why="", area="Metrics"
    )
    ai = topics.nominate(
        actor=olu,
        community=community,
        title="AI assistant policies",
        why="What did you allow, and what did legal say?",
        area="Technology",
    )
    for voter, topic in ((max_, sip), (olu, sip), (mona, metrics), (olu, ai), (fay, ai)):
        topics.vote(actor=voter, topic=topic)

    # A member votes in the backlog: AI assistant policies goes to the top.
    voter = open_page(user=mona)
    voter.goto("/c/cio-circle/topics/")
    voter.get_by_role("button", name="Vote for “AI assistant policies”").click()
    row = voter.locator(f"#topic-{ai.pk}")
    expect(row).to_contain_text("3 votes")
    expect(row).to_contain_text("You voted for this.")
    voter.reload()
    expect(voter.locator(".topic-row h3").first).to_have_text("AI assistant policies")

    # The facilitator sets up the regular meeting: the series page puts the
    # next six months on the calendar.
    page = open_page(user=fay)
    page.goto("/c/cio-circle/meetings/series/")
    today = timezone.now().astimezone(ZoneInfo(PACIFIC)).date()
    page.locator("#id_title").fill("Monthly meeting")
    page.locator("#id_cadence").select_option("monthly")
    page.locator("#id_nth").select_option(label="Second")
    page.locator("#id_weekday").select_option("TH")
    page.locator("#id_first_date").fill(today.isoformat())
    page.locator("#id_start_time").fill("13:00")
    page.locator("#id_duration_minutes").fill("240")
    page.locator("#id_time_zone").select_option(PACIFIC)
    page.locator("#id_format").select_option("half_day_dinner")
    page.get_by_role("button", name="Create the series").click()
    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"Series created with its next \d")
    )
    expect(page.locator("main")).to_contain_text("Second Thursday, every month")

    series = MeetingSeries.objects.get(community=community)
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    meeting = next(
        m
        for m in series.meetings.order_by("starts_at")
        if m.starts_at.astimezone(ZoneInfo(PACIFIC)).date().replace(day=1) == next_month
    )
    assert meeting.title == f"Monthly meeting, {next_month:%B %Y}"
    local = meeting.starts_at.astimezone(ZoneInfo(PACIFIC))
    assert (local.weekday(), (local.day - 1) // 7, local.hour) == (3, 1, 13)

    page.get_by_role("link", name="← Meetings of CIO Circle").click()
    page.locator("section", has_text="Coming up").get_by_role("link", name=meeting.title).click()
    expect(page.locator("h1")).to_have_text(meeting.title)
    expect(page.locator("#agenda")).to_contain_text("Nothing on the agenda yet.")

    # The agenda form offers the backlog ranked by votes.
    page.locator("#agenda summary", has_text="Add an agenda item").click()
    topic_select = page.get_by_label("Topic")
    assert topic_select.locator("option").all_inner_texts()[1:] == [
        "AI assistant policies",
        "SIP trunking cut-overs",
        "Board-ready IT metrics",
    ]
    topic_select.select_option(label="AI assistant policies")
    page.get_by_label("Presenter").select_option(label="Mona Member")
    page.get_by_label("Minutes").fill("45")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator(".messages")).to_contain_text("Added to the agenda.")
    item = page.locator("ol.agenda > li").first
    expect(item).to_contain_text("AI assistant policies")
    expect(item).to_contain_text("Presenter: Mona Member, Contoso")
    expect(item).to_contain_text("From the topic backlog (3 votes)")
    ai.refresh_from_db()
    assert ai.status == Topic.Status.SCHEDULED

    # The backlog shows it as scheduled; the rest wait for another meeting.
    voter.goto("/c/cio-circle/topics/?status=scheduled")
    expect(voter.locator(".topic-row")).to_have_count(1)
    expect(voter.locator(".topic-row")).to_contain_text("AI assistant policies")

    # A member answers, with dinner, and takes the meeting into their calendar.
    member = open_page(user=max_)
    member.goto(meeting.get_absolute_url())
    expect(member.locator("#agenda")).to_contain_text("AI assistant policies")
    member.get_by_role("radio", name="Yes").check()
    member.get_by_label("I will come to dinner").check()
    member.get_by_label("Dietary needs").fill("Vegetarian")
    member.get_by_role("button", name="Send my answer").click()
    expect(member.locator(".messages")).to_contain_text("You have a place. See you there.")
    expect(member.locator("#rsvp [role=status]")).to_contain_text("You have a place.")
    answer = Rsvp.objects.get(meeting=meeting, user=max_)
    assert (answer.place, answer.dinner, answer.dietary_needs) == ("going", True, "Vegetarian")

    with member.expect_download() as download:
        member.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    data = Path(download.value.path()).read_bytes()
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    meeting.refresh_from_db()
    assert str(event["UID"]) == meeting_uid(meeting)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["SUMMARY"]) == meeting.title
    assert "AI assistant policies (Mona Member)" in str(event["DESCRIPTION"])
    assert_clean(voter, page, member)


def test_the_first_on_the_waitlist_gets_the_place_someone_gives_up(open_page):
    community, people = circle()
    fay, a, b = people["fay"], people["mona"], people["max"]
    meeting = meeting_in(community, fay, title="Site visit to the Contoso data centre", capacity=1)

    first = open_page(user=a)
    first.goto(meeting.get_absolute_url())
    first.get_by_role("radio", name="Yes").check()
    first.get_by_role("button", name="Send my answer").click()
    expect(first.locator("#rsvp [role=status]")).to_contain_text("You have a place.")

    second = open_page(user=b)
    second.goto(meeting.get_absolute_url())
    expect(second.locator("#rsvp")).to_contain_text("1 going of 1 places.")
    second.get_by_role("radio", name="Yes").check()
    second.get_by_role("button", name="Send my answer").click()
    expect(second.locator(".messages")).to_contain_text(
        "The meeting is full: you are on the waitlist and will be told when a place opens."
    )
    expect(second.locator("#rsvp [role=status]")).to_contain_text("You are on the waitlist.")
    expect(second.locator("#rsvp")).to_contain_text("1 going of 1 places, 1 on the waitlist.")
    expect(second.locator("section", has_text="Waitlist, in order")).to_contain_text(b.name)

    # The first changes their mind: their place goes to the waitlist.
    first.reload()
    first.get_by_role("radio", name="No").check()
    first.get_by_role("button", name="Send my answer").click()
    expect(first.locator(".messages")).to_contain_text("Noted: you will not come.")

    second.reload()
    expect(second.locator("#rsvp [role=status]")).to_contain_text("You have a place.")
    expect(second.locator("#rsvp")).to_contain_text("1 going of 1 places.")
    assert Rsvp.objects.get(meeting=meeting, user=b).place == Rsvp.Place.GOING
    assert Notification.objects.filter(user=b, kind="promoted").count() == 1
    second.goto("/notifications/")
    told = second.locator("main .card-list li").first
    expect(told).to_contain_text(f"A place opened for you: “{meeting.title}”")
    told.get_by_role("link").click()
    expect(second).to_have_url(re.compile(rf"{re.escape(meeting.get_absolute_url())}$"))
    assert_clean(first, second)


def test_attendance_at_the_door_on_a_phone_by_tapping_names(open_page):
    community, people = circle()
    fay, mona, max_, olu = people["fay"], people["mona"], people["max"], people["olu"]
    meeting = meeting_in(community, fay, hours_ahead=0.25)
    services.rsvp(actor=mona, meeting=meeting, answer="yes")
    services.rsvp(actor=max_, meeting=meeting, answer="yes")
    # A guest presenter comes to present, and is on the list too.
    sam = testing.make_user("sam@litware.example", name="Sam Presenter")
    testing.seat(community, sam, role="guest_presenter")
    talk = services.add_agenda_item(actor=fay, meeting=meeting, title="SIP trunking", minutes=45)
    AgendaItem.objects.filter(pk=talk.pk).update(presenter=sam)

    page = open_page(viewport=PHONE, user=fay)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Attendance at the door").click()
    expect(page.locator("h1")).to_have_text("Who is here")
    expect(page.locator(".lede")).to_contain_text("0 present · 2 had a place.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the door list scrolls sideways: {width}px wide"
    buttons = page.locator(".attendance__button")
    assert buttons.count() == 5
    count = page.locator("#present-count")
    for n in range(buttons.count()):
        box = buttons.nth(n).bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"], box

    # Those with a place come first; one tap marks someone present, in place.
    mona_button = button(page, "Mona Member", ": mark present")
    tap(page, mona_button)
    present = button(page, "✓ Mona Member", "is present; tap to undo")
    expect(present).to_have_attribute("aria-pressed", "true")
    # The count follows each tap, without a page load.
    expect(count).to_have_text("1 present")
    expect(page.locator(".lede")).to_contain_text("1 present · 2 had a place.")
    # A member who did not answer walks in.
    tap(page, button(page, "Olu Member", ": mark present"))
    expect(button(page, "✓ Olu Member", "is present; tap to undo")).to_be_visible()
    expect(count).to_have_text("2 present")
    # The guest presenter arrives.
    tap(page, button(page, "Sam Presenter", ": mark present"))
    expect(button(page, "✓ Sam Presenter", "is present; tap to undo")).to_be_visible()
    expect(count).to_have_text("3 present")
    # A wrong tap is undone with another.
    tap(page, button(page, "Max Member", ": mark present"))
    expect(count).to_have_text("4 present")
    tap(page, button(page, "✓ Max Member", "is present; tap to undo"))
    expect(button(page, "Max Member", ": mark present")).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text("3 present")

    assert "#person-" not in page.url  # rows swapped in place, no page loads

    rows = {r.user_id: r for r in Rsvp.objects.filter(meeting=meeting)}
    assert rows[mona.pk].attended is True
    # A walk-in is present without taking a place from anyone on the waitlist.
    assert rows[olu.pk].attended is True and rows[olu.pk].place == Rsvp.Place.NONE
    assert rows[max_.pk].attended is False
    assert rows[sam.pk].attended is True
    assert fay.pk not in rows
    page.reload()
    expect(page.locator(".lede")).to_contain_text("3 present")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_clean(page)


def test_attendance_at_the_door_counts_each_submit_without_javascript(open_page):
    community, people = circle()
    fay, mona = people["fay"], people["mona"]
    meeting = meeting_in(community, fay, hours_ahead=0.25)
    services.rsvp(actor=mona, meeting=meeting, answer="yes")

    page = open_page(javascript=False, user=fay, viewport=PHONE)
    page.goto(f"{meeting.get_absolute_url()}attendance/")
    assert page.evaluate("typeof window.htmx") == "undefined", "scripts ran"
    expect(page.locator("#present-count")).to_have_text("0 present")
    button(page, "Mona Member", ": mark present").click()
    expect(page).to_have_url(re.compile(rf"#person-{mona.pk}$"))
    expect(page.locator("#present-count")).to_have_text("1 present")
    button(page, "Olu Member", ": mark present").click()
    expect(page.locator("#present-count")).to_have_text("2 present")
    button(page, "✓ Mona Member", "is present; tap to undo").click()
    expect(page.locator("#present-count")).to_have_text("1 present")
    assert page.csp_violations == []


def test_the_agenda_is_reordered_with_move_up_buttons_without_javascript(open_page):
    community, people = circle()
    fay = people["fay"]
    meeting = meeting_in(community, fay)
    for title in ("Round table", "Member panel: contract terms", "SIP trunking"):
        services.add_agenda_item(actor=fay, meeting=meeting, title=title, minutes=30)

    page = open_page(javascript=False, user=fay)
    page.goto(meeting.get_absolute_url())
    assert page.evaluate("typeof window.htmx") == "undefined", "scripts ran"
    expect(agenda(page)).to_have_text(
        ["Round table", "Member panel: contract terms", "SIP trunking"]
    )
    expect(button(page, "Move up", ": Round table")).to_be_disabled()
    expect(button(page, "Move down", ": SIP trunking")).to_be_disabled()

    button(page, "Move up", ": SIP trunking").click()
    expect(page).to_have_url(re.compile(r"#item-\d+$"))
    expect(agenda(page)).to_have_text(
        ["Round table", "SIP trunking", "Member panel: contract terms"]
    )
    button(page, "Move up", ": SIP trunking").click()
    expect(agenda(page)).to_have_text(
        ["SIP trunking", "Round table", "Member panel: contract terms"]
    )
    expect(button(page, "Move up", ": SIP trunking")).to_be_disabled()
    button(page, "Move down", ": Round table").click()
    expect(agenda(page)).to_have_text(
        ["SIP trunking", "Member panel: contract terms", "Round table"]
    )

    stored = list(meeting.agenda_items.order_by("position").values_list("title", flat=True))
    assert stored == ["SIP trunking", "Member panel: contract terms", "Round table"]
    meeting.refresh_from_db()
    assert meeting.sequence >= 3  # calendars pick the new order up
    assert page.csp_violations == []
