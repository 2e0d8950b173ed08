"""Meeting notifications in the inbox: shown while the meeting may be seen,
leading nowhere once its owner left the community."""

from django.urls import reverse

from copse import testing
from copse.meetings import services, tasks
from copse.meetings.tests.conftest import make_meeting
from copse.notifications.models import Notification


def test_a_promotion_shows_in_the_inbox_and_leads_to_the_meeting(
    client, circle, django_capture_on_commit_callbacks
):
    meeting = make_meeting(circle, capacity=1, title="Zero trust evening")
    a, b = circle["members"][:2]
    services.rsvp(actor=a, meeting=meeting, answer="yes")
    services.rsvp(actor=b, meeting=meeting, answer="yes")
    with django_capture_on_commit_callbacks(execute=True):
        services.rsvp(actor=a, meeting=meeting, answer="no")
    client.force_login(b)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "A place opened for you: “Zero trust evening”" in inbox
    notification = Notification.objects.get(user=b)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_former_members_meeting_notifications_lead_nowhere(client, circle, meeting):
    member = circle["members"][0]
    tasks.send_meeting_reminder.call(meeting.pk, "reminder_day", meeting.starts_at.isoformat())
    notification = Notification.objects.get(user=member, kind="reminder_day")
    testing.seat(circle["community"], member, status="left")
    client.force_login(member)
    assert meeting.title.encode() not in client.get(reverse("notifications:inbox")).content
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404


def test_a_changed_meeting_notifies_again_as_unread(
    circle, meeting, django_capture_on_commit_callbacks
):
    import datetime as dt

    member = circle["members"][0]
    services.rsvp(actor=member, meeting=meeting, answer="maybe")
    for hours in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            services.update_meeting(
                actor=circle["facilitator"],
                meeting=meeting,
                starts_at=meeting.starts_at + dt.timedelta(hours=hours),
                ends_at=meeting.ends_at + dt.timedelta(hours=hours),
            )
        Notification.objects.filter(user=member).update(read_at=meeting.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(actor=circle["facilitator"], meeting=meeting, reason="Storm")
    rows = Notification.objects.filter(user=member, kind="meeting_changed")
    assert rows.count() == 1 and rows.get().read_at is None
