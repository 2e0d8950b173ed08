"""Mail shows Markdown as plain text where it does not render it: subjects,
digest excerpts and the excerpt of a post in a notice. Read back with the
`email` parser from what a real SMTP server received."""

import datetime as dt

import pytest
from django.test import override_settings

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.mailing import digests, outbound
from copse.mailing.models import CommunityDelivery, CommunityMailPolicy, OutgoingMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings

TITLE = "**Urgent**: telecom `costs` _doubled_"
BODY = "## What we learned\n\n- **Audit** the contracts\n- Ask [Northwind](https://x.example/n)\n"
MARKUP = ("**", "##", "`", "](", "_doubled_")

WAIT = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def _deliver(now=None):
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        outbound.deliver_due(now=now)
    return collector.messages()


def _no_markup(text: str) -> None:
    for mark in MARKUP:
        assert mark not in text, f"{mark!r} in {text!r}"


@pytest.fixture
def circle(db):
    community = testing.make_community(slug="circle", name="Circle", visibility="members")
    CommunityMailPolicy.objects.create(community=community, content="full")
    author = testing.make_user(name="Ada Author")
    reader = testing.make_user(name="Rea Reader")
    for person in (author, reader):
        testing.seat(community, person)
    return community, author, reader


def test_a_post_mail_subject_is_the_title_without_markdown(circle):
    community, author, reader = circle
    CommunityDelivery.objects.create(user=reader, community=community, mode="every")
    thread = conversations.start_thread(
        actor=author, community=community, kind="discussion", title=TITLE, body="Plain."
    )
    OutgoingMessage.objects.all().delete()
    outbound.enqueue_post(thread.posts.get(position=0))
    (message,) = _deliver()
    subject = str(message["Subject"])
    assert subject == "[Circle] Urgent: telecom costs doubled"
    _no_markup(subject)


def test_a_digest_excerpt_is_plain_text(circle):
    community, author, reader = circle
    CommunityDelivery.objects.create(user=reader, community=community, mode="daily")
    CommunityDelivery.objects.create(user=author, community=community, mode="none")
    thread = conversations.start_thread(
        actor=author, community=community, kind="discussion", title=TITLE, body=BODY
    )
    Post.objects.filter(thread=thread).update(created_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    OutgoingMessage.objects.all().delete()
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    assert digests.plan_digests(now=now) == 1
    (message,) = _deliver(now=now)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "What we learned" in body
        assert "Audit the contracts" in body
        assert "Ask Northwind" in body
    excerpt = text.split("(started the conversation):", 1)[1].split("Read and reply", 1)[0]
    _no_markup(excerpt)
    _no_markup(str(message["Subject"]))


def test_a_mention_notice_quotes_the_post_as_plain_text(circle, django_capture_on_commit_callbacks):
    from copse.conversations.tasks import notify_about_post

    community, author, reader = circle
    thread = conversations.start_thread(
        actor=reader, community=community, kind="discussion", title="Carriers", body="Opening."
    )
    OutgoingMessage.objects.all().delete()
    with WAIT:
        reply = conversations.post_reply(
            actor=author, thread=thread, body=f"{BODY}\n@{reader.handle} what do you think?"
        )
        with django_capture_on_commit_callbacks(execute=True):
            notify_about_post.call(reply.pk)
    OutgoingMessage.objects.exclude(kind="notice").delete()
    (message,) = _deliver()
    assert "mentioned you" in str(message["Subject"])
    for kind in ("plain", "html"):
        body = message.get_body((kind,)).get_content()
        assert "What we learned" in body and "Audit the contracts" in body
        _no_markup(body.split("What we learned", 1)[1].split("what do you think", 1)[0])
