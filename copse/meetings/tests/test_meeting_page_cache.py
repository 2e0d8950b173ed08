"""The meeting page keeps its parts between requests (meetings/page.py): each
change shows at the next request, to everyone, and nobody sees what another
viewer of a different standing sees."""

import datetime as dt

from django.urls import reverse

from copse import testing
from copse.meetings import services
from copse.meetings.models import AgendaItem, Meeting
from copse.meetings.tests.conftest import make_meeting
from copse.memberships import services as memberships


def _detail(meeting):
    return reverse("meetings:detail", args=[meeting.community.slug, meeting.pk])


def _page(client, person, meeting) -> str:
    client.force_login(person)
    response = client.get(_detail(meeting))
    assert response.status_code == 200
    return response.content.decode()


def _fresh(meeting):
    return Meeting.objects.get(pk=meeting.pk)


def test_an_answer_changes_the_counts_and_the_list_at_once_for_everyone(client, circle):
    meeting = make_meeting(circle)
    watcher, coming = circle["members"][1], circle["members"][2]
    before = _page(client, watcher, meeting)
    _page(client, circle["facilitator"], meeting)
    assert "Member 2" not in before and "0 going" in before

    services.rsvp(actor=coming, meeting=_fresh(meeting), answer="yes")
    for person in (watcher, circle["facilitator"]):
        page = _page(client, person, meeting)
        assert "1 going" in page
        assert "<strong>Member 2</strong>" in page

    services.rsvp(actor=coming, meeting=_fresh(meeting), answer="maybe")
    page = _page(client, watcher, meeting)
    assert "0 going" in page and "<strong>Member 2</strong>" not in page
    assert "Maybe: Member 2" in page


def test_dietary_needs_show_to_the_facilitators_only(client, circle):
    meeting = make_meeting(circle)
    services.rsvp(
        actor=circle["members"][2], meeting=meeting, answer="yes", dietary_needs="No nuts"
    )
    assert "No nuts" in _page(client, circle["facilitator"], meeting)
    assert "No nuts" not in _page(client, circle["members"][1], meeting)
    assert "No nuts" in _page(client, circle["facilitator"], meeting)


def test_the_page_lists_the_first_answers_and_links_to_everyone(client, circle):
    from copse.meetings import selectors

    meeting = make_meeting(circle)
    people = [testing.make_user(name=f"Person {n:02}") for n in range(selectors.PEOPLE_SHOWN + 3)]
    for person in people:
        testing.seat(circle["community"], person)
        services.rsvp(actor=person, meeting=_fresh(meeting), answer="yes")
    page = _page(client, circle["members"][1], meeting)
    assert "Person 00" in page and f"Person {selectors.PEOPLE_SHOWN - 1:02}" in page
    assert f"Person {selectors.PEOPLE_SHOWN:02}" not in page
    assert "And 3 more with a place." in page
    everyone = reverse("meetings:people", args=["cio", meeting.pk])
    assert everyone in page
    whole = client.get(everyone).content.decode()
    assert all(person.display_name in whole for person in people)
    # Not for whoever may not see who is coming.
    client.force_login(testing.make_user())
    assert client.get(everyone).status_code == 404


def test_a_member_removed_no_longer_sees_the_meeting(client, circle):
    meeting = make_meeting(circle, description="Bring the **renewal** numbers")
    leaving = circle["members"][2]
    assert "renewal" in _page(client, leaving, meeting)
    membership = leaving.memberships.get(community=circle["community"])
    memberships.remove_member(actor=circle["facilitator"], membership=membership, reason="Left")
    client.force_login(leaving)
    assert client.get(_detail(meeting)).status_code == 404
    # The others still see it, from the same cache.
    assert "renewal" in _page(client, circle["members"][1], meeting)


def test_a_role_change_shows_the_organisers_controls_at_once(client, circle):
    meeting = make_meeting(circle)
    services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="Opening", minutes=30
    )
    promoted = circle["members"][1]
    assert "Add an agenda item" not in _page(client, promoted, meeting)
    membership = promoted.memberships.get(community=circle["community"])
    memberships.change_role(actor=circle["facilitator"], membership=membership, role="facilitator")
    assert "Add an agenda item" in _page(client, promoted, meeting)
    memberships.change_role(
        actor=circle["facilitator"],
        membership=promoted.memberships.get(community=circle["community"]),
        role="member",
    )
    assert "Add an agenda item" not in _page(client, promoted, meeting)


def test_an_agenda_change_and_a_move_show_at_once(client, circle):
    meeting = make_meeting(circle)
    item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="Opening", minutes=30
    )
    member = circle["members"][1]
    assert "Opening" in _page(client, member, meeting)
    services.update_agenda_item(
        actor=circle["facilitator"], item=item, title="Welcome", minutes=15, notes=""
    )
    page = _page(client, member, meeting)
    assert "Welcome" in page and "Opening" not in page
    services.add_agenda_item(
        actor=circle["facilitator"], meeting=_fresh(meeting), title="Panel", minutes=30
    )
    services.reorder_agenda(
        actor=circle["facilitator"],
        meeting=_fresh(meeting),
        ordered_ids=list(
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("-position")
            .values_list("pk", flat=True)
        ),
    )
    page = _page(client, member, meeting)
    assert page.index("Panel") < page.index("Welcome")

    moved = _fresh(meeting)
    before = _fresh(meeting)
    services.update_meeting(
        actor=circle["facilitator"],
        meeting=moved,
        starts_at=moved.starts_at + dt.timedelta(days=7),
        ends_at=moved.ends_at + dt.timedelta(days=7),
    )
    from copse.meetings.templatetags.meetings import meeting_when

    page = _page(client, member, meeting)
    assert str(meeting_when(_fresh(meeting))) in page
    assert str(meeting_when(before)) not in page


def test_a_guest_presenter_sees_only_what_they_saw_before(client, circle):
    meeting = make_meeting(circle)
    guest = testing.make_user("sam@vendor.example", name="Sam Vendor")
    testing.seat(circle["community"], guest, role="guest_presenter")
    talk = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="SIP", minutes=30
    )
    services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="Members only", minutes=30
    )
    AgendaItem.objects.filter(pk=talk.pk).update(presenter=guest)
    services.rsvp(actor=circle["members"][2], meeting=_fresh(meeting), answer="yes")
    services.add_action_item(
        actor=circle["facilitator"], meeting=_fresh(meeting), text="Send the tariffs"
    )
    # Members first, so that a shared rendering would be there to leak.
    member_page = _page(client, circle["members"][1], meeting)
    assert "Members only" in member_page and "Send the tariffs" in member_page
    guest_page = _page(client, guest, meeting)
    assert "SIP" in guest_page and "Your agenda items" in guest_page
    for hidden in ("Members only", "Send the tariffs", "Action items", "Agenda</h2>"):
        assert hidden not in guest_page
    # What the guest sees is not served to a member either.
    assert "Members only" in _page(client, circle["members"][1], meeting)


def test_each_viewer_gets_their_own_controls_and_token(client, circle):
    meeting = make_meeting(circle)
    owner, other = circle["members"][1], circle["members"][2]
    services.add_action_item(
        actor=circle["facilitator"], meeting=meeting, text="Write it up", owner=owner
    )
    assert "Mark done" in _page(client, owner, meeting)
    assert "Mark done" not in _page(client, other, meeting)
    client.force_login(other)
    response = client.get(_detail(meeting))
    token = response.cookies["csrftoken"].value if "csrftoken" in response.cookies else None
    assert "copse-csrf-stand-in" not in response.content.decode()
    if token:
        assert token not in _page(client, owner, meeting)


def test_an_outsider_of_a_confidential_community_never_reaches_the_cache(client, circle):
    community = circle["community"]
    community.visibility = "confidential"
    community.save()
    meeting = make_meeting(circle, description="Secret plans")
    assert "Secret plans" in _page(client, circle["members"][1], meeting)
    client.force_login(testing.make_user())
    response = client.get(_detail(meeting))
    assert response.status_code == 404 and b"Secret plans" not in response.content


def test_action_items_comments_and_feedback_show_at_once(client, circle):
    from copse.meetings.models import ActionItem

    meeting = make_meeting(circle, days_ahead=-1)
    f, member, other = circle["facilitator"], circle["members"][1], circle["members"][2]
    talk = services.add_agenda_item(actor=f, meeting=meeting, title="Talk", minutes=30)
    AgendaItem.objects.filter(pk=talk.pk).update(presenter=circle["members"][3])
    services.save_summary_draft(actor=f, meeting=_fresh(meeting), markdown="Draft notes")
    assert "No action items." in _page(client, member, meeting)
    _page(client, f, meeting)

    action = services.add_action_item(actor=f, meeting=_fresh(meeting), text="Call the carrier")
    assert "Call the carrier" in _page(client, member, meeting)
    services.set_action_item_done(actor=f, item=ActionItem.objects.get(pk=action.pk), done=True)
    assert "<s>Call the carrier</s>" in _page(client, member, meeting)

    services.comment_on_summary(actor=other, meeting=_fresh(meeting), body="Add the figures")
    assert "Add the figures" in _page(client, member, meeting)

    services.give_feedback(
        actor=other, item=AgendaItem.objects.get(pk=talk.pk), usefulness=5, comment="Sharp"
    )
    assert "Sharp" in _page(client, f, meeting)
    assert "Sharp" not in _page(client, member, meeting)
    assert "Your feedback: Very useful" in _page(client, other, meeting)
