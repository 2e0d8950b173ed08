"""Members hear that a pulse opened in Copse and by mail, once: the inbox
line leads to the pulse; the mail says until when it is open and that it
is anonymous, and in a confidential community carries only the link."""

from django.test import override_settings
from django.urls import reverse

from copse import testing
from copse.mailing import outbound
from copse.mailing.tests.smtp import smtp_server, smtp_settings
from copse.notifications.models import Notification
from copse.pulses.tasks import tell_members_of_pulse
from copse.pulses.tests.conftest import make_circle, open_pulse

QUESTION = "What SECRET thing would make the circle better?"
# Queued work waits, so the mail goes through the test's own SMTP server.
WAIT = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def _opened(visibility, capture):
    circle = make_circle(slug=f"circle-{visibility}", visibility=visibility)
    with WAIT:
        pulse = open_pulse(circle, open_question=QUESTION)
        with capture(execute=True):
            tell_members_of_pulse.call(pulse.pk)
    return circle, pulse


def _deliver():
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        counts = outbound.deliver_due()
    return collector, counts


def test_the_mail_says_until_when_and_that_answers_are_anonymous(
    db, django_capture_on_commit_callbacks
):
    circle, pulse = _opened("members", django_capture_on_commit_callbacks)
    collector, counts = _deliver()
    assert counts["sent"] == len(circle.seated)
    message = next(m for m in collector.messages() if m["To"] == circle.members[0].email)
    subject = " ".join(message["Subject"].split())
    assert subject == (
        f"[Riverbend Principals' Circle] A trust pulse is open until {pulse.closes_on:%-d %B}"
    )
    text = message.get_body(("plain",)).get_content()
    assert f"until the end of {pulse.closes_on:%-d %B %Y}" in text
    assert "without your name or the time you gave it" in text and "at least 5" in text
    assert "/notifications/" in text
    assert QUESTION not in text and "SECRET" not in text


def test_a_confidential_community_gets_the_link_only(db, django_capture_on_commit_callbacks):
    circle, pulse = _opened("confidential", django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    message = collector.messages()[0]
    assert message["Subject"] == "[Riverbend Principals' Circle] A trust pulse is open"
    raw = b"".join(raw for _, _, raw in collector.received)
    assert b"SECRET" not in raw and pulse.closes_on.strftime("%B").encode() not in raw


def test_the_inbox_leads_to_the_pulse_and_not_after_leaving(
    client, db, django_capture_on_commit_callbacks
):
    circle, pulse = _opened("members", django_capture_on_commit_callbacks)
    member = circle.members[2]
    notice = Notification.objects.get(user=member, kind="pulse_opened")
    client.force_login(member)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f"A trust pulse is open until {pulse.closes_on:%-d %B}" in inbox
    opened = client.get(reverse("notifications:open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == pulse.get_absolute_url()
    testing.seat(circle.community, member, status="left")
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert (
        "A trust pulse is open" not in client.get(reverse("notifications:inbox")).content.decode()
    )
