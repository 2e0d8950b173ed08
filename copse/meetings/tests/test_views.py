"""Meeting pages: forms keep what was typed, guests see only their part, files
are sent as attachments after a permission check, the page runs a fixed
number of queries, and the door list works by single taps."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.meetings import services
from copse.meetings.models import AgendaItem, Meeting, Rsvp, SummaryComment
from copse.meetings.tests.conftest import make_meeting


def _detail(meeting):
    return reverse("meetings:detail", args=[meeting.community.slug, meeting.pk])


def test_new_meeting_form_keeps_what_was_typed_and_explains(client, circle):
    client.force_login(circle["facilitator"])
    url = reverse("meetings:new", args=["cio"])
    response = client.post(
        url,
        {
            "title": "Spring meeting at Contoso",
            "kind": "regular",
            "date": "",
            "start_time": "13:00",
            "end_time": "17:00",
            "time_zone": "America/Los_Angeles",
            "format": "half_day_dinner",
        },
    )
    assert response.status_code == 400
    assert b"Spring meeting at Contoso" in response.content
    assert b"This field is required" in response.content


def test_a_time_the_clocks_skip_is_refused_with_a_reason(client, circle):
    client.force_login(circle["facilitator"])
    response = client.post(
        reverse("meetings:new", args=["cio"]),
        {
            "title": "Night owls",
            "kind": "regular",
            "date": "2027-03-14",  # US clocks spring forward at 02:00
            "start_time": "02:30",
            "end_time": "04:00",
            "time_zone": "America/Los_Angeles",
            "format": "online",
        },
    )
    assert response.status_code == 400
    assert b"does not exist in America/Los_Angeles" in response.content
    assert not Meeting.objects.exists()


def test_scheduling_stores_the_local_time_in_utc(client, circle):
    client.force_login(circle["facilitator"])
    response = client.post(
        reverse("meetings:new", args=["cio"]),
        {
            "title": "Summer meeting",
            "kind": "regular",
            "date": "2027-07-08",
            "start_time": "13:00",
            "end_time": "17:00",
            "time_zone": "America/Los_Angeles",
            "format": "half_day_dinner",
            "capacity": "12",
            "host_contact": circle["members"][2].pk,
        },
    )
    meeting = Meeting.objects.get()
    assert meeting.host_contact == circle["members"][2]
    assert response.status_code == 302 and response["Location"] == _detail(meeting)
    assert meeting.starts_at == dt.datetime(2027, 7, 8, 20, 0, tzinfo=dt.UTC)  # PDT is UTC-7
    assert meeting.capacity == 12 and meeting.organiser == circle["facilitator"]


def test_a_member_can_only_organise_a_side_meeting(client, circle):
    member = circle["members"][0]
    client.force_login(member)
    response = client.post(
        reverse("meetings:new", args=["cio"]),
        {
            "title": "Drinks after the A/O meeting",
            "kind": "regular",  # not offered to members: refused by the form
            "date": "2027-07-08",
            "start_time": "18:00",
            "end_time": "20:00",
            "time_zone": "UTC",
            "format": "in_person",
        },
    )
    assert response.status_code == 400
    data = {
        "title": "Drinks after the A/O meeting",
        "kind": "side",
        "date": "2027-07-08",
        "start_time": "18:00",
        "end_time": "20:00",
        "time_zone": "UTC",
        "format": "in_person",
    }
    response = client.post(reverse("meetings:new", args=["cio"]), data)
    meeting = Meeting.objects.get()
    assert meeting.kind == "side" and meeting.organiser == member
    page = client.get(_detail(meeting)).content.decode()
    assert "Unofficial: organised by Member 0" in page
    # Its organiser manages it; other members do not.
    assert client.get(reverse("meetings:edit", args=["cio", meeting.pk])).status_code == 200
    client.force_login(circle["members"][1])
    assert client.get(reverse("meetings:edit", args=["cio", meeting.pk])).status_code == 404


def test_rsvp_through_the_page_and_the_waitlist_message(client, circle):
    meeting = make_meeting(circle, capacity=1)
    a, b = circle["members"][:2]
    client.force_login(a)
    client.post(reverse("meetings:rsvp", args=["cio", meeting.pk]), {"answer": "yes"})
    client.force_login(b)
    response = client.post(
        reverse("meetings:rsvp", args=["cio", meeting.pk]),
        {"answer": "yes", "dietary_needs": "vegan"},
        follow=True,
    )
    assert b"you are on the waitlist" in response.content
    assert Rsvp.objects.get(user=b).dietary_needs == "vegan"


def test_dietary_needs_are_seen_by_facilitators_and_the_host_only(client, circle):
    host = circle["members"][2]
    meeting = make_meeting(circle, host_contact=host)
    services.rsvp(
        actor=circle["members"][0], meeting=meeting, answer="yes", dietary_needs="No peanuts"
    )
    for person, sees in (
        (circle["facilitator"], True),
        (host, True),
        (circle["members"][1], False),
        (circle["delegate"], False),
    ):
        client.force_login(person)
        assert (b"No peanuts" in client.get(_detail(meeting)).content) is sees, person


def test_a_bad_rsvp_answer_is_a_400_on_the_page(client, circle, meeting):
    client.force_login(circle["members"][0])
    response = client.post(reverse("meetings:rsvp", args=["cio", meeting.pk]), {"answer": "often"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_a_guest_presenter_sees_logistics_and_only_their_own_items(client, circle, meeting):
    guest = testing.make_user("sam@vendor.example", name="Sam Vendor")
    testing.seat(circle["community"], guest, role="guest_presenter")
    services.add_agenda_item(
        actor=circle["facilitator"],
        meeting=meeting,
        title="Member roundtable",
        minutes=60,
        notes="Private notes about budgets",
    )
    mine = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="SD-WAN in practice", minutes=40
    )
    services.invite_presenter(actor=circle["facilitator"], item=mine, email=guest.email)
    services.rsvp(actor=circle["members"][0], meeting=meeting, answer="yes")
    client.force_login(guest)
    page = client.get(_detail(meeting)).content.decode()
    assert "SD-WAN in practice" in page and "1 Infinite Loop" in page
    assert "Member roundtable" not in page and "Private notes" not in page
    assert "Member 0" not in page  # no attendee list
    assert "Who is coming" not in page
    # Their meetings page lists it; the community pages stay closed.
    assert "Monthly meeting" in client.get(reverse("meetings:mine")).content.decode()
    assert client.get(reverse("meetings:list", args=["cio"])).status_code == 404


def test_materials_download_as_attachments_and_guests_get_only_their_own(client, circle, meeting):
    guest = testing.make_user("sam@vendor.example")
    testing.seat(circle["community"], guest, role="guest_presenter")
    AgendaItem.objects.create(meeting=meeting, title="Talk", presenter=guest)
    meeting = Meeting.objects.get(pk=meeting.pk)
    client.force_login(guest)
    response = client.post(
        reverse("meetings:material_upload", args=["cio", meeting.pk]),
        {"file": SimpleUploadedFile("Sam's slides.pdf", b"%PDF-1.7 slides")},
    )
    assert response.status_code == 302
    theirs = meeting.materials.get()
    members_only = services.upload_material(
        actor=circle["facilitator"],
        meeting=meeting,
        uploaded_file=SimpleUploadedFile("budget.csv", b"line,cost\n1,2\n"),
    )
    url = reverse("meetings:material", args=["cio", meeting.pk, theirs.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "slides.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 slides"
    other = reverse("meetings:material", args=["cio", meeting.pk, members_only.pk])
    assert client.get(other).status_code == 404
    client.force_login(circle["members"][0])
    assert client.get(other).status_code == 200
    client.force_login(testing.make_user())
    assert client.get(url).status_code == 404


def test_an_upload_of_the_wrong_type_is_a_400_that_says_why(client, circle, meeting):
    client.force_login(circle["facilitator"])
    response = client.post(
        reverse("meetings:material_upload", args=["cio", meeting.pk]),
        {"file": SimpleUploadedFile("tool.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert b"cannot be shared here" in response.content


def test_an_upload_over_the_limit_is_stopped_while_received_and_says_so(client, circle, meeting):
    client.force_login(circle["facilitator"])
    with override_settings(COPSE_UPLOAD_MAX_BYTES=50_000):
        response = client.post(
            reverse("meetings:material_upload", args=["cio", meeting.pk]),
            {"file": SimpleUploadedFile("deck.pdf", b"%PDF-1.7 " + b"s" * 200_000)},
        )
    assert response.status_code == 413
    assert "“deck.pdf” is larger than 50 kB" in response.content.decode()
    assert not meeting.materials.exists()


def test_agenda_moves_without_javascript(client, circle, meeting):
    f = circle["facilitator"]
    first = services.add_agenda_item(actor=f, meeting=meeting, title="First", minutes=10)
    services.add_agenda_item(actor=f, meeting=meeting, title="Second", minutes=10)
    client.force_login(f)
    response = client.post(
        reverse("meetings:agenda_move", args=["cio", meeting.pk, first.pk]), {"direction": "down"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{first.pk}")
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Second", "First"]


def test_the_agenda_shows_its_total_against_the_meeting_length(client, circle, meeting):
    f = circle["facilitator"]
    for title in ("A", "B", "C"):
        services.add_agenda_item(actor=f, meeting=meeting, title=title, minutes=90)
    client.force_login(circle["members"][0])
    page = client.get(_detail(meeting)).content.decode()
    assert "4 h 30 min planned of 4 h" in page and "longer than the meeting" in page


def test_attendance_by_taps_with_and_without_htmx(client, circle, meeting):
    a = circle["members"][0]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    client.force_login(circle["facilitator"])
    url = reverse("meetings:attendance", args=["cio", meeting.pk])
    assert b"Member 0" in client.get(url).content
    response = client.post(url, {"user": a.pk, "attended": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'aria-pressed="true"' in response.content and b"<html" not in response.content
    response = client.post(url, {"user": a.pk, "attended": "0"})
    assert response.status_code == 302
    assert Rsvp.objects.get(user=a).attended is False


def test_summary_draft_comments_and_publication_through_the_page(client, circle):
    meeting = make_meeting(circle, days_ahead=-2)
    client.force_login(circle["facilitator"])
    client.post(
        reverse("meetings:summary", args=["cio", meeting.pk]), {"summary": "# What we learned"}
    )
    client.force_login(circle["members"][0])
    client.post(
        reverse("meetings:summary_comment", args=["cio", meeting.pk]), {"body": "Add the numbers"}
    )
    assert SummaryComment.objects.count() == 1
    client.force_login(circle["facilitator"])
    client.post(
        reverse("meetings:summary", args=["cio", meeting.pk]),
        {"summary": "# What we learned\n\nNumbers.", "publish": "1"},
    )
    meeting.refresh_from_db()
    assert meeting.summary_is_published
    records = client.get(reverse("meetings:records", args=["cio"])).content.decode()
    assert meeting.title in records


def _grow(circle, meeting, *, items, people, files):
    f = circle["facilitator"]
    members = [testing.make_user(organisation=circle["orgs"][n % 3]) for n in range(people)]
    for person in members:
        testing.seat(circle["community"], person)
    for n in range(items):
        AgendaItem.objects.create(
            meeting=meeting, position=n, title=f"Item {n}", presenter=members[n % people]
        )
    meeting = Meeting.objects.get(pk=meeting.pk)
    for n, person in enumerate(members):
        Rsvp.objects.create(
            meeting=meeting,
            user=person,
            answer="yes" if n % 3 else "maybe",
            place="going" if n % 3 else "",
            dinner=True,
        )
    for n in range(files):
        services.upload_material(
            actor=f,
            meeting=meeting,
            uploaded_file=SimpleUploadedFile(f"notes-{n}.txt", b"notes"),
        )
    services.save_summary_draft(actor=f, meeting=meeting, markdown="Draft")
    for person in members[:files]:
        SummaryComment.objects.create(meeting=meeting, author=person, body="ok", body_html="ok")
        services.add_action_item(actor=f, meeting=meeting, text="Do it", owner=person)


@pytest.mark.parametrize("size", [(3, 4, 2), (40, 90, 25)], ids=["small", "large"])
@pytest.mark.parametrize("when", ["held", "coming"])
@pytest.mark.parametrize("role", ["facilitator", "member"])
def test_meeting_page_runs_a_fixed_number_of_queries(
    client, circle, django_assert_max_num_queries, size, role, when
):
    meeting = make_meeting(circle, days_ahead=-1 if when == "held" else 3)
    items, people, files = size
    _grow(circle, meeting, items=items, people=people, files=files)
    # Member 0 has a delegate: to come, the page offers to send them.
    viewer = circle["facilitator"] if role == "facilitator" else circle["members"][0]
    client.force_login(viewer)
    url = _detail(meeting)
    # A first view reads and renders the page's parts (meetings/page.py), and
    # the first request after signing in writes the last-seen time. Measured:
    # 18 for a facilitator, 15 for a member (17 with a delegate to send).
    with django_assert_max_num_queries(18 if role == "facilitator" else 17):
        client.get(url)
    # Then: session, user, meeting (with the viewer's answer), community,
    # standings; for a meeting to come, a member with a delegate adds the
    # delegates and their answers. Measured: 5, and 7 for that member.
    with django_assert_max_num_queries(7 if (role, when) == ("member", "coming") else 5):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Item 0" in response.content


@pytest.mark.parametrize("count", [3, 60])
def test_meeting_list_runs_a_fixed_number_of_queries(
    client, circle, django_assert_max_num_queries, count
):
    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            community=circle["community"],
            title=f"Meeting {n}",
            starts_at=now + dt.timedelta(days=n - count // 2),
            ends_at=now + dt.timedelta(days=n - count // 2, hours=3),
        )
        for n in range(count)
    )
    client.force_login(circle["members"][0])
    url = reverse("meetings:list", args=["cio"])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


# --- The hosts page, the host of a new meeting, the summary's Publish button -------------------


def _offer(circle, *orgs):
    for org in orgs:
        services.set_host_offer(
            actor=circle["facilitator"],
            community=circle["community"],
            organisation=org,
            willing=True,
        )


def test_the_hosts_page_labels_a_coming_meeting_next_hosting(client, circle):
    contoso, fabrikam, _ = circle["orgs"]
    _offer(circle, contoso, fabrikam)
    held = make_meeting(circle, days_ahead=-40, host_organisation=fabrikam)
    coming = make_meeting(circle, days_ahead=25, host_organisation=contoso)
    client.force_login(circle["members"][0])
    page = client.get(reverse("meetings:hosts", args=["cio"])).content.decode()
    coming_day = timezone.localtime(coming.starts_at).strftime("%-d %B %Y")
    held_day = timezone.localtime(held.starts_at).strftime("%-d %B %Y")
    assert f"Next hosting {coming_day}" in page
    assert f"Last hosted {coming_day}" not in page
    assert f"Last hosted {held_day}" in page


def test_a_new_meeting_shows_the_rotations_host_chosen_and_named(client, circle):
    contoso, fabrikam, _ = circle["orgs"]
    outsider = testing.make_organisation("Litware")  # offered to host, no member there
    _offer(circle, contoso, fabrikam, outsider)
    make_meeting(circle, days_ahead=-40, host_organisation=fabrikam)
    make_meeting(circle, days_ahead=-80, host_organisation=contoso)
    client.force_login(circle["facilitator"])
    response = client.get(reverse("meetings:new", args=["cio"]))
    page = response.content.decode()
    # Litware never hosted: pre-selected, and the option and the help say it is the suggestion.
    assert f'<option value="{outsider.pk}" selected>Litware (suggested next)</option>' in page
    assert "The rotation suggests Litware" in page
    assert f'<option value="{contoso.pk}">Contoso</option>' in page
    assert "— no host yet —" in page


def test_the_host_suggestion_can_be_changed_or_left_empty(client, circle):
    contoso, fabrikam, _ = circle["orgs"]
    _offer(circle, contoso, fabrikam)
    client.force_login(circle["facilitator"])
    fields = {
        "title": "Spring meeting",
        "kind": "regular",
        "date": "2027-07-08",
        "start_time": "13:00",
        "end_time": "17:00",
        "time_zone": "America/Los_Angeles",
        "format": "half_day_dinner",
    }
    client.post(reverse("meetings:new", args=["cio"]), {**fields, "host_organisation": ""})
    client.post(
        reverse("meetings:new", args=["cio"]),
        {**fields, "title": "Summer meeting", "host_organisation": fabrikam.pk},
    )
    hosts = dict(Meeting.objects.values_list("title", "host_organisation"))
    # Nothing filled in behind the facilitator's back: empty stays empty.
    assert hosts == {"Spring meeting": None, "Summer meeting": fabrikam.pk}


def test_the_publish_button_is_there_for_a_draft_and_says_when_it_opens(client, circle):
    coming = make_meeting(circle, days_ahead=3)
    held = make_meeting(circle, days_ahead=-1)
    for meeting in (coming, held):
        services.save_summary_draft(actor=circle["facilitator"], meeting=meeting, markdown="Notes")
    client.force_login(circle["facilitator"])
    page = client.get(_detail(coming)).content.decode()
    assert (
        '<button type="submit" name="publish" value="1" disabled aria-describedby="publish-wait">'
        in page
    )
    assert "once the meeting has started" in page
    page = client.get(_detail(held)).content.decode()
    assert '<button type="submit" name="publish" value="1">Publish as the meeting record' in page
    assert "once the meeting has started" not in page
    # Publishing early anyway is refused with the reason, and the text typed stays.
    response = client.post(
        reverse("meetings:summary", args=["cio", coming.pk]),
        {"summary": "Notes, revised", "publish": "1"},
    )
    assert response.status_code == 400
    assert b"has not started yet" in response.content and b"Notes, revised" in response.content
    coming.refresh_from_db()
    assert not coming.summary_is_published


# --- Attendance at the door ---------------------------------------------------------------


def test_a_tap_swaps_the_name_and_the_present_count(client, circle, meeting):
    a, b = circle["members"][:2]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    client.force_login(circle["facilitator"])
    url = reverse("meetings:attendance", args=["cio", meeting.pk])
    assert '<span id="present-count" role="status">0 present</span>' in (
        client.get(url).content.decode()
    )
    response = client.post(url, {"user": a.pk, "attended": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert f'id="person-{a.pk}"' in body and 'aria-pressed="true"' in body
    assert '<span id="present-count" data-hx-swap-oob="innerHTML">1 present</span>' in body
    response = client.post(url, {"user": b.pk, "attended": "1"}, HTTP_HX_REQUEST="true")
    assert "2 present</span>" in response.content.decode()
    # Without JavaScript: the submit comes back to the list, counted again.
    response = client.post(url, {"user": a.pk, "attended": "0"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<span id="present-count" role="status">1 present</span>' in page


def test_the_meetings_guest_presenters_are_on_the_door_list(client, circle, meeting):
    community, facilitator = circle["community"], circle["facilitator"]
    sam = testing.make_user("sam@vendor.example", name="Sam Vendor")
    other_guest = testing.make_user("olga@vendor.example", name="Olga Elsewhere")
    for guest in (sam, other_guest):
        testing.seat(community, guest, role="guest_presenter")
    item = services.add_agenda_item(
        actor=facilitator, meeting=meeting, title="SD-WAN in practice", minutes=40
    )
    AgendaItem.objects.filter(pk=item.pk).update(presenter=sam)
    elsewhere = make_meeting(circle, days_ahead=40)
    other = services.add_agenda_item(actor=facilitator, meeting=elsewhere, title="Other", minutes=9)
    AgendaItem.objects.filter(pk=other.pk).update(presenter=other_guest)
    meeting = Meeting.objects.get(pk=meeting.pk)

    client.force_login(facilitator)
    url = reverse("meetings:attendance", args=["cio", meeting.pk])
    page = client.get(url).content.decode()
    assert "Sam Vendor" in page and "guest presenter" in page
    # The presenter comes first, with those who have a place; a guest of another meeting is not here.
    assert page.index("Sam Vendor") < page.index("Member 0")
    assert "Olga Elsewhere" not in page
    response = client.post(url, {"user": sam.pk, "attended": "1"}, HTTP_HX_REQUEST="true")
    assert "1 present</span>" in response.content.decode()
    assert Rsvp.objects.get(meeting=meeting, user=sam).attended is True
    # Someone who may not be there is refused, and nothing is recorded.
    response = client.post(url, {"user": other_guest.pk, "attended": "1"})
    assert not Rsvp.objects.filter(user=other_guest).exists()


# --- A principal on leave -------------------------------------------------------------------


def test_a_principal_on_leave_sees_the_answer_section_with_send_my_delegate(client, circle):
    meeting = make_meeting(circle)
    principal = circle["members"][0]
    testing.seat(circle["community"], principal, status="on_leave")
    client.force_login(principal)
    page = client.get(_detail(meeting)).content.decode()
    assert "Are you coming?" in page and "You are on leave from CIO Circle" in page
    assert "Send my answer" not in page  # they do not answer in person
    assert '<option value="{}">Dee Delegate</option>'.format(circle["delegate"].pk) in page
    response = client.post(
        reverse("meetings:delegate", args=["cio", meeting.pk]),
        {"delegate": circle["delegate"].pk},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Dee Delegate goes in your place and was told." in page
    assert "<strong>Dee Delegate</strong> goes in your place." in page
    # Another member on leave without a delegate is told how to get one.
    other = circle["members"][1]
    testing.seat(circle["community"], other, status="on_leave")
    client.force_login(other)
    page = client.get(_detail(meeting)).content.decode()
    assert "a facilitator can appoint one" in page and 'name="delegate"' not in page


# --- Feedback shared with presenters ----------------------------------------------------------


def _presentations(circle, *, feedback_per_item=2):
    """A meeting under way: a guest presenter's talk and a member's, each with
    feedback from other members."""
    from copse.meetings.models import PresentationFeedback

    community, facilitator = circle["community"], circle["facilitator"]
    guest = testing.make_user("sam@vendor.example", name="Sam Vendor")
    testing.seat(community, guest, role="guest_presenter")
    meeting = make_meeting(circle, days_ahead=-1)
    talk = services.add_agenda_item(
        actor=facilitator, meeting=meeting, title="SIP trunks", minutes=40
    )
    panel = services.add_agenda_item(actor=facilitator, meeting=meeting, title="Panel", minutes=30)
    AgendaItem.objects.filter(pk=talk.pk).update(presenter=guest)
    AgendaItem.objects.filter(pk=panel.pk).update(presenter=circle["members"][3])
    givers = circle["members"][:3]
    for n in range(feedback_per_item):
        giver = givers[n % 3] if n < 3 else testing.make_user(organisation=circle["orgs"][0])
        if n >= 3:
            testing.seat(community, giver)
        PresentationFeedback.objects.create(
            agenda_item_id=talk.pk, author=giver, usefulness=4, comment=f"Clear tariffs {n}"
        )
        PresentationFeedback.objects.create(
            agenda_item_id=panel.pk, author=giver, usefulness=2, comment=f"Panel ran long {n}"
        )
    meeting = Meeting.objects.get(pk=meeting.pk)
    return meeting, AgendaItem.objects.get(pk=talk.pk), AgendaItem.objects.get(pk=panel.pk), guest


def _share(client, circle, item, shared="1"):
    client.force_login(circle["facilitator"])
    return client.post(
        reverse("meetings:feedback_share", args=["cio", item.meeting_id, item.pk]),
        {"shared": shared},
    )


def test_a_guest_presenter_sees_the_feedback_on_their_talk_once_it_is_shared(client, circle):
    meeting, talk, panel, guest = _presentations(circle)
    client.force_login(guest)
    page = client.get(_detail(meeting)).content.decode()
    assert "Clear tariffs" not in page and "Feedback on your presentation" not in page

    response = _share(client, circle, talk)
    assert response.status_code == 302
    _share(client, circle, panel)  # shared with the panel's presenter, not with the guest
    client.force_login(guest)
    page = client.get(_detail(meeting)).content.decode()
    assert "Feedback on your presentation" in page
    assert "Clear tariffs 0" in page and "Clear tariffs 1" in page
    # Nobody else's presentation, and never who gave it.
    assert "Panel ran long" not in page
    assert "Member 0" not in page and "Member 1" not in page

    _share(client, circle, talk, shared="0")
    client.force_login(guest)
    assert "Clear tariffs" not in client.get(_detail(meeting)).content.decode()


def test_shared_feedback_reaches_its_presenter_only(client, circle):
    meeting, talk, panel, guest = _presentations(circle)
    _share(client, circle, talk)
    _share(client, circle, panel)
    # The member who presented the panel reads theirs, not the guest's.
    client.force_login(circle["members"][3])
    page = client.get(_detail(meeting)).content.decode()
    assert "Panel ran long 0" in page and "Clear tariffs" not in page
    # Another member reads neither.
    client.force_login(circle["members"][2])
    page = client.get(_detail(meeting)).content.decode()
    assert "Panel ran long" not in page and "Clear tariffs" not in page
    # A guest who left the community reads nothing of the meeting any more.
    testing.seat(circle["community"], guest, role="guest_presenter", status="left")
    client.force_login(guest)
    assert client.get(_detail(meeting)).status_code == 404


def test_only_a_facilitator_shares_feedback(client, circle):
    meeting, talk, _, guest = _presentations(circle)
    url = reverse("meetings:feedback_share", args=["cio", meeting.pk, talk.pk])
    for person in (circle["members"][0], guest, circle["delegate"]):
        client.force_login(person)
        assert client.post(url, {"shared": "1"}).status_code == 404
    talk.refresh_from_db()
    assert talk.feedback_shared_at is None
    with pytest.raises(services.NotAllowed):
        services.share_feedback(actor=circle["members"][0], item=talk, shared=True)


@pytest.mark.parametrize("feedback_per_item", [2, 30], ids=["small", "large"])
def test_the_guest_presenters_meeting_page_runs_a_fixed_number_of_queries(
    client, circle, django_assert_max_num_queries, feedback_per_item
):
    meeting, talk, _, guest = _presentations(circle, feedback_per_item=feedback_per_item)
    _share(client, circle, talk)
    client.force_login(guest)
    url = _detail(meeting)
    client.get(url)
    # Measured: 5 at both sizes (session, user, meeting, community, standings).
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert f"Clear tariffs {feedback_per_item - 1}".encode() in response.content


def test_the_presenter_is_told_when_feedback_is_shared_and_only_while_it_is(
    client, circle, django_capture_on_commit_callbacks
):
    from copse.notifications.models import Notification

    meeting, talk, panel, guest = _presentations(circle)
    with django_capture_on_commit_callbacks(execute=True):
        _share(client, circle, talk)
    notice = Notification.objects.get(user=guest, kind="feedback_shared")
    assert notice.target == talk and notice.actor == circle["facilitator"]
    # Nobody else hears of it: not the panel's presenter, not other members.
    assert Notification.objects.filter(kind="feedback_shared").count() == 1

    client.force_login(guest)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "shared the feedback on your presentation" in inbox and talk.title in inbox
    opened = client.get(reverse("notifications:open", args=[notice.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == f"{_detail(meeting)}#shared-{talk.pk}-h"
    assert "Clear tariffs 0" in client.get(opened["Location"]).content.decode()

    # Unshared: the notice leads nowhere and leaves the inbox.
    with django_capture_on_commit_callbacks(execute=True):
        _share(client, circle, talk, shared="0")
    assert not Notification.objects.filter(kind="feedback_shared").exists()
    client.force_login(guest)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "shared the feedback on your presentation" not in inbox
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
