"""Meetings and RSVPs through the API: each role reads a meeting as its page
shows it to them, answers as the page lets them, and the lists page by
keyset at a fixed number of queries."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copse import testing
from copse.api.tests.helpers import (  # noqa: F401  (cache_in_memory: a fixture)
    bearer,
    cache_in_memory,
    get_as,
    send_as,
    token_for,
)
from copse.meetings import services
from copse.meetings.models import AgendaItem, Meeting, PresentationFeedback, Rsvp

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Bring the carrier invoices from the Fremont audit"


@pytest.fixture
def cop():
    """A members-only community: a facilitator, members, a delegate of the
    first member, a guest presenter; its next meeting, whose facilitator's
    item notes hold SECRET_NOTE and where the guest presents one item."""
    community = testing.make_community(slug="ciso", name="CISO Circle", visibility="members")
    org = testing.make_organisation("Contoso")
    facilitator = testing.make_user(name="Fay Facilitator", organisation=org)
    testing.seat(community, facilitator, role="facilitator")
    members = [testing.make_user(name=f"Member {n}", organisation=org) for n in range(3)]
    seats = [testing.seat(community, member) for member in members]
    delegate = testing.make_user(name="Dee Delegate")
    testing.seat(community, delegate, role="delegate", principal=seats[0])
    guest = testing.make_user(name="Gus Guest")
    testing.seat(community, guest, role="guest_presenter")
    start = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    meeting = services.create_meeting(
        actor=facilitator,
        community=community,
        title="Spring meeting",
        description="We compare incident playbooks.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        time_zone="Europe/London",
        address="1 Harbour Street",
        capacity=2,
    )
    secret_item = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Budget round", notes=SECRET_NOTE, presenter=facilitator
    )
    guest_item = AgendaItem.objects.create(
        meeting=meeting, position=2, title="Phishing drills", notes="Slides", presenter=guest
    )
    PresentationFeedback.objects.create(
        agenda_item=secret_item, author=members[0], usefulness=5, comment="Frank numbers"
    )
    PresentationFeedback.objects.create(
        agenda_item=guest_item, author=members[1], usefulness=4, comment="Good examples"
    )
    AgendaItem.objects.filter(pk=guest_item.pk).update(feedback_shared_at=timezone.now())
    meeting = Meeting.objects.get(pk=meeting.pk)
    services.upload_material(
        actor=facilitator,
        meeting=meeting,
        uploaded_file=SimpleUploadedFile("budget.txt", b"numbers"),
    )
    services.upload_material(
        actor=guest,
        meeting=meeting,
        uploaded_file=SimpleUploadedFile("drills.txt", b"drills"),
        agenda_item=guest_item,
    )
    services.save_summary_draft(actor=facilitator, meeting=meeting, markdown="Draft notes")
    services.add_action_item(actor=facilitator, meeting=meeting, text="Share the playbook")
    return {
        "community": community,
        "facilitator": facilitator,
        "members": members,
        "delegate": delegate,
        "guest": guest,
        "meeting": Meeting.objects.get(pk=meeting.pk),
        "guest_item": guest_item,
    }


def _answer(client, user, meeting, body):
    return send_as(client, user, "put", f"/api/meetings/{meeting.pk}/rsvp", body)


# --- One meeting, as its page shows it --------------------------------------------------


def test_a_member_reads_the_whole_meeting(client, cop):
    meeting = cop["meeting"]
    response = get_as(client, cop["members"][1], f"/api/meetings/{meeting.pk}")
    assert response.status_code == 200
    body = response.json()
    assert [item["title"] for item in body["agenda"]] == ["Budget round", "Phishing drills"]
    assert body["agenda"][0]["notes"] == SECRET_NOTE
    assert body["description"] == "We compare incident playbooks."
    assert body["logistics"]["address"] == "1 Harbour Street"
    assert {m["name"] for m in body["materials"]} == {"budget.txt", "drills.txt"}
    assert body["summary"]["published_at"] is None
    assert [a["text"] for a in body["action_items"]] == ["Share the playbook"]
    assert body["may"]["rsvp"] and not body["may"]["manage"]
    # Feedback is the facilitators' until they share it with its presenter.
    assert "Good examples" not in response.content.decode()
    assert "Frank numbers" not in response.content.decode()


def test_a_guest_presenter_reads_only_their_item_and_the_logistics(client, cop):
    meeting = cop["meeting"]
    response = get_as(client, cop["guest"], f"/api/meetings/{meeting.pk}")
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    assert [item["title"] for item in body["agenda"]] == ["Phishing drills"]
    assert SECRET_NOTE not in text and "Budget round" not in text
    assert body["description"] is None and body["description_html"] is None
    assert body["summary"] is None and body["action_items"] == []
    assert [m["name"] for m in body["materials"]] == ["drills.txt"]
    assert body["logistics"]["address"] == "1 Harbour Street"
    # The feedback shared with them on their own talk, without who gave it.
    assert body["agenda"][0]["feedback_shared_with_you"] == [
        {"usefulness": 4, "comment": "Good examples"}
    ]
    assert "Member 1" not in text
    assert not body["may"]["view_whole"] and not body["may"]["rsvp"]


def test_a_guest_presenter_does_not_see_a_meeting_they_do_not_present_at(client, cop):
    other = services.create_meeting(
        actor=cop["facilitator"],
        community=cop["community"],
        title="Autumn meeting",
        starts_at=cop["meeting"].starts_at + dt.timedelta(days=60),
        ends_at=cop["meeting"].ends_at + dt.timedelta(days=60),
        time_zone="UTC",
    )
    assert get_as(client, cop["guest"], f"/api/meetings/{other.pk}").status_code == 404
    assert get_as(client, cop["guest"], f"/api/meetings/{other.pk}/rsvp").status_code == 404
    # Nor the community's list of meetings, nor who is coming to their own.
    assert get_as(client, cop["guest"], "/api/communities/ciso/meetings").status_code == 404
    people = get_as(client, cop["guest"], f"/api/meetings/{cop['meeting'].pk}/people")
    assert people.status_code == 404
    # Their own list holds the meeting they present at, and not the other.
    mine = get_as(client, cop["guest"], "/api/meetings").json()["items"]
    assert [m["id"] for m in mine] == [cop["meeting"].pk]


def test_only_the_organisers_see_an_invited_presenters_address(client, cop):
    meeting = cop["meeting"]
    AgendaItem.objects.create(
        meeting=meeting, position=3, title="Tabletop", presenter_email="expert@vendor.example"
    )
    member = get_as(client, cop["members"][1], f"/api/meetings/{meeting.pk}")
    assert "expert@vendor.example" not in member.content.decode()
    facilitator = get_as(client, cop["facilitator"], f"/api/meetings/{meeting.pk}").json()
    assert facilitator["agenda"][-1]["invited_presenter_email"] == "expert@vendor.example"


@pytest.mark.parametrize("where", ["other_facilitator", "former", "site_admin", "outsider"])
def test_people_outside_the_community_learn_nothing_of_its_meetings(client, cop, where):
    other = testing.make_community(slug="elsewhere")
    outsider = testing.make_user()
    if where == "other_facilitator":
        testing.seat(other, outsider, role="facilitator")
    elif where == "former":
        testing.seat(cop["community"], outsider, status="left")
    elif where == "site_admin":
        outsider = testing.make_site_admin()
    meeting = cop["meeting"]
    for url in (
        f"/api/meetings/{meeting.pk}",
        f"/api/meetings/{meeting.pk}/rsvp",
        f"/api/meetings/{meeting.pk}/people",
        "/api/communities/ciso/meetings",
    ):
        response = get_as(client, outsider, url)
        assert response.status_code == 404, url
        assert "Spring meeting" not in response.content.decode()
    answered = _answer(client, outsider, meeting, {"answer": "yes"})
    assert answered.status_code == 404
    assert not Rsvp.objects.filter(user=outsider).exists()
    assert "Spring meeting" not in json.dumps(get_as(client, outsider, "/api/meetings").json())


# --- Answers, the waitlist and delegates ------------------------------------------------


def test_a_yes_takes_a_place_until_the_meeting_is_full_then_the_waitlist(client, cop):
    meeting = cop["meeting"]  # two places
    first, second, third = cop["members"]
    assert _answer(client, first, meeting, {"answer": "yes"}).json()["place"] == "going"
    assert _answer(client, second, meeting, {"answer": "yes"}).json()["place"] == "going"
    waiting = _answer(client, third, meeting, {"answer": "yes"})
    assert waiting.status_code == 200
    assert waiting.json()["place"] == "waitlisted"
    listed = get_as(client, first, "/api/communities/ciso/meetings").json()["items"][0]
    assert (listed["going_count"], listed["waitlist_count"]) == (2, 1)

    # Giving up a place hands it to the first on the waitlist.
    gave_up = _answer(client, first, meeting, {"answer": "no"}).json()
    assert (gave_up["answer"], gave_up["place"]) == ("no", None)
    assert get_as(client, third, f"/api/meetings/{meeting.pk}/rsvp").json()["place"] == "going"
    assert Rsvp.objects.get(meeting=meeting, user=third).place == "going"


def test_an_answer_keeps_dinner_and_dietary_needs_for_the_facilitators(client, cop):
    meeting = cop["meeting"]
    member = cop["members"][1]
    answered = _answer(
        client,
        member,
        meeting,
        {"answer": "yes", "dinner": True, "dinner_note": "Late", "dietary_needs": "Vegan"},
    )
    assert answered.json()["dinner"] is True
    url = f"/api/meetings/{meeting.pk}/people"
    seen_by_member = get_as(client, cop["members"][2], url).json()["items"]
    assert seen_by_member[0]["dinner"] is True
    assert seen_by_member[0]["dietary_needs"] is None
    assert "Vegan" not in json.dumps(seen_by_member)
    seen_by_facilitator = get_as(client, cop["facilitator"], url).json()["items"]
    assert seen_by_facilitator[0]["dietary_needs"] == "Vegan"
    assert seen_by_facilitator[0]["dinner_note"] == "Late"


def test_dinner_is_left_out_where_the_meeting_has_none(client, cop):
    meeting = cop["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(format="online")
    answered = _answer(client, cop["members"][1], meeting, {"answer": "yes", "dinner": True})
    assert answered.status_code == 200
    assert answered.json()["dinner"] is False


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"answer": "perhaps"}, 422),
        ({}, 422),
        ({"answer": "yes", "plus_one": True}, 422),
        ({"answer": "yes", "dietary_needs": "x" * 301}, 422),
    ],
)
def test_a_malformed_answer_is_refused_and_changes_nothing(client, cop, body, status):
    response = _answer(client, cop["members"][1], cop["meeting"], body)
    assert response.status_code == status
    assert not Rsvp.objects.exists()


def test_answers_close_when_the_meeting_is_over_or_cancelled(client, cop):
    meeting = cop["meeting"]
    member = cop["members"][1]
    past = timezone.now() - dt.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=past - dt.timedelta(hours=4), ends_at=past
    )
    over = _answer(client, member, meeting, {"answer": "yes"})
    assert over.status_code == 400
    assert "over" in over.json()["detail"]
    assert get_as(client, member, f"/api/meetings/{meeting.pk}/rsvp").json()["may_answer"] is False
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    services.cancel_meeting(actor=cop["facilitator"], meeting=meeting, reason="Venue flooded")
    cancelled = _answer(client, member, meeting, {"answer": "yes"})
    assert cancelled.status_code == 403
    assert cancelled.json()["detail"] == "This meeting was cancelled."
    assert not Rsvp.objects.filter(user=member).exists()
    detail = get_as(client, member, f"/api/meetings/{meeting.pk}").json()
    assert (detail["status"], detail["cancel_reason"]) == ("cancelled", "Venue flooded")


def test_a_guest_presenter_may_not_answer(client, cop):
    response = _answer(client, cop["guest"], cop["meeting"], {"answer": "yes"})
    assert response.status_code == 403
    assert not Rsvp.objects.filter(user=cop["guest"]).exists()


def test_a_member_sends_their_delegate_in_their_place(client, cop):
    meeting = cop["meeting"]
    principal, delegate = cop["members"][0], cop["delegate"]
    _answer(client, principal, meeting, {"answer": "yes"})
    sent = send_as(
        client, principal, "post", f"/api/meetings/{meeting.pk}/delegate", {"delegate": delegate.pk}
    )
    assert sent.status_code == 200
    assert sent.json()["place"] == "going"
    assert sent.json()["delegate"]["id"] == delegate.pk
    theirs = get_as(client, delegate, f"/api/meetings/{meeting.pk}/rsvp").json()
    assert theirs["place"] == "going"
    assert theirs["delegated_from"]["id"] == principal.pk
    assert theirs["delegated_from"]["handle"] == principal.handle
    assert get_as(client, principal, f"/api/meetings/{meeting.pk}/rsvp").json()["place"] is None


def test_a_member_on_leave_sends_their_delegate_instead_of_answering(client, cop):
    meeting, principal = cop["meeting"], cop["members"][0]
    testing.seat(cop["community"], principal, status="on_leave")
    mine = get_as(client, principal, f"/api/meetings/{meeting.pk}/rsvp").json()
    assert (mine["may_answer"], mine["may_send_delegate"]) == (False, True)
    refused = _answer(client, principal, meeting, {"answer": "yes"})
    assert refused.status_code == 403
    assert "on leave" in refused.json()["detail"]
    sent = send_as(
        client,
        principal,
        "post",
        f"/api/meetings/{meeting.pk}/delegate",
        {"delegate": cop["delegate"].pk},
    )
    assert sent.status_code == 200
    assert Rsvp.objects.get(user=cop["delegate"]).delegated_from == principal


def test_nobody_sends_someone_elses_delegate(client, cop):
    meeting = cop["meeting"]
    response = send_as(
        client,
        cop["members"][1],
        "post",
        f"/api/meetings/{meeting.pk}/delegate",
        {"delegate": cop["delegate"].pk},
    )
    assert response.status_code == 400
    assert not Rsvp.objects.filter(user=cop["delegate"]).exists()


# --- Lists: keyset pages at a fixed number of queries ------------------------------------


def _meetings(community, count: int, *, days_from: int) -> None:
    now = timezone.now().replace(microsecond=0)
    Meeting.objects.bulk_create(
        Meeting(
            community=community,
            title=f"Meeting {n}",
            # Two at each start: the keyset must tell them apart by id.
            starts_at=now + dt.timedelta(days=days_from + n // 2),
            ends_at=now + dt.timedelta(days=days_from + n // 2, hours=3),
        )
        for n in range(count)
    )


def _all_pages(client, user, url, **query):
    seen, after, pages = [], None, 0
    while True:
        page = get_as(client, user, url, **query, **({"after": after} if after else {})).json()
        seen += page["items"]
        pages += 1
        after = page["next"]
        if after is None:
            return seen, pages


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_a_communitys_meetings_page_through_every_one_once(client, cop, when):
    Meeting.objects.all().delete()
    _meetings(cop["community"], 45, days_from=2 if when == "upcoming" else -40)
    seen, pages = _all_pages(client, cop["members"][1], "/api/communities/ciso/meetings", when=when)
    assert pages == 3
    assert len({m["id"] for m in seen}) == len(seen) == 45
    starts = [m["starts_at"] for m in seen]
    assert starts == sorted(starts, reverse=when == "past")


def test_your_meetings_page_through_every_one_once(client, cop):
    _meetings(cop["community"], 30, days_from=2)
    seen, pages = _all_pages(client, cop["members"][1], "/api/meetings")
    assert pages == 2
    assert len({m["id"] for m in seen}) == len(seen) == 31


def test_who_answered_pages_through_going_then_waitlist_then_maybe(client, cop):
    meeting = cop["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(capacity=40)
    meeting.refresh_from_db()
    people = [testing.make_user() for _ in range(70)]
    for n, person in enumerate(people):
        testing.seat(cop["community"], person)
        services.rsvp(actor=person, meeting=meeting, answer="maybe" if n % 4 == 0 else "yes")
    # 40 with a place, 12 waiting, 18 maybe; three give up their places and
    # the first three waiting take them.
    first_waiting = list(
        Rsvp.objects.filter(meeting=meeting, place="waitlisted")
        .order_by("waitlisted_at", "id")
        .values_list("user_id", flat=True)[:3]
    )
    for person in [p for n, p in enumerate(people) if n % 4][:3]:
        services.rsvp(actor=person, meeting=meeting, answer="no")
    seen, pages = _all_pages(client, cop["members"][1], f"/api/meetings/{meeting.pk}/people")
    assert pages == 2
    kinds = [row["kind"] for row in seen]
    assert kinds == ["going"] * 40 + ["waitlisted"] * 9 + ["maybe"] * 18
    assert len({row["person"]["id"] for row in seen}) == len(seen)
    going = {row["person"]["id"] for row in seen if row["kind"] == "going"}
    assert set(first_waiting) <= going
    waiting = [row["person"]["id"] for row in seen if row["kind"] == "waitlisted"]
    assert waiting == list(
        Rsvp.objects.filter(meeting=meeting, place="waitlisted")
        .order_by("waitlisted_at", "id")
        .values_list("user_id", flat=True)
    )


@pytest.mark.parametrize("bad", ["x", "2026-13-45T00:00:00|1", "|".join(["1"] * 9), "\x00"])
def test_a_cursor_that_does_not_read_starts_at_the_beginning(client, cop, bad):
    for url in (
        "/api/communities/ciso/meetings",
        "/api/meetings",
        f"/api/meetings/{cop['meeting'].pk}/people",
    ):
        response = get_as(client, cop["members"][1], url, after=bad)
        assert response.status_code == 200, url


@pytest.mark.parametrize("count", [3, 60], ids=["small", "large"])
@pytest.mark.usefixtures("cache_in_memory")
def test_the_meeting_lists_run_a_fixed_number_of_queries(
    client, cop, django_assert_max_num_queries, count
):
    _meetings(cop["community"], count, days_from=-count // 4)
    member = cop["members"][1]
    headers = bearer(token_for(member, scopes=["read"]))
    # Measured: the token, the user, the community, standings, the page; the
    # caller's own list needs no community.
    for url, budget in (
        ("/api/communities/ciso/meetings", 5),
        ("/api/communities/ciso/meetings?when=past", 5),
        ("/api/meetings", 4),
    ):
        client.get(url, **headers)
        with django_assert_max_num_queries(budget):
            assert client.get(url, **headers).status_code == 200


@pytest.mark.parametrize("count", [3, 60], ids=["small", "large"])
@pytest.mark.usefixtures("cache_in_memory")
def test_who_answered_runs_a_fixed_number_of_queries(
    client, cop, django_assert_max_num_queries, count
):
    meeting = cop["meeting"]
    people = [testing.make_user(organisation=cop["facilitator"].organisation) for _ in range(count)]
    Rsvp.objects.bulk_create(
        Rsvp(meeting=meeting, user=person, answer="yes", place="going", dinner=True)
        for person in people
    )
    headers = bearer(token_for(cop["facilitator"], scopes=["read"]))
    url = f"/api/meetings/{meeting.pk}/people"
    client.get(url, **headers)
    # Measured: the token, the user, the meeting with the caller's answer,
    # its community, standings, the page.
    with django_assert_max_num_queries(6):
        response = client.get(url, **headers)
    assert response.status_code == 200
    assert len(response.json()["items"]) == min(count, 50)


# Measured: the token, the user, the meeting with the caller's answer, its
# community, standings; a guest presenter's check reads who presents; a
# member with a delegate, for a meeting to come, reads the delegates and
# their answers, as the page does.
BUDGETS = {"facilitator": 5, "guest": 6, "principal": 7}


@pytest.mark.parametrize("size", [(2, 3), (30, 60)], ids=["small", "large"])
@pytest.mark.parametrize("who", list(BUDGETS))
@pytest.mark.usefixtures("cache_in_memory")
def test_a_meeting_reads_in_a_fixed_number_of_queries(
    client, cop, django_assert_max_num_queries, size, who
):
    meeting = cop["meeting"]
    items, answers = size
    for n in range(items):
        AgendaItem.objects.create(meeting=meeting, position=10 + n, title=f"Item {n}")
    Rsvp.objects.bulk_create(
        Rsvp(meeting=meeting, user=testing.make_user(), answer="yes", place="going")
        for _ in range(answers)
    )
    caller = cop["members"][0] if who == "principal" else cop[who]
    headers = bearer(token_for(caller, scopes=["read"]))
    url = f"/api/meetings/{meeting.pk}"
    client.get(url, **headers)
    with django_assert_max_num_queries(BUDGETS[who]):
        response = client.get(url, **headers)
    assert response.status_code == 200
    assert len(response.json()["agenda"]) == (1 if who == "guest" else items + 2)
