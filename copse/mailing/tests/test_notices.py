"""Notifications that should not wait for a visit also go by mail, over real
SMTP: meeting reminders and mentions; link-only in confidential communities;
nothing for someone who stopped mail there or may no longer see the meeting."""

import pytest
from django.test import override_settings

from copse import testing
from copse.conversations import services as conversations
from copse.mailing import outbound, services
from copse.mailing.models import OutgoingMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings
from copse.meetings import tasks as meeting_tasks
from copse.meetings.tests.conftest import circle, make_meeting  # noqa: F401 - fixture

SECRET_TITLE = "Breach response rehearsal"


# Tasks queued meanwhile wait (nothing is sent until `_deliver`).
WAIT = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def _remind(meeting, captured):
    with WAIT, captured(execute=True):
        meeting_tasks.send_meeting_reminder.call(
            meeting.pk, "reminder_day", meeting.starts_at.isoformat()
        )


def _deliver():
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        counts = outbound.deliver_due()
    return collector, counts


def test_a_meeting_reminder_arrives_by_mail_in_the_readers_time_zone(
    circle,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    member = circle["members"][0]
    member.time_zone = "Europe/London"
    member.save()
    meeting = make_meeting(circle, days_ahead=1, title="Zero trust evening")
    _remind(meeting, django_capture_on_commit_callbacks)
    notices = OutgoingMessage.objects.filter(kind="notice")
    assert notices.filter(recipient=member).exists()
    collector, counts = _deliver()
    assert counts["sent"] == notices.count()
    mine = next(m for m in collector.messages() if m["To"] == member.email)
    assert mine["Subject"] == "[CIO Circle] Meeting tomorrow: Zero trust evening"
    text = mine.get_body(("plain",)).get_content()
    local = meeting.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London"))
    assert local.strftime("%H:%M") + " (Europe/London)" in text
    assert "1 Infinite Loop" in text  # full content in a members-only community
    assert "/notifications/" in text
    assert mine["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mine["Auto-Submitted"] == "auto-generated"
    assert mine["Reply-To"] is None


def test_a_confidential_reminder_names_no_meeting(
    circle,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    community = circle["community"]
    community.visibility = "confidential"
    community.save()
    meeting = make_meeting(circle, days_ahead=1, title=SECRET_TITLE, address="Vault 7")
    _remind(meeting, django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    assert collector.received
    for _, _, raw in collector.received:
        assert b"Breach" not in raw and b"Vault 7" not in raw
    assert collector.messages()[0]["Subject"] == "[CIO Circle] Meeting tomorrow"


def test_no_mail_for_who_stopped_mail_there_or_left_before_the_send(
    circle,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    quiet, leaving, staying = circle["members"][:3]
    services.set_community_mode(user=quiet, community=circle["community"], mode="none")
    meeting = make_meeting(circle, days_ahead=1)
    _remind(meeting, django_capture_on_commit_callbacks)
    testing.seat(circle["community"], leaving, status="left")
    collector, counts = _deliver()
    received = {m["To"] for m in collector.messages()}
    assert staying.email in received
    assert quiet.email not in received and leaving.email not in received
    assert counts["dropped"] == 2


@pytest.mark.parametrize(("body", "mailed"), [("Thoughts, @{handle}?", True), ("Thanks.", False)])
def test_a_mention_is_mailed_but_a_reply_is_not(
    circle,  # noqa: F811
    django_capture_on_commit_callbacks,
    body,
    mailed,
):
    from copse.conversations.tasks import notify_about_post

    author, mentioned = circle["members"][:2]
    thread = conversations.start_thread(
        actor=mentioned, community=circle["community"], kind="ask", title="Carriers", body="?"
    )
    reply = conversations.post_reply(
        actor=author, thread=thread, body=body.format(handle=mentioned.handle)
    )
    with WAIT, django_capture_on_commit_callbacks(execute=True):
        notify_about_post.call(reply.pk)
    notices = OutgoingMessage.objects.filter(kind="notice", recipient=mentioned)
    assert notices.exists() == mailed
    if mailed:
        collector, _ = _deliver()
        message = next(m for m in collector.messages() if m["To"] == mentioned.email)
        # (A non-ASCII subject is folded onto its own line: the parser keeps a space.)
        assert (
            message["Subject"].strip() == f"[CIO Circle] {author.name} mentioned you in “Carriers”"
        )


def test_a_reminder_is_listed_on_mail_copse_sent_you(
    client,
    circle,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from django.urls import reverse

    member = circle["members"][0]
    meeting = make_meeting(circle, days_ahead=1, title="Zero trust evening")
    _remind(meeting, django_capture_on_commit_callbacks)
    _deliver()
    row = OutgoingMessage.objects.get(kind="notice", recipient=member)
    client.force_login(member)
    assert b"Meeting tomorrow: Zero trust evening" in client.get(reverse("mailing:sent")).content
    page = client.get(reverse("mailing:sent_message", args=[row.pk]))
    assert b"Zero trust evening" in page.content
    testing.seat(circle["community"], member, status="left")
    gone = client.get(reverse("mailing:sent_message", args=[row.pk]))
    assert b"no longer available" in gone.content and b"Zero trust" not in gone.content
