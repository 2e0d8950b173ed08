"""New threads mailed to a members-only or confidential community are posted
only when the sender is shown to be who the From header says: a trusted mail
server's Authentication-Results says DMARC passed, or the owner of the From
address follows the link mailed back to it. Anyone can write any From."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from copse import testing
from copse.conversations.models import Post, Thread
from copse.mailing import addresses, inbound, services
from copse.mailing.models import HeldMessage, InboundMessage
from copse.mailing.tests import test_inbound
from copse.mailing.tests.smtp import smtp_server, smtp_settings
from copse.mailing.tests.test_inbound import MX, authentication_results, letter

# The fixtures of the inbound tests: their world, and their trusted server.
world = test_inbound.world
trusted_mx = test_inbound.trusted_mx

SPOOFED = "Board approved layoffs in March"
SPOOFED_BODY = "Please forward the list of names to me. - Mona"


def _spoof(world, community="secret", **kwargs):
    """Someone who is not Mona writes her From, from their own server."""
    to = addresses.community_address(world[community])
    raw = letter(
        world["mona"].email,
        to,
        SPOOFED_BODY,
        subject=SPOOFED,
        authenticated=False,
        **kwargs,
    )
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        (row,) = inbound.receive(raw, envelope_from="mallory@evil.example", envelope_to=[to])
    return row, collector


def _link(collector) -> str:
    (message,) = collector.messages()
    found = re.search(r"http://[^/]+(/mail/confirm/[^/\s]+/)", message.get_body().get_content())
    return found.group(1)


def _nothing_posted():
    return (
        not Thread.objects.filter(title=SPOOFED).exists()
        and not Post.objects.filter(body__contains="forward the list").exists()
    )


def test_a_spoofed_from_without_authentication_is_held_and_its_owner_asked(world):
    row, collector = _spoof(world)
    assert row.outcome == "held" and row.user == world["mona"]
    assert _nothing_posted()
    # The message is kept for the link only, not in the record of what came in.
    assert row.raw == "" and HeldMessage.objects.get(inbound=row).user == world["mona"]
    # The confirmation goes to Mona's own address, whatever the return path said.
    [(_, recipients, raw)] = collector.received
    assert recipients == [world["mona"].email]
    assert b"The Circle" in raw and b"/mail/confirm/" in raw
    # It says what arrived, not what it says.
    assert SPOOFED.encode() not in raw and b"forward the list" not in raw
    assert collector.messages()[0]["Auto-Submitted"] == "auto-replied"


def test_a_trusted_servers_dmarc_pass_posts_at_once(world):
    to = addresses.community_address(world["secret"])
    raw = letter(world["mona"].email, to, "Genuine.", subject="Genuine question")
    (row,) = inbound.receive(raw, envelope_from=world["mona"].email, envelope_to=[to])
    assert row.outcome == "posted" and row.post.thread.title == "Genuine question"
    assert not HeldMessage.objects.exists()


@pytest.mark.parametrize(
    "results",
    [
        # Another server's word, however good it sounds.
        [authentication_results("mona@example.com", authserv="mx.evil.example")],
        # The trusted server, but DMARC did not pass.
        [authentication_results("mona@example.com", dmarc="fail")],
        [authentication_results("mona@example.com", dmarc="none")],
        # DMARC passed for another domain than the From's.
        [authentication_results("mona@example.com", domain="evil.example")],
        # A pass under the trusted name, written by the sender below the
        # trusted server's own (topmost) verdict.
        [
            authentication_results("mona@example.com", dmarc="fail"),
            authentication_results("mona@example.com"),
        ],
    ],
)
def test_only_the_trusted_servers_topmost_verdict_counts(world, results):
    from email import message_from_bytes
    from email.policy import default

    to = addresses.community_address(world["members"])
    message = message_from_bytes(
        letter(world["mona"].email, to, SPOOFED_BODY, subject=SPOOFED, authenticated=False),
        policy=default,
    )
    headers = [("Authentication-Results", value) for value in results]
    headers += [(key, value) for key, value in message.items()]
    for key in list(message.keys()):
        del message[key]
    for key, value in headers:
        message[key] = value
    (row,) = inbound.receive(message.as_bytes(), envelope_from="x@evil.example", envelope_to=[to])
    assert row.outcome == "held" and _nothing_posted()


def test_a_comment_in_the_header_changes_nothing(world):
    to = addresses.community_address(world["members"])
    raw = letter(
        world["mona"].email,
        to,
        "Hi",
        subject="Commented",
        authenticated=False,
        Authentication_Results=f"{MX} (version 1); dmarc=pass (p=none) header.from=example.com",
    )
    (row,) = inbound.receive(raw, envelope_from="mona@example.com", envelope_to=[to])
    assert row.outcome == "posted"


def test_no_trusted_server_configured_holds_every_new_thread(world, settings):
    settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS = []
    to = addresses.community_address(world["members"])
    raw = letter(world["mona"].email, to, "Hi", subject="Unconfigured")
    (row,) = inbound.receive(raw, envelope_from="mona@example.com", envelope_to=[to])
    assert row.outcome == "held"


def test_an_answer_to_the_lists_address_is_held_too(world):
    """In-Reply-To names a thread: still nobody showed who wrote it."""
    opening = world["secret_thread"].posts.get(position=0)
    row, _ = _spoof(world, In_Reply_To=f"<copse.post.{opening.pk}@{addresses.domain()}>")
    assert row.outcome == "held" and _nothing_posted()


def test_an_open_community_keeps_posting_at_once(world):
    community = testing.make_community(slug="open-cop", visibility="open", join_policy="open")
    testing.seat(community, world["mona"])
    to = addresses.community_address(community)
    raw = letter(world["mona"].email, to, "Open words.", subject="Open", authenticated=False)
    (row,) = inbound.receive(raw, envelope_from="mona@example.com", envelope_to=[to])
    assert row.outcome == "posted"


def test_replies_through_a_personal_reply_address_are_not_held(world):
    from copse.mailing.tests.test_inbound import reply_to

    mona, thread = world["mona"], world["secret_thread"]
    raw = letter(mona.email, "x@example.com", "By reply address.", authenticated=False)
    (row,) = inbound.receive(raw, envelope_from=mona.email, envelope_to=[reply_to(mona, thread)])
    assert row.outcome == "posted" and row.post.thread == thread


def test_the_link_posts_it_once_for_the_signed_out_owner(world, client):
    row, collector = _spoof(world)
    link = _link(collector)
    # Opening the link (as a mail scanner would) posts nothing.
    page = client.get(link)
    assert page.status_code == 200 and SPOOFED.encode() in page.content
    assert _nothing_posted()
    done = client.post(link)
    assert done.status_code == 200 and b"Posted in The Circle" in done.content
    thread = Thread.objects.get(title=SPOOFED)
    assert thread.community == world["secret"] and thread.author == world["mona"]
    row.refresh_from_db()
    assert row.outcome == "posted" and row.post == thread.posts.get(position=0)
    assert "confirmed by link" in row.reason and SPOOFED.encode() in row.raw.encode()
    # Once.
    again = client.post(link)
    assert again.status_code == 400 and b"no longer works" in again.content
    assert Thread.objects.filter(title=SPOOFED).count() == 1
    assert not HeldMessage.objects.exists()


def test_the_signed_in_owner_goes_to_the_post(world, client):
    _, collector = _spoof(world)
    client.force_login(world["mona"])
    response = client.post(_link(collector))
    assert response.status_code == 302
    thread = Thread.objects.get(title=SPOOFED)
    assert response["Location"].startswith(thread.get_absolute_url())


def test_someone_else_signed_in_cannot_post_it(world, client):
    _, collector = _spoof(world)
    link = _link(collector)
    for other in (world["fay"], world["outsider"]):
        client.force_login(other)
        assert client.get(link).status_code == 403
        refused = client.post(link)
        assert refused.status_code == 403 and b"another account" in refused.content
        assert SPOOFED.encode() not in refused.content
    assert _nothing_posted() and HeldMessage.objects.count() == 1
    # The owner still can.
    client.force_login(world["mona"])
    assert client.post(link).status_code == 302
    assert not _nothing_posted()


def test_a_seat_lost_meanwhile_posts_nothing(world, client):
    _, collector = _spoof(world)
    testing.seat(world["secret"], world["mona"], status="left")
    response = client.post(_link(collector))
    assert response.status_code == 400 and b"could not be posted" in response.content
    assert _nothing_posted() and not HeldMessage.objects.exists()
    assert InboundMessage.objects.get().outcome == "refused"


def test_a_held_message_expires_and_is_deleted(world, client, settings):
    _, collector = _spoof(world)
    link = _link(collector)
    HeldMessage.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert client.post(link).status_code == 400
    assert _nothing_posted()
    assert services.forget_expired_holds() == 1 and not HeldMessage.objects.exists()


def test_a_forged_link_is_refused(world, client):
    _spoof(world)
    response = client.post(reverse("mailing:confirm_held", args=["not-the-token"]))
    assert response.status_code == 400 and _nothing_posted()


def test_a_flood_of_spoofs_mails_the_owner_at_most_a_few_times(world):
    sent = 0
    for n in range(inbound.ANSWERS_PER_HOUR + 4):
        to = addresses.community_address(world["secret"])
        raw = letter(world["mona"].email, to, f"Spam {n}", subject=f"Spam {n}", authenticated=False)
        with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
            inbound.receive(raw, envelope_from="mallory@evil.example", envelope_to=[to])
        sent += len(collector.received)
    assert sent <= inbound.ANSWERS_PER_HOUR + 1
