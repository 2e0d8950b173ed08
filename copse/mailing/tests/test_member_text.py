"""A member types the composer's stand-ins into everything they write, hoping
each recipient's copy has that person's address, reply address or
unsubscribe link written into it (a link that collects them). Over real
SMTP, for posts, notices and digests: every copy carries the literal text,
and no copy carries another recipient's address or tokens."""

import datetime as dt

import pytest
from django.test import override_settings

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.core.markdown import plain_text
from copse.mailing import addresses, attachments, compose, outbound, tokens
from copse.mailing.models import CommunityDelivery, CommunityMailPolicy, OutgoingMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings

# The stand-ins the composer used before they were made per rendering, and
# the forms an attacker would guess for the new ones (their prefixes with a
# nonce of their choosing).
GUESSED_NONCE = "0" * 32
STAND_INS = [
    "copse-recipient-mark@mark.invalid",
    "https://unsubscribe-mark.invalid/copse-mark/",
    "copse-bounce-mark@mark.invalid",
    "copse-reply-mark@mark.invalid",
    "<copse-message-id-mark@mark.invalid>",
    f"copse-to-{GUESSED_NONCE}@mark.invalid",
    f"https://mark.invalid/copse-unsubscribe-{GUESSED_NONCE}/",
    f"copse-reply-{GUESSED_NONCE}@mark.invalid",
    f"<copse-id-{GUESSED_NONCE}@mark.invalid>",
]
# Short ones for names (which have length limits and appear in headers).
NAME_INS = ["copse-recipient-mark@mark.invalid", f"copse-to-{GUESSED_NONCE}@mark.invalid"]
BODY = "Click https://collect.example/?who=" + " and ".join(STAND_INS) + " please."
TITLE = "Harvest copse-reply-mark@mark.invalid " + f"copse-reply-{GUESSED_NONCE}@mark.invalid"
NAME = "Eve copse-recipient-mark@mark.invalid"
ORG = f"Org copse-to-{GUESSED_NONCE}@mark.invalid"
COMMUNITY = "Circle copse-recipient-mark@mark.invalid"

# Tasks queued meanwhile wait (nothing is sent until delivery).
WAIT = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


# Where the member types them: each field alone (so that nothing else in the
# message makes the composer cautious), then everywhere at once.
PLACES = ["body", "title", "names", "everywhere"]


@pytest.fixture(params=PLACES)
def trap(request, db):
    """A full-content community with two readers who get every message, and
    Eve, who types the stand-ins into `request.param`: her post's text, its
    title (and tags and file name), her name, her organisation's and the
    community's names, or all of these."""
    where = request.param
    names = where in ("names", "everywhere")
    community = testing.make_community(
        slug="trap", name=COMMUNITY if names else "Circle", visibility="members"
    )
    CommunityMailPolicy.objects.create(community=community, content="full")
    eve = testing.make_user(
        name=NAME if names else "Eve Example",
        organisation=testing.make_organisation(ORG if names else "Example Ltd"),
    )
    testing.seat(community, eve)
    readers = [testing.make_user(name=f"Reader {n}") for n in range(2)]
    for reader in readers:
        testing.seat(community, reader)
        CommunityDelivery.objects.create(user=reader, community=community, mode="every")
    typed = {
        "body": BODY if where in ("body", "everywhere") else "Plain words.",
        "title": TITLE if where in ("title", "everywhere") else "A plain title",
    }
    must_hold = []
    if where in ("body", "everywhere"):
        must_hold += STAND_INS
    if where in ("title", "everywhere"):
        must_hold.append(TITLE)
    if names:
        must_hold += [NAME, ORG, COMMUNITY]
    return {
        "community": community,
        "eve": eve,
        "readers": readers,
        "typed": typed,
        "must_hold": must_hold,
        "where": where,
    }


def _start(trap, body=None):
    thread = conversations.start_thread(
        actor=trap["eve"],
        community=trap["community"],
        kind="discussion",
        title=trap["typed"]["title"],
        body=trap["typed"]["body"] if body is None else body,
        tag_names=["copse-mark", "mark.invalid"] if trap["where"] != "body" else (),
    )
    opening = thread.posts.get(position=0)
    attachments.store(
        opening, [attachments.check("copse-recipient-mark@mark.invalid.txt", b"hello")]
    )
    return thread, opening


def _deliver(now=None):
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        counts = outbound.deliver_due(now=now)
    return collector, counts


def _secrets_of(user, community, thread=None):
    """What must reach only `user`: their address, the token of their reply
    address, and their unsubscribe link."""
    version = outbound.settings_for(user).token_version
    found = [user.email, compose.unsubscribe_url(user, community, version).rsplit("/", 2)[-2]]
    if thread is not None:
        found.append(tokens.reply_token(user_id=user.pk, thread_id=thread.pk, version=version))
    return found


def _decoded(message) -> str:
    """Every header and every text part, decoded."""
    parts = [f"{key}: {value}" for key, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)


def _assert_private_and_literal(collector, people, community, thread, must_hold):
    received = {m["To"]: m for m in collector.messages()}
    raw = {to[0]: data for _, to, data in collector.received}
    assert sorted(received) == sorted(p.email for p in people)
    for person in people:
        mine = _decoded(received[person.email])
        for typed in must_hold:
            assert typed in mine, f"{typed!r} was rewritten in {person}'s copy"
        for other in people:
            if other == person:
                continue
            for secret in _secrets_of(other, community, thread):
                assert secret not in mine
                assert secret.encode() not in raw[person.email]


def test_a_member_typing_the_stand_ins_into_a_post_harvests_nothing(trap):
    thread, opening = _start(trap)
    assert outbound.enqueue_post(opening) == 2
    if trap["where"] == "body":
        # The copies are filled in from one shared serialization, not composed alone.
        row = OutgoingMessage.objects.select_related(*outbound.COMPOSING_NEEDS).first()
        assert outbound.Composer().build(row).data is not None
    collector, counts = _deliver()
    assert counts["sent"] == 2
    _assert_private_and_literal(
        collector, trap["readers"], trap["community"], thread, trap["must_hold"]
    )
    for message in collector.messages():
        text = message.get_body(("plain",)).get_content()
        assert text.startswith(trap["typed"]["body"])
        assert trap["typed"]["title"] in " ".join(str(message["Subject"]).split())


def test_a_reply_with_the_stand_ins_harvests_no_reply_address(trap):
    thread, _ = _start(trap, body="Opening.")
    OutgoingMessage.objects.all().delete()
    reply = conversations.post_reply(actor=trap["eve"], thread=thread, body=trap["typed"]["body"])
    outbound.enqueue_post(reply)
    collector, counts = _deliver()
    assert counts["sent"] == 2
    _assert_private_and_literal(
        collector, trap["readers"], trap["community"], thread, trap["must_hold"]
    )
    for message in collector.messages():
        # Each copy's own Reply-To is still filled in.
        reply_to = message["Reply-To"].addresses[0]
        assert reply_to.domain == addresses.domain()
        assert "mark" not in reply_to.username


def test_a_mention_notice_with_the_stand_ins_harvests_nothing(
    trap, django_capture_on_commit_callbacks
):
    from copse.conversations.tasks import notify_about_post

    first, second = trap["readers"]
    thread, _ = _start(trap, body="Opening.")
    OutgoingMessage.objects.all().delete()
    body = f"{trap['typed']['body']} @{first.handle} @{second.handle}"
    reply = conversations.post_reply(actor=trap["eve"], thread=thread, body=body)
    with WAIT, django_capture_on_commit_callbacks(execute=True):
        notify_about_post.call(reply.pk)
    OutgoingMessage.objects.exclude(kind="notice").delete()
    assert OutgoingMessage.objects.filter(kind="notice").count() == 2
    collector, counts = _deliver()
    assert counts["sent"] == 2
    # A notice names the thread and the community; the organisation is not in it.
    # Its excerpt of the post is plain text: `<address>` is a Markdown autolink,
    # shown as the address.
    must_hold = [plain_text(text, one_line=True) for text in trap["must_hold"] if text != ORG]
    _assert_private_and_literal(collector, trap["readers"], trap["community"], None, must_hold)


def test_a_digest_of_posts_with_the_stand_ins_harvests_nothing(trap):
    from copse.mailing import digests

    for reader in trap["readers"]:
        CommunityDelivery.objects.filter(user=reader).update(mode="daily")
    thread, opening = _start(trap)
    reply = conversations.post_reply(
        actor=trap["readers"][0], thread=thread, body=trap["typed"]["body"] + " Indeed."
    )
    OutgoingMessage.objects.all().delete()
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    yesterday = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    Post.objects.filter(pk__in=[opening.pk, reply.pk]).update(created_at=yesterday)
    # Eve takes no digest: the two readers' copies share one rendering.
    CommunityDelivery.objects.create(user=trap["eve"], community=trap["community"], mode="none")
    assert digests.plan_digests(now=now) == 2
    collector, counts = _deliver(now=now)
    assert counts["sent"] == 2
    # A digest names the authors but not their organisations; its excerpts
    # are plain text, as in a notice.
    must_hold = [plain_text(text, one_line=True) for text in trap["must_hold"] if text != ORG]
    _assert_private_and_literal(collector, trap["readers"], trap["community"], None, must_hold)


def test_every_rendering_has_stand_ins_of_its_own():
    """What makes the above hold: the stand-ins are new for each rendering,
    from a nonce nobody outside the process sees, so no saved text holds them."""
    first, second = compose.new_marks(), compose.new_marks()
    assert first.to != second.to and first.unsubscribe != second.unsubscribe
    assert first.reply_to != second.reply_to and first.message_id != second.message_id
    for mark in (first.to, first.unsubscribe, first.reply_to, first.message_id):
        assert mark not in BODY and GUESSED_NONCE not in mark
