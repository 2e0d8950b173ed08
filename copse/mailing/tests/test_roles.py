"""Mail for every role of the authorization matrix: who gets a post by mail,
and whose reply by mail posts, in a confidential community."""

import pytest

from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.core.tests.authorization import ROLES
from copse.mailing import addresses, inbound, outbound
from copse.mailing.models import CommunityDelivery, OutgoingMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings

# Who receives a confidential community's posts by mail, having chosen every message.
RECEIVES = {"member", "delegate", "facilitator"}
# Whose reply by email posts into one of its threads.
POSTS_BY_MAIL = {"member", "facilitator"}


@pytest.fixture
def thread_for_roles(roles):
    community, people = roles
    for person in people.values():
        if person is not None:
            CommunityDelivery.objects.update_or_create(
                user=person, community=community, defaults={"mode": "every"}
            )
    thread = conversations.start_thread(
        actor=people["facilitator"],
        community=community,
        kind="discussion",
        title="Telecom costs are out of control",
        body="Who renegotiated lately?",
    )
    return community, people, thread


def test_a_post_by_mail_reaches_exactly_the_seated_roles(thread_for_roles):
    from django.test import override_settings

    community, people, thread = thread_for_roles
    OutgoingMessage.objects.all().delete()
    reply = conversations.post_reply(actor=people["member"], thread=thread, body="We did.")
    outbound.enqueue_post(reply)
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        outbound.deliver_due()
    received = {to for _, tos, _ in collector.received for to in tos}
    expected = {people[r].email for r in RECEIVES} - {people["member"].email}  # not the author
    assert received == expected
    for _, _, raw in collector.received:
        assert b"Telecom" not in raw and b"We did." not in raw  # confidential: link only


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_a_reply_by_mail_posts_only_for_contributing_roles(thread_for_roles, role):
    _, people, thread = thread_for_roles
    person = people[role]
    raw = (
        f"From: {person.email}\r\nTo: x@example.com\r\nSubject: Re: costs\r\n"
        f"Message-ID: <{role}@mail.example.com>\r\n\r\nOur view, from {role}.\r\n"
    ).encode()
    to = addresses.reply_address(user=person, thread=thread, version=1)
    [record] = inbound.receive(raw, envelope_from=person.email, envelope_to=[to])
    posted = Post.objects.filter(thread=thread, body__contains=f"from {role}").exists()
    assert posted == (role in POSTS_BY_MAIL), record.reason
    assert record.outcome == ("posted" if role in POSTS_BY_MAIL else "refused")
