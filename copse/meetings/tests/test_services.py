"""Meeting services: series, the waitlist, delegates, hosts, agenda and topics,
presenters, materials, summaries and reminders."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from copse import testing
from copse.core import permissions
from copse.meetings import services, tasks
from copse.meetings.models import AgendaItem, Meeting, Rsvp
from copse.meetings.tests.conftest import make_meeting
from copse.notifications.models import Notification
from copse.topics.models import Topic

# --- Series -----------------------------------------------------------------------------


def _series(circle, **overrides):
    fields = {
        "title": "Monthly meeting",
        "cadence": "monthly",
        "nth": 2,
        "weekday": "TH",
        "first_date": timezone.now().date(),
        "start_time": dt.time(13, 0),
        "duration_minutes": 240,
        "time_zone": "America/Los_Angeles",
        "format": "half_day_dinner",
    }
    fields.update(overrides)
    return services.create_series(
        actor=circle["facilitator"], community=circle["community"], **fields
    )


def test_a_series_puts_six_months_of_second_thursdays_on_the_calendar(circle):
    series = _series(circle)
    meetings = list(series.meetings.order_by("starts_at"))
    assert 5 <= len(meetings) <= 7
    zone = ZoneInfo("America/Los_Angeles")
    for meeting in meetings:
        local = meeting.starts_at.astimezone(zone)
        assert local.weekday() == 3 and 8 <= local.day <= 14  # the second Thursday
        assert (local.hour, local.minute) == (13, 0)  # at 13:00 local, DST or not
        assert meeting.length_minutes == 240


def test_generating_again_neither_duplicates_nor_revives_moved_or_cancelled(circle):
    series = _series(circle)
    first, second = series.meetings.order_by("starts_at")[:2]
    services.update_meeting(
        actor=circle["facilitator"],
        meeting=first,
        starts_at=first.starts_at + dt.timedelta(days=1),
        ends_at=first.ends_at + dt.timedelta(days=1),
    )
    services.cancel_meeting(actor=circle["facilitator"], meeting=second, reason="Holiday")
    count = series.meetings.count()
    assert services.generate_meetings(series=series) == []
    assert series.meetings.count() == count
    second.refresh_from_db()
    assert second.is_cancelled


def test_only_facilitators_create_series(circle):
    with pytest.raises(services.NotAllowed):
        services.create_series(
            actor=circle["members"][0],
            community=circle["community"],
            title="Mine",
            cadence="monthly",
            nth=1,
            weekday="MO",
            first_date=dt.date(2027, 1, 1),
            start_time=dt.time(9),
            duration_minutes=60,
            time_zone="UTC",
            format="online",
        )


# --- Changes and SEQUENCE -------------------------------------------------------------------


def test_moving_raises_sequence_and_tells_those_who_answered(
    circle, meeting, django_capture_on_commit_callbacks
):
    services.rsvp(actor=circle["members"][0], meeting=meeting, answer="yes")
    services.rsvp(actor=circle["members"][1], meeting=meeting, answer="no")
    before = meeting.sequence
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            actor=circle["facilitator"],
            meeting=meeting,
            starts_at=meeting.starts_at + dt.timedelta(hours=1),
            ends_at=meeting.ends_at + dt.timedelta(hours=1),
        )
    meeting.refresh_from_db()
    assert meeting.sequence == before + 1
    told = set(Notification.objects.filter(kind="meeting_changed").values_list("user", flat=True))
    assert told == {circle["members"][0].pk}


def test_cancelling_raises_sequence_and_stops_answers(circle, meeting):
    services.cancel_meeting(actor=circle["facilitator"], meeting=meeting, reason="Snow")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    with pytest.raises(services.UserFacingError):
        services.rsvp(actor=circle["members"][0], meeting=meeting, answer="yes")


def test_a_meeting_must_end_after_it_starts(circle):
    with pytest.raises(services.MeetingError, match="end after"):
        make_meeting(circle, ends_at=timezone.now())


# --- RSVPs and the waitlist ---------------------------------------------------------------


def test_waitlist_fills_in_order_and_is_promoted_when_someone_cancels(
    circle, django_capture_on_commit_callbacks
):
    meeting = make_meeting(circle, capacity=2)
    a, b, c, d = circle["members"]
    assert services.rsvp(actor=a, meeting=meeting, answer="yes").place == "going"
    assert services.rsvp(actor=b, meeting=meeting, answer="yes").place == "going"
    assert services.rsvp(actor=c, meeting=meeting, answer="yes").place == "waitlisted"
    assert services.rsvp(actor=d, meeting=meeting, answer="yes").place == "waitlisted"
    meeting.refresh_from_db()
    assert (meeting.going_count, meeting.waitlist_count) == (2, 2)

    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(actor=a, meeting=meeting, answer="no")

    places = dict(Rsvp.objects.filter(meeting=meeting).values_list("user_id", "place"))
    assert places[c.pk] == "going" and places[d.pk] == "waitlisted" and places[a.pk] == ""
    promoted = Notification.objects.filter(kind="promoted")
    assert list(promoted.values_list("user_id", flat=True)) == [c.pk]
    meeting.refresh_from_db()
    assert (meeting.going_count, meeting.waitlist_count) == (2, 1)


def test_answering_yes_again_keeps_your_place_in_the_queue(circle):
    meeting = make_meeting(circle, capacity=1)
    a, b, c, _ = circle["members"]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    services.rsvp(actor=b, meeting=meeting, answer="yes")
    services.rsvp(actor=c, meeting=meeting, answer="yes")
    services.rsvp(actor=b, meeting=meeting, answer="yes", dietary_needs="vegetarian")
    services.rsvp(actor=a, meeting=meeting, answer="maybe")
    assert Rsvp.objects.get(meeting=meeting, user=b).place == "going"
    assert Rsvp.objects.get(meeting=meeting, user=c).place == "waitlisted"


def test_a_larger_capacity_promotes_at_once(circle):
    meeting = make_meeting(circle, capacity=1)
    a, b, c, _ = circle["members"]
    for person in (a, b, c):
        services.rsvp(actor=person, meeting=meeting, answer="yes")
    services.set_capacity(actor=circle["facilitator"], meeting=meeting, capacity=3)
    assert Rsvp.objects.filter(meeting=meeting, place="going").count() == 3
    with pytest.raises(services.MeetingError, match="cannot go below"):
        services.set_capacity(actor=circle["facilitator"], meeting=meeting, capacity=2)


def test_after_the_deadline_new_yeses_are_refused_but_no_is_accepted(circle):
    meeting = make_meeting(circle, rsvp_deadline=timezone.now() - dt.timedelta(hours=1))
    a = circle["members"][0]
    with pytest.raises(services.MeetingError, match="Answers closed"):
        services.rsvp(actor=a, meeting=meeting, answer="yes")
    assert services.rsvp(actor=a, meeting=meeting, answer="no").answer == "no"


@pytest.mark.parametrize("who", ["guest", "former", "admin", "outsider", "requester"])
def test_only_seated_people_answer(circle, meeting, who):
    community = circle["community"]
    person = testing.make_user()
    if who == "guest":
        testing.seat(community, person, role="guest_presenter")
    elif who == "former":
        testing.seat(community, person, status="left")
    elif who == "admin":
        person.is_staff = True
        person.save()
    elif who == "requester":
        testing.request_join(community, person)
    with pytest.raises(services.NotAllowed):
        services.rsvp(actor=person, meeting=meeting, answer="yes")


def test_a_delegate_answers_for_themselves(circle, meeting):
    row = services.rsvp(actor=circle["delegate"], meeting=meeting, answer="yes")
    assert row.place == "going"


def test_send_my_delegate_hands_over_the_place(circle, django_capture_on_commit_callbacks):
    meeting = make_meeting(circle, capacity=1)
    principal, other = circle["members"][0], circle["members"][1]
    services.rsvp(actor=principal, meeting=meeting, answer="yes", dinner=True)
    services.rsvp(actor=other, meeting=meeting, answer="yes")  # waitlisted
    with django_capture_on_commit_callbacks(execute=True):
        theirs = services.send_delegate(
            actor=principal, meeting=meeting, delegate=circle["delegate"]
        )
    assert theirs.place == "going" and theirs.delegated_from == principal and theirs.dinner
    assert Rsvp.objects.get(meeting=meeting, user=principal).place == ""
    assert Rsvp.objects.get(meeting=meeting, user=other).place == "waitlisted"
    meeting.refresh_from_db()
    assert meeting.going_count == 1
    assert Notification.objects.filter(user=circle["delegate"], kind="delegated").exists()


def test_only_your_own_delegate_can_take_your_place(circle, meeting):
    services.rsvp(actor=circle["members"][1], meeting=meeting, answer="yes")
    with pytest.raises(services.MeetingError, match="not your delegate"):
        services.send_delegate(
            actor=circle["members"][1], meeting=meeting, delegate=circle["delegate"]
        )


def test_attendance_marks_present_and_takes_walk_ins(circle, meeting):
    a, b = circle["members"][:2]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    services.record_attendance(actor=circle["facilitator"], meeting=meeting, user=a, attended=True)
    walk_in = services.record_attendance(
        actor=circle["facilitator"], meeting=meeting, user=b, attended=True
    )
    assert walk_in.attended and walk_in.place == ""  # present, without taking a place
    with pytest.raises(services.NotAllowed):
        services.record_attendance(actor=a, meeting=meeting, user=b, attended=False)
    with pytest.raises(services.MeetingError):
        services.record_attendance(
            actor=circle["facilitator"], meeting=meeting, user=testing.make_user(), attended=True
        )


# --- Hosts -------------------------------------------------------------------------------


def test_host_rotation_suggests_never_hosted_first_then_least_recent(circle):
    community = circle["community"]
    contoso, fabrikam, northwind = circle["orgs"]
    extra = testing.make_organisation("Adatum")
    for org in (contoso, fabrikam, northwind, extra):
        services.set_host_offer(
            actor=circle["facilitator"], community=community, organisation=org, willing=True
        )
    make_meeting(circle, days_ahead=-60, host_organisation=contoso)
    make_meeting(circle, days_ahead=-30, host_organisation=fabrikam)
    make_meeting(circle, days_ahead=-90, host_organisation=fabrikam)
    order = [row["organisation"].name for row in services.host_rotation(community)]
    # Adatum and Northwind never hosted (by name), then Contoso (60 days), then Fabrikam (30).
    assert order == ["Adatum", "Northwind", "Contoso", "Fabrikam"]
    assert services.suggested_host(community) == extra

    services.set_host_offer(
        actor=circle["facilitator"], community=community, organisation=extra, willing=False
    )
    assert services.suggested_host(community) == northwind


def test_cancelled_meetings_do_not_count_as_hosting(circle):
    community = circle["community"]
    contoso, fabrikam, _ = circle["orgs"]
    for org in (contoso, fabrikam):
        services.set_host_offer(
            actor=circle["facilitator"], community=community, organisation=org, willing=True
        )
    make_meeting(circle, days_ahead=-60, host_organisation=contoso)
    cancelled = make_meeting(circle, days_ahead=-10, host_organisation=fabrikam)
    services.cancel_meeting(actor=circle["facilitator"], meeting=cancelled, reason="Flu")
    assert services.suggested_host(community) == fabrikam


def test_a_member_may_offer_only_their_own_organisation(circle):
    member = circle["members"][1]  # Fabrikam
    community = circle["community"]
    services.set_host_offer(
        actor=member, community=community, organisation=member.organisation, willing=True
    )
    with pytest.raises(services.NotAllowed):
        services.set_host_offer(
            actor=member, community=community, organisation=circle["orgs"][2], willing=True
        )


# --- Agenda and topics ----------------------------------------------------------------------


def _topic(circle, title="Zero trust", votes=0):
    return Topic.objects.create(
        community=circle["community"],
        title=title,
        proposed_by=circle["members"][0],
        vote_count=votes,
    )


def test_a_topic_on_the_agenda_is_scheduled_and_covered_when_the_summary_is_published(circle):
    meeting = make_meeting(circle, days_ahead=0)  # under way
    topic = _topic(circle)
    item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="", minutes=45, topic=topic
    )
    assert item.title == "Zero trust"
    topic.refresh_from_db()
    assert topic.status == "scheduled"
    services.save_summary_draft(
        actor=circle["facilitator"], meeting=meeting, markdown="We learned."
    )
    services.publish_summary(actor=circle["facilitator"], meeting=meeting)
    topic.refresh_from_db()
    assert topic.status == "covered"


def test_removing_the_only_agenda_item_returns_its_topic_to_the_backlog(circle, meeting):
    topic = _topic(circle)
    item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="", minutes=45, topic=topic
    )
    services.remove_agenda_item(actor=circle["facilitator"], item=item)
    topic.refresh_from_db()
    assert topic.status == "proposed"


def test_cancelling_a_meeting_returns_its_topics_to_the_backlog(circle, meeting):
    topic = _topic(circle)
    services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="", minutes=45, topic=topic
    )
    services.cancel_meeting(actor=circle["facilitator"], meeting=meeting, reason="Snow")
    topic.refresh_from_db()
    assert topic.status == "proposed"


def test_an_undone_tap_at_the_door_takes_no_place_from_the_waitlist(circle):
    meeting = make_meeting(circle, capacity=1)
    a, b, c, _ = circle["members"]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    services.rsvp(actor=b, meeting=meeting, answer="yes")  # waitlisted
    f = circle["facilitator"]
    services.record_attendance(actor=f, meeting=meeting, user=c, attended=True)
    services.record_attendance(actor=f, meeting=meeting, user=c, attended=False)
    assert (
        services.record_attendance(
            actor=f, meeting=meeting, user=circle["members"][3], attended=False
        )
        is None
    )
    services.rsvp(actor=a, meeting=meeting, answer="no")
    assert Rsvp.objects.get(meeting=meeting, user=b).place == "going"
    meeting.refresh_from_db()
    assert meeting.going_count == 1


def test_agenda_reorders_by_steps_and_all_at_once(circle, meeting):
    f = circle["facilitator"]
    a, b, c = (
        services.add_agenda_item(actor=f, meeting=meeting, title=t, minutes=30)
        for t in ("A", "B", "C")
    )
    services.move_agenda_item(actor=f, item=c, direction="up")
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["A", "C", "B"]
    services.reorder_agenda(actor=f, meeting=meeting, ordered_ids=[b.pk, a.pk, c.pk])
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["B", "A", "C"]
    with pytest.raises(services.MeetingError, match="changed"):
        services.reorder_agenda(actor=f, meeting=meeting, ordered_ids=[b.pk, a.pk])
    with pytest.raises(services.NotAllowed):
        services.move_agenda_item(actor=circle["members"][0], item=a, direction="down")


def test_agenda_changes_raise_sequence(circle, meeting):
    before = meeting.sequence
    services.add_agenda_item(actor=circle["facilitator"], meeting=meeting, title="X", minutes=10)
    meeting.refresh_from_db()
    assert meeting.sequence == before + 1


def test_a_topic_of_another_community_is_refused(circle, meeting):
    other = testing.make_community()
    topic = Topic.objects.create(community=other, title="Elsewhere")
    with pytest.raises(services.MeetingError, match="another community"):
        services.add_agenda_item(
            actor=circle["facilitator"], meeting=meeting, title="", minutes=10, topic=topic
        )


# --- Presenters -------------------------------------------------------------------------------


def test_inviting_a_member_makes_them_presenter_at_once(circle, meeting):
    item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="Talk", minutes=30
    )
    assert (
        services.invite_presenter(
            actor=circle["facilitator"], item=item, email=circle["members"][2].email.upper()
        )
        is None
    )
    item.refresh_from_db()
    assert item.presenter == circle["members"][2]


def test_an_outside_presenter_is_invited_and_linked_when_they_accept(circle, meeting):
    from copse.memberships import services as membership_services

    item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="Vendor view", minutes=30
    )
    invitation = services.invite_presenter(
        actor=circle["facilitator"], item=item, email="sam@vendor.example"
    )
    assert invitation.role == "guest_presenter"
    item.refresh_from_db()
    assert item.presenter is None and item.presenter_email == "sam@vendor.example"

    sam = testing.make_user("sam@vendor.example", name="Sam Vendor")
    membership_services.accept_invitation(
        actor=sam, invitation=invitation, accepted_norms_version=circle["community"].norms_version
    )
    item.refresh_from_db()
    assert item.presenter == sam
    permissions.forget_standings(sam)
    assert permissions.can(sam, "meeting.view", meeting)
    assert permissions.can(sam, "meeting.view_logistics", meeting)
    assert not permissions.can(sam, "meeting.view_whole", meeting)
    assert not permissions.can(sam, "community.read", circle["community"])
    other = make_meeting(circle, days_ahead=40)
    assert not permissions.can(sam, "meeting.view", other)


# --- Materials --------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_materials_must_be_an_allowed_type_and_look_like_it(circle, meeting):
    f = circle["facilitator"]
    ok = services.upload_material(
        actor=f, meeting=meeting, uploaded_file=SimpleUploadedFile("Deck.PDF", PDF)
    )
    assert ok.content_type == "application/pdf" and ok.original_name == "Deck.PDF"
    assert "Deck" not in ok.file.name  # stored under a random name
    with pytest.raises(services.MeetingError, match="cannot be shared"):
        services.upload_material(
            actor=f, meeting=meeting, uploaded_file=SimpleUploadedFile("run.exe", b"MZ\x90")
        )
    with pytest.raises(services.MeetingError, match="does not look like"):
        services.upload_material(
            actor=f,
            meeting=meeting,
            uploaded_file=SimpleUploadedFile("fake.pdf", b"<html><script>x</script>"),
        )
    with pytest.raises(services.MeetingError, match="empty"):
        services.upload_material(
            actor=f, meeting=meeting, uploaded_file=SimpleUploadedFile("e.txt", b"")
        )


@override_settings(COPSE_UPLOAD_MAX_BYTES=1000)
def test_materials_over_the_size_limit_are_refused(circle, meeting):
    with pytest.raises(services.MeetingError, match="the limit is"):
        services.upload_material(
            actor=circle["facilitator"],
            meeting=meeting,
            uploaded_file=SimpleUploadedFile("big.txt", b"a" * 1001),
        )


def test_members_who_do_not_present_cannot_upload(circle, meeting):
    with pytest.raises(services.NotAllowed):
        services.upload_material(
            actor=circle["members"][0],
            meeting=meeting,
            uploaded_file=SimpleUploadedFile("notes.txt", b"hello"),
        )
    services.add_agenda_item(
        actor=circle["facilitator"],
        meeting=meeting,
        title="My talk",
        minutes=20,
        presenter=circle["members"][0],
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    services.upload_material(
        actor=circle["members"][0],
        meeting=meeting,
        uploaded_file=SimpleUploadedFile("notes.txt", b"hello"),
    )


# --- Summary, comments, action items, feedback ----------------------------------------------------


def test_members_comment_on_the_draft_until_it_is_published(circle):
    meeting = make_meeting(circle, days_ahead=0)  # under way
    member = circle["members"][0]
    with pytest.raises(services.NotAllowed):  # no draft yet
        services.comment_on_summary(actor=member, meeting=meeting, body="Hm")
    services.save_summary_draft(actor=circle["facilitator"], meeting=meeting, markdown="# Notes")
    comment = services.comment_on_summary(actor=member, meeting=meeting, body="Add the *numbers*")
    assert "<em>numbers</em>" in comment.body_html
    services.publish_summary(actor=circle["facilitator"], meeting=meeting)
    with pytest.raises(services.NotAllowed):
        services.comment_on_summary(actor=member, meeting=meeting, body="Late")
    with pytest.raises(services.MeetingError, match="published"):
        services.save_summary_draft(actor=circle["facilitator"], meeting=meeting, markdown="x")


def test_summary_html_is_sanitised(circle, meeting):
    services.save_summary_draft(
        actor=circle["facilitator"],
        meeting=meeting,
        markdown="<script>alert(1)</script> [x](javascript:alert(1))",
    )
    assert "<script" not in meeting.summary_html
    assert 'href="javascript' not in meeting.summary_html


def test_action_items_are_ticked_by_their_owner_or_an_organiser(circle, meeting):
    owner, other = circle["members"][:2]
    item = services.add_action_item(
        actor=circle["facilitator"], meeting=meeting, text="Share the RFP", owner=owner
    )
    services.set_action_item_done(actor=owner, item=item, done=True)
    assert item.done_at is not None
    with pytest.raises(services.NotAllowed):
        services.set_action_item_done(actor=other, item=item, done=False)


def test_feedback_after_the_meeting_once_per_member_never_on_yourself(circle):
    meeting = make_meeting(circle, days_ahead=-1)
    presenter, listener = circle["members"][:2]
    item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=meeting, title="Talk", minutes=30, presenter=presenter
    )
    services.give_feedback(actor=listener, item=item, usefulness=4, comment="Good")
    services.give_feedback(actor=listener, item=item, usefulness=5, comment="Better")
    assert item.feedback.count() == 1 and item.feedback.get().usefulness == 5
    with pytest.raises(services.MeetingError, match="own presentation"):
        services.give_feedback(actor=presenter, item=item, usefulness=5, comment="")
    future = make_meeting(circle, days_ahead=10)
    future_item = services.add_agenda_item(
        actor=circle["facilitator"], meeting=future, title="Later", minutes=30, presenter=presenter
    )
    with pytest.raises(services.NotAllowed):
        services.give_feedback(actor=listener, item=future_item, usefulness=3, comment="")


# --- Reminders -------------------------------------------------------------------------------------


def test_reminders_go_to_those_who_have_not_answered_and_those_with_a_place(circle, meeting):
    a, b, c, d = circle["members"]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    services.rsvp(actor=b, meeting=meeting, answer="no")
    services.rsvp(actor=c, meeting=meeting, answer="maybe")
    sent = tasks.send_meeting_reminder.call(
        meeting.pk, "reminder_week", meeting.starts_at.isoformat()
    )
    reminded = set(
        Notification.objects.filter(kind="reminder_week").values_list("user_id", flat=True)
    )
    # a (yes), d and the delegate and facilitator (no answer); not b (no) nor c (maybe).
    assert reminded == {a.pk, d.pk, circle["delegate"].pk, circle["facilitator"].pk}
    assert sent == 4
    again = tasks.send_meeting_reminder.call(
        meeting.pk, "reminder_week", meeting.starts_at.isoformat()
    )
    assert again == 0


def test_a_reminder_planned_for_the_old_time_of_a_moved_meeting_does_nothing(circle, meeting):
    planned = meeting.starts_at.isoformat()
    services.update_meeting(
        actor=circle["facilitator"],
        meeting=meeting,
        starts_at=meeting.starts_at + dt.timedelta(days=1),
        ends_at=meeting.ends_at + dt.timedelta(days=1),
    )
    assert tasks.send_meeting_reminder.call(meeting.pk, "reminder_day", planned) == 0


def test_reminders_are_queued_for_a_week_and_a_day_before(circle, meeting):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        queued = tasks.schedule_reminders(meeting)
        rows = list(DBTaskResult.objects.order_by("run_after"))
    assert queued == 2
    assert [row.run_after for row in rows] == [
        meeting.starts_at - dt.timedelta(days=7),
        meeting.starts_at - dt.timedelta(days=1),
    ]


def test_a_former_member_gets_no_reminder(circle, meeting):
    gone = circle["members"][3]
    testing.seat(circle["community"], gone, status="left")
    tasks.send_meeting_reminder.call(meeting.pk, "reminder_day", meeting.starts_at.isoformat())
    assert not Notification.objects.filter(user=gone).exists()


def test_agenda_item_belongs_to_its_meeting_community():
    assert AgendaItem.community.fget  # the permission core reads item.community


def test_a_series_tops_itself_up_every_month(circle):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        series = _series(circle)
        assert tasks.plan_series_extension(series)
        planned = DBTaskResult.objects.filter(task_path__endswith="extend_series")
        assert planned.exists()
        assert planned.first().run_after > timezone.now() + dt.timedelta(days=29)
        # A month later the task adds the month that came into range and plans again.
        later = series.meetings.order_by("starts_at").last().starts_at + dt.timedelta(days=40)
        before = series.meetings.count()
        created = services.generate_meetings(series=series, now=later - dt.timedelta(days=31 * 6))
        assert len(created) >= 1 and series.meetings.count() == before + len(created)
        services.end_series(actor=circle["facilitator"], series=series)
        series.refresh_from_db()
        assert tasks.extend_series.call(series.pk) == 0


def test_an_organisation_down_to_host_a_coming_meeting_is_next_hosting_not_last_hosted(circle):
    community = circle["community"]
    contoso, fabrikam, northwind = circle["orgs"]
    for org in (contoso, fabrikam, northwind):
        services.set_host_offer(
            actor=circle["facilitator"], community=community, organisation=org, willing=True
        )
    held = make_meeting(circle, days_ahead=-30, host_organisation=contoso)
    make_meeting(circle, days_ahead=-60, host_organisation=fabrikam)
    coming = make_meeting(circle, days_ahead=20, host_organisation=contoso)
    rows = {row["organisation"].name: row for row in services.host_rotation(community)}
    assert rows["Contoso"]["last_hosted"] == held.starts_at
    assert rows["Contoso"]["next_hosting"] == coming.starts_at
    assert rows["Fabrikam"]["next_hosting"] is None
    # Northwind never hosted, Fabrikam hosted longest ago, Contoso is already booked.
    order = [row["organisation"].name for row in services.host_rotation(community)]
    assert order == ["Northwind", "Fabrikam", "Contoso"]


def test_a_summary_is_published_only_once_the_meeting_has_started(circle, meeting):
    services.save_summary_draft(actor=circle["facilitator"], meeting=meeting, markdown="Notes")
    with pytest.raises(services.MeetingError, match="has not started yet"):
        services.publish_summary(actor=circle["facilitator"], meeting=meeting)
    meeting.refresh_from_db()
    assert not meeting.summary_is_published and meeting.summary_markdown == "Notes"


def test_a_principal_on_leave_sends_their_delegate_without_answering_in_person(
    circle, django_capture_on_commit_callbacks
):
    meeting = make_meeting(circle, capacity=1)
    principal = circle["members"][0]
    testing.seat(circle["community"], principal, status="on_leave")
    with pytest.raises(services.NotAllowed):
        services.rsvp(actor=principal, meeting=meeting, answer="yes")
    with django_capture_on_commit_callbacks(execute=True):
        theirs = services.send_delegate(
            actor=principal, meeting=meeting, delegate=circle["delegate"]
        )
    assert theirs.place == "going" and theirs.delegated_from == principal
    assert not Rsvp.objects.filter(meeting=meeting, user=principal).exists()
    meeting.refresh_from_db()
    assert meeting.going_count == 1
    assert Notification.objects.filter(user=circle["delegate"], kind="delegated").exists()
    # Sending them again finds their place taken by them already.
    with pytest.raises(services.MeetingError, match="already has a place"):
        services.send_delegate(actor=principal, meeting=meeting, delegate=circle["delegate"])


def test_a_delegate_sent_to_a_full_meeting_waits_on_the_waitlist(circle):
    meeting = make_meeting(circle, capacity=1)
    services.rsvp(actor=circle["members"][1], meeting=meeting, answer="yes")
    theirs = services.send_delegate(
        actor=circle["members"][0], meeting=meeting, delegate=circle["delegate"]
    )
    assert theirs.place == "waitlisted"


@pytest.mark.parametrize("status", ["left", "removed"])
def test_a_former_member_sends_no_delegate(circle, meeting, status):
    principal = circle["members"][0]
    testing.seat(circle["community"], principal, status=status)
    with pytest.raises(services.NotAllowed):
        services.send_delegate(actor=principal, meeting=meeting, delegate=circle["delegate"])
    assert not Rsvp.objects.filter(meeting=meeting).exists()
