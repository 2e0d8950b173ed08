"""Outbound mail over real SMTP on loopback, parsed with the email package:
headers, threading, one-click unsubscribe, link-only confidential mail,
permission re-checked at send time, and exactly-once delivery across an
SMTP outage."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.mailing import addresses, outbound, selectors, services, tokens
from copse.mailing.models import CommunityDelivery, MailSettings, OutgoingMessage
from copse.mailing.tests.smtp import free_port, smtp_server, smtp_settings

SECRET_WORDS = "Carrier renegotiation saved us 250K"


@pytest.fixture
def lists(db):
    """A members-only and a confidential community, each with an author and
    three readers who chose every message, one who chose a digest."""
    world = {}
    for visibility in ("members", "confidential"):
        community = testing.make_community(
            slug=f"{visibility}-cop", name=f"{visibility.title()} CoP", visibility=visibility
        )
        author = testing.make_user(name=f"Author {visibility}")
        testing.seat(community, author)
        readers = [testing.make_user(name=f"Reader {n} {visibility}") for n in range(3)]
        for reader in readers:
            testing.seat(community, reader)
            CommunityDelivery.objects.create(user=reader, community=community, mode="every")
        digest = testing.make_user()
        testing.seat(community, digest)
        CommunityDelivery.objects.create(user=digest, community=community, mode="daily")
        world[visibility] = {"community": community, "author": author, "readers": readers}
    return world


def _thread(world, title=SECRET_WORDS, body=f"We switched. {SECRET_WORDS}."):
    return conversations.start_thread(
        actor=world["author"], community=world["community"], kind="ask", title=title, body=body
    )


def _send(collector_port):
    with override_settings(**smtp_settings(collector_port)):
        return outbound.deliver_due()


def test_a_post_reaches_every_message_readers_with_list_headers(lists):
    world = lists["members"]
    thread = _thread(world)
    opening = thread.posts.get(position=0)
    assert outbound.enqueue_post(opening) == 3
    with smtp_server() as (collector, port):
        counts = _send(port)
    assert counts["sent"] == 3
    messages = collector.messages()
    assert sorted(m["To"] for m in messages) == sorted(r.email for r in world["readers"])
    message = messages[0]
    reader = next(r for r in world["readers"] if r.email == message["To"])
    assert message["Message-ID"] == f"<copse.post.{opening.pk}@{addresses.domain()}>"
    assert message["List-Id"] == f"Members CoP <members-cop.{addresses.domain()}>"
    assert message["List-Post"] == f"<mailto:members-cop@{addresses.domain()}>"
    assert "/c/members-cop/threads/" in message["List-Archive"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Precedence"] == "list" and message["Auto-Submitted"] == "auto-generated"
    assert message["X-Loop"] == f"copse@{addresses.domain()}"
    assert message["Subject"] == f"[Members CoP] {SECRET_WORDS}"
    assert "Author members via Members CoP" in message["From"]
    # Multipart: text and HTML.
    assert message.get_body(("plain",)).get_content().startswith("We switched.")
    assert "<p>We switched." in message.get_body(("html",)).get_content()
    # A per-recipient reply address that names this reader and thread.
    local = message["Reply-To"].addresses[0].username
    token = tokens.read_reply_token(local.removeprefix("reply+"))
    assert (token.user_id, token.thread_id) == (reader.pk, thread.pk)
    # The envelope sender is this message's own bounce address (VERP).
    envelope_from = next(f for f, to, _ in collector.received if to == [reader.email])
    row = OutgoingMessage.objects.get(recipient=reader)
    assert envelope_from == addresses.bounce_address(row.pk)
    assert row.state == "sent" and row.message_id == message["Message-ID"]


def test_replies_thread_under_the_opening_post(lists):
    world = lists["members"]
    thread = _thread(world)
    reply = conversations.post_reply(actor=world["readers"][0], thread=thread, body="Same here")
    outbound.enqueue_post(reply)
    with smtp_server() as (collector, port):
        _send(port)
    opening_id = f"<copse.post.{thread.posts.get(position=0).pk}@{addresses.domain()}>"
    messages = collector.messages()
    # The reply's author does not get their own post; the thread's author does not
    # either (they chose no mail), the two other readers do.
    assert len(messages) == 2
    for message in messages:
        assert message["In-Reply-To"] == opening_id and message["References"] == opening_id
        assert message["Subject"].startswith("[Members CoP] Re: ")


def test_a_confidential_post_travels_as_a_link_only(lists):
    world = lists["confidential"]
    thread = _thread(world)
    outbound.enqueue_post(thread.posts.get(position=0))
    with smtp_server() as (collector, port):
        _send(port)
    assert len(collector.received) == 3
    for _, _, raw in collector.received:
        assert b"Carrier" not in raw and b"250K" not in raw and b"renegotiation" not in raw
        assert world["author"].name.encode() not in raw
    message = collector.messages()[0]
    assert message["Subject"] == "New activity in Confidential CoP"
    assert f"/t/{thread.pk}/" in message.get_body(("plain",)).get_content()


def test_titles_only_after_the_facilitator_chose_it(lists):
    world = lists["confidential"]
    facilitator = testing.make_user()
    testing.seat(world["community"], facilitator, role="facilitator")
    services.set_content_level(actor=facilitator, community=world["community"], content="titles")
    thread = _thread(world, body="The body stays home.")
    outbound.enqueue_post(thread.posts.get(position=0))
    with smtp_server() as (collector, port):
        _send(port)
    raw = collector.received[0][2]
    assert SECRET_WORDS.encode() in raw and b"The body stays home" not in raw


@pytest.mark.parametrize("level", ["full", "titles", "link_only"])
def test_a_posts_files_are_named_in_full_mail_and_never_sent(lists, level):
    """Files attached on the web (as those that came by mail) stay in Copse:
    full mail names them and links to the post; titles-only and link-only
    mail do not even name them."""
    world = lists["members"]
    facilitator = testing.make_user()
    testing.seat(world["community"], facilitator, role="facilitator")
    services.set_content_level(actor=facilitator, community=world["community"], content=level)
    thread = conversations.start_thread(
        actor=world["author"],
        community=world["community"],
        kind="discussion",
        title="Carrier comparison",
        body="Our numbers.",
        files=[SimpleUploadedFile("carrier-costs.csv", b"carrier,saving\nVendor Networks,27%\n")],
    )
    outbound.enqueue_post(thread.posts.get(position=0))
    with smtp_server() as (collector, port):
        _send(port)
    message = collector.messages()[0]
    assert not list(message.iter_attachments())
    raw = collector.received[0][2]
    assert b"27%" not in raw
    if level == "full":
        text = message.get_body(("plain",)).get_content()
        assert "- carrier-costs.csv (CSV table, 35 bytes)" in text
        assert f"download in Copse: {settings.BASE_URL}{thread.get_absolute_url()}" in text
        assert "<li>carrier-costs.csv (CSV table, 35 bytes)</li>" in (
            message.get_body(("html",)).get_content()
        )
    else:
        assert b"carrier-costs" not in raw


def test_a_member_removed_before_the_send_gets_nothing(lists):
    world = lists["members"]
    thread = _thread(world)
    outbound.enqueue_post(thread.posts.get(position=0))
    gone = world["readers"][0]
    testing.seat(world["community"], gone, status="removed")
    with smtp_server() as (collector, port):
        counts = _send(port)
    assert counts == {"sent": 2, "dropped": 1, "deferred": 0, "failed": 0}
    assert gone.email not in [to for _, tos, _ in collector.received for to in tos]
    assert OutgoingMessage.objects.get(recipient=gone).state == "dropped"


def _queue_then_move_to_secret(lists, *, readers_take_every_there: bool):
    """A post queued in the members-only community, then its thread moved
    into the confidential one, where its author and readers are seated too."""
    world, secret = lists["members"], lists["confidential"]
    thread = _thread(world)
    outbound.enqueue_post(thread.posts.get(position=0))
    testing.seat(secret["community"], world["author"])
    for reader in world["readers"]:
        testing.seat(secret["community"], reader)
        if readers_take_every_there:
            CommunityDelivery.objects.create(
                user=reader, community=secret["community"], mode="every"
            )
    facilitator = testing.make_user()
    testing.seat(world["community"], facilitator, role="facilitator")
    testing.seat(secret["community"], facilitator, role="facilitator")
    conversations.move_thread(actor=facilitator, thread=thread, to_community=secret["community"])


def test_a_thread_moved_into_a_confidential_community_before_the_send_is_link_only(lists):
    _queue_then_move_to_secret(lists, readers_take_every_there=True)
    with smtp_server() as (collector, port):
        _send(port)
    assert len(collector.received) == 3
    for _, _, raw in collector.received:
        assert b"Carrier" not in raw


def test_a_thread_moved_where_the_reader_takes_a_digest_sends_nothing_now(lists):
    _queue_then_move_to_secret(lists, readers_take_every_there=False)
    with smtp_server() as (collector, port):
        counts = _send(port)
    assert collector.received == []
    assert counts["dropped"] == 3


def test_switching_to_no_mail_before_the_send_wins(lists):
    world = lists["members"]
    thread = _thread(world)
    outbound.enqueue_post(thread.posts.get(position=0))
    quiet = world["readers"][0]
    services.set_community_mode(user=quiet, community=world["community"], mode="none")
    with smtp_server() as (collector, port):
        _send(port)
    assert sorted(to[0] for _, to, _ in collector.received) == sorted(
        r.email for r in world["readers"][1:]
    )


def test_every_message_is_delivered_exactly_once_across_an_outage(lists):
    world = lists["members"]
    for n in range(3):
        thread = _thread(world, title=f"Question {n}", body=f"Body {n}")
        outbound.enqueue_post(thread.posts.get(position=0))
    port = free_port()  # nothing listens here yet
    with override_settings(**smtp_settings(port)):
        down = outbound.deliver_due()
    assert down["deferred"] == 9 and down["sent"] == 0
    assert set(OutgoingMessage.objects.values_list("attempts", flat=True)) == {1}
    assert "cannot reach" in OutgoingMessage.objects.first().last_error
    # Not due yet: nothing is sent before the backoff.
    with smtp_server(port) as (collector, _), override_settings(**smtp_settings(port)):
        assert outbound.deliver_due()["sent"] == 0
        later = timezone.now() + dt.timedelta(minutes=2)
        assert outbound.deliver_due(now=later)["sent"] == 9
        assert outbound.deliver_due(now=later + dt.timedelta(hours=1))["sent"] == 0
    assert len(collector.received) == 9
    assert (
        len({(tos[0], raw.split(b"Message-ID: ")[1][:40]) for _, tos, raw in collector.received})
        == 9
    )


def test_a_message_fails_for_good_after_the_last_retry(lists):
    world = lists["members"]
    outbound.enqueue_post(_thread(world).posts.get(position=0))
    port = free_port()
    now = timezone.now()
    with override_settings(**smtp_settings(port)):
        for _ in range(len(outbound.BACKOFF) + 1):
            outbound.deliver_due(now=now)
            now += dt.timedelta(days=2)
    assert set(OutgoingMessage.objects.values_list("state", flat=True)) == {"failed"}


def test_bouncing_addresses_and_muted_threads_get_nothing(lists):
    world = lists["members"]
    a, b, _ = world["readers"]
    MailSettings.objects.update_or_create(user=a, defaults={"bouncing_since": timezone.now()})
    thread = _thread(world)
    conversations.set_subscription(actor=b, thread=thread, level="muted")
    assert outbound.enqueue_post(thread.posts.get(position=0)) == 1


def test_default_every_message_applies_where_no_choice_was_made(lists):
    world = lists["members"]
    newcomer = testing.make_user()
    testing.seat(world["community"], newcomer)
    services.set_default_mode(user=newcomer, mode="every")
    assert newcomer in selectors.every_message_recipients(world["community"])
    services.set_community_mode(user=newcomer, community=world["community"], mode="weekly")
    assert newcomer not in selectors.every_message_recipients(world["community"])


def test_one_click_unsubscribe_needs_no_session_and_revoked_links_fail(client, lists):
    world = lists["members"]
    reader = world["readers"][0]
    outbound.enqueue_post(_thread(world).posts.get(position=0))
    with smtp_server() as (collector, port):
        _send(port)
    message = next(m for m in collector.messages() if m["To"] == reader.email)
    url = message["List-Unsubscribe"].split(",")[0].strip("<> ")
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"No more mail from Members CoP" in response.content
    assert CommunityDelivery.objects.get(user=reader, community=world["community"]).mode == "none"
    # Revoking the person's tokens kills the link.
    services.revoke_tokens(user=reader)
    assert client.get("/" + path).status_code == 400
    assert client.get(reverse("mailing:unsubscribe", args=["forged"])).status_code == 400


def test_the_post_signal_fans_out_through_the_tasks(lists, django_capture_on_commit_callbacks):
    world = lists["members"]
    with django_capture_on_commit_callbacks(execute=True):
        _thread(world)
    # The test settings' locmem backend received the three copies.
    from django.core import mail

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in world["readers"])


def _parsed(raw: bytes):
    import email
    import email.policy

    return email.message_from_bytes(raw, policy=email.policy.default)


def _comparable(message):
    """The message without what differs between any two serializations: the
    date, the MIME boundary, line endings, header folding, and the time
    inside signed links."""
    import re

    def same(value):
        return re.sub(r"/mail/unsubscribe/[^/]+/", "/mail/unsubscribe/T/", value).replace(
            "\r\n", "\n"
        )

    # Folding differs with the length of a link; a folded value starts with a space.
    headers = {
        k: same(str(v)).strip() for k, v in message.items() if k not in ("Date", "Content-Type")
    }
    text = same(message.get_body(("plain",)).get_content())
    html = same(message.get_body(("html",)).get_content())
    return message.get_content_type(), headers, text, html


@pytest.mark.parametrize("body", ["Short and plain.", "A very long line. " * 80])
def test_a_copy_stamped_from_the_shared_rendering_equals_one_composed_alone(lists, body):
    """Many copies are filled in from one serialized message; each must be
    what composing it for that person alone gives (and a body the encoder
    would wrap falls back to composing alone)."""
    world = lists["members"]
    thread = _thread(world, body=body)
    outbound.enqueue_post(thread.posts.get(position=0))
    row = OutgoingMessage.objects.select_related("recipient", "post__thread__community").first()
    outbound.settings_for(row.recipient)
    outgoing = outbound.Composer().build(row)
    alone = outgoing.compose()
    # A line longer than SMTP allows is wrapped by quoted-printable encoding.
    assert (outgoing.data is None) == (len(body) > 998)
    if outgoing.data is not None:
        assert _comparable(_parsed(outgoing.data)) == _comparable(
            _parsed(alone.message().as_bytes())
        )
        for mark in ("mark.invalid", "copse-mark"):
            assert mark.encode() not in outgoing.data
        link = _parsed(outgoing.data)["List-Unsubscribe"].split("/mail/unsubscribe/")[1]
        data = tokens.read_unsubscribe_token(link.split("/")[0])
        assert data["u"] == row.recipient_id
    with smtp_server() as (collector, port):
        _send(port)
    for _, _, raw in collector.received:
        assert b"mark.invalid" not in raw
    received = {m["To"]: m for m in collector.messages()}
    mine = received[row.recipient.email]
    assert _comparable(mine)[2] == _comparable(_parsed(alone.message().as_bytes()))[2]
    assert (
        "A very long line" in mine.get_body(("plain",)).get_content() or body == "Short and plain."
    )


def test_mail_older_than_the_keeping_period_is_forgotten_but_not_what_waits(lists):
    world = lists["members"]
    thread = _thread(world)
    outbound.enqueue_post(thread.posts.get(position=0))
    rows = list(OutgoingMessage.objects.order_by("pk"))
    OutgoingMessage.objects.filter(pk=rows[0].pk).update(state="sent")
    OutgoingMessage.objects.filter(pk=rows[1].pk).update(state="failed")
    # rows[2] is still queued.
    later = timezone.now() + dt.timedelta(days=31)
    with override_settings(COPSE_MAIL_KEEP_DAYS=30):
        assert outbound.forget_old(now=timezone.now()) == 0
        assert outbound.forget_old(now=later) == 2
    assert list(OutgoingMessage.objects.values_list("pk", flat=True)) == [rows[2].pk]


def test_one_message_that_cannot_be_sent_fails_alone(lists):
    """A name with a line break saved before names were checked cannot go
    into a From header, and one reader's server refuses their address for
    good: those rows fail, every other message of the batch goes out."""
    from copse.accounts.models import User

    world = lists["members"]
    mallory = testing.make_user(name="Mallory")
    testing.seat(world["community"], mallory)
    broken = _thread(world | {"author": mallory}, title="Broken", body="From a legacy name.")
    User.objects.filter(pk=mallory.pk).update(display_name="Mallory\nBcc: all@example.com")
    fine = _thread(world, title="Fine", body="This one goes.")
    outbound.enqueue_post(broken.posts.get(position=0))
    outbound.enqueue_post(fine.posts.get(position=0))
    refused = world["readers"][0]
    with smtp_server(refuse=[refused.email]) as (collector, port):
        counts = _send(port)
    # Each post goes to the three readers who chose every message.
    assert counts == {"sent": 2, "dropped": 0, "deferred": 3, "failed": 1}
    assert sorted(m["To"] for m in collector.messages()) == sorted(
        r.email for r in world["readers"][1:]
    )
    assert all(m["Subject"] == "[Members CoP] Fine" for m in collector.messages())
    waiting = OutgoingMessage.objects.filter(post__thread=broken)
    assert {row.state for row in waiting} == {"queued"}
    assert all("could not be composed" in row.last_error for row in waiting)
    assert all("Bcc" not in row.last_error for row in waiting)
    gone = OutgoingMessage.objects.get(post__thread=fine, recipient=refused)
    assert gone.state == "failed" and "550" in gone.last_error
