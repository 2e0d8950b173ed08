"""Conversations on a full disk: a reply or a new thread that cannot be saved
is a 503 that gives back what was typed and leaves nothing half-written; a
thread, the list and a notification's link still work, without the read
position, the visit or the notification's "read" being written."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from copse.conversations import services
from copse.conversations.models import CommunityVisit, Post, ReadState, Thread
from copse.core.tests.full_disk import database_refuses_writes
from copse.core.tests.test_errors import assert_styled_page
from copse.notifications.models import Notification

TITLE = "We could not save this — nothing was lost"
TYPED = "Our carrier's Q3 numbers: <18 ms> & 99.95 % uptime.\n\nSee the attached table."
TYPED_IN_PAGE = (
    "Our carrier&#x27;s Q3 numbers: &lt;18 ms&gt; &amp; 99.95 % uptime.\n\nSee the attached table."
)


@pytest.fixture
def ask(cio):
    community, maria, dev, peers = cio
    return services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Which telecom carrier for branch offices?",
        body="We have 40 branches.",
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reply_on_a_full_disk_is_a_503_that_gives_back_the_text(cio, ask, caplog):
    community, maria, dev, peers = cio
    client = _client(peers[0])
    url = reverse("conversations:reply", args=[community.slug, ask.pk])
    with caplog.at_level(logging.INFO, logger="copse"), database_refuses_writes() as refused:
        response = client.post(url, {"body": TYPED})
    assert refused
    html = assert_styled_page(response, status=503, title=TITLE)
    assert int(response["Retry-After"]) > 0
    assert f"{TYPED_IN_PAGE}</textarea>" in html
    assert "Your text" in html
    assert list(Post.objects.filter(thread=ask).values_list("position", flat=True)) == [0]
    assert "could not write" in caplog.text and url in caplog.text
    # Once there is room again, the same reply goes through.
    response = client.post(url, {"body": TYPED})
    assert response.status_code == 302
    assert Post.objects.filter(thread=ask, body=TYPED).exists()


def test_a_new_thread_whose_opening_post_cannot_be_saved_leaves_no_thread(cio):
    community, maria, dev, peers = cio
    client = _client(dev)
    # The thread's row is written; the opening post's is refused.
    with database_refuses_writes(table='"conversations_post"', statements=("INSERT",)) as refused:
        response = client.post(
            reverse("conversations:new", args=[community.slug]),
            {"kind": "discussion", "title": "Carrier contracts renewal", "body": TYPED},
        )
    assert refused
    html = assert_styled_page(response, status=503, title=TITLE)
    assert "Carrier contracts renewal</textarea>" in html
    assert f"{TYPED_IN_PAGE}</textarea>" in html
    assert not Thread.objects.filter(title="Carrier contracts renewal").exists()


def test_a_thread_is_read_on_a_full_disk_without_moving_the_read_position(cio, ask, caplog):
    community, maria, dev, peers = cio
    reader = peers[1]
    client = _client(reader)
    url = reverse("conversations:thread", args=[community.slug, ask.pk])
    with caplog.at_level(logging.WARNING, logger="copse"), database_refuses_writes() as refused:
        response = client.get(url)
    assert refused, "reading the thread wrote nothing"
    assert response.status_code == 200
    assert "We have 40 branches." in response.content.decode()
    assert "not written while reading: read position" in caplog.text
    assert not ReadState.objects.filter(user=reader, thread=ask).exists()
    # With room again, reading records the position as before.
    assert client.get(url).status_code == 200
    assert ReadState.objects.get(user=reader, thread=ask).last_read_position == 0


def test_the_thread_list_is_read_on_a_full_disk_without_recording_the_visit(cio, ask):
    community, maria, dev, peers = cio
    client = _client(peers[2])
    url = reverse("conversations:list", args=[community.slug])
    with database_refuses_writes() as refused:
        response = client.get(url)
    assert refused and response.status_code == 200
    assert "Which telecom carrier for branch offices?" in response.content.decode()
    assert not CommunityVisit.objects.filter(user=peers[2]).exists()
    assert client.get(url).status_code == 200
    assert CommunityVisit.objects.filter(user=peers[2]).exists()


def test_a_notification_is_followed_on_a_full_disk_and_stays_unread(
    cio, ask, django_capture_on_commit_callbacks
):
    community, maria, dev, peers = cio
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(actor=peers[0], thread=ask, body="Northwind, for us.")
    notification = Notification.objects.get(user=dev, kind="reply")
    client = _client(dev)
    url = reverse("notifications:open", args=[notification.pk])
    with database_refuses_writes() as refused:
        response = client.get(url)
    assert refused, "following the notification wrote nothing"
    assert response.status_code == 302
    assert response["Location"].startswith(ask.get_absolute_url())
    notification.refresh_from_db()
    assert notification.read_at is None
