"""Inbound mail through `inbound.receive`: replies and new threads posted as
the member, and everything that must post nothing and leak nothing: former
members, forged, revoked and forwarded reply addresses, non-members,
duplicates, automatic replies, oversized and malformed messages. Answers are
checked on the raw bytes a real SMTP server on loopback received."""

from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import override_settings

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post, PostAttachment, Thread
from copse.mailing import addresses, inbound, services, tokens
from copse.mailing.models import InboundMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings

# The receiving mail server of these tests, trusted to say who sent a message.
MX = "mx.copse.test"

SECRET_TITLE = "Carrier renegotiation saved us 250K"
SECRET_BODY = "We moved to Northwind Telecom in April."


@pytest.fixture(autouse=True)
def trusted_mx(settings):
    settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS = [MX]


def authentication_results(sender, *, authserv=MX, dmarc="pass", domain=None):
    """What the receiving server writes on top of a message it checked."""
    from email.utils import parseaddr

    domain = domain or parseaddr(sender)[1].rsplit("@", 1)[-1]
    return (
        f"{authserv}; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain};"
        f" dmarc={dmarc} (p=reject dis=none) header.from={domain}"
    )


@pytest.fixture
def world(db):
    members = testing.make_community(slug="telecom-cop", name="Telecom CoP")
    secret = testing.make_community(
        slug="circle", name="The Circle", visibility="confidential", listed=False
    )
    mona = testing.make_user("mona@example.com", name="Mona Member")
    fay = testing.make_user("fay@example.com", name="Fay Facilitator")
    outsider = testing.make_user("olive@example.com", name="Olive Outsider")
    for community in (members, secret):
        testing.seat(community, mona)
        testing.seat(community, fay, role="facilitator")
    thread = conversations.start_thread(
        actor=fay, community=members, kind="discussion", title="Carriers", body="Which one?"
    )
    secret_thread = conversations.start_thread(
        actor=fay, community=secret, kind="discussion", title=SECRET_TITLE, body=SECRET_BODY
    )
    return {
        "members": members,
        "secret": secret,
        "mona": mona,
        "fay": fay,
        "outsider": outsider,
        "thread": thread,
        "secret_thread": secret_thread,
    }


def letter(
    sender,
    to,
    body="Thanks, that helps.",
    *,
    subject="Re: Carriers",
    message_id=True,
    files=(),
    html=None,
    authenticated=True,
    **headers,
):
    """A message as our server receives it: by default with the trusted
    server's Authentication-Results on top saying DMARC passed."""
    message = EmailMessage()
    if authenticated:
        message["Authentication-Results"] = authentication_results(sender)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id is True:
        message["Message-ID"] = f"<{abs(hash((sender, to, body, subject)))}@mail.example.com>"
    elif message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data, maintype, subtype in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def reply_to(user, thread, version=1):
    return addresses.reply_address(user=user, thread=thread, version=version)


def receive(raw, *, sender, to):
    return inbound.receive(raw, envelope_from=sender, envelope_to=[to])


def posts_in(thread):
    return list(Post.objects.filter(thread=thread).order_by("position"))


# --- Replies -------------------------------------------------------------------------------


def test_a_reply_posts_into_the_thread_as_the_member_without_the_quote(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    body = "We use Northwind.\n\nOn Mon, Fay wrote:\n> Which one?\n\n-- \nMona\n"
    (row,) = receive(letter(mona.email, to, body), sender=mona.email, to=to)
    assert row.outcome == "posted" and row.user == mona
    post = posts_in(thread)[-1]
    assert post.author == mona and post.position == 1 and row.post == post
    assert post.body == "We use Northwind."
    # The whole message is kept for the author.
    assert "> Which one?" in row.raw and "Mona" in row.raw
    assert mail.outbox == []  # nothing is answered to a successful post


def test_a_former_members_reply_address_is_refused(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    testing.seat(world["members"], mona, status="left")
    (row,) = receive(letter(mona.email, to), sender=mona.email, to=to)
    assert row.outcome == "refused" and "may not reply" in row.reason
    assert len(posts_in(thread)) == 1
    (answer,) = mail.outbox
    assert answer.to == [mona.email] and "Carriers" not in answer.body + answer.subject


def test_a_removed_account_cannot_reply(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    mona.is_active = False
    mona.save(update_fields=["is_active"])
    (row,) = receive(letter(mona.email, to), sender=mona.email, to=to)
    assert row.outcome == "refused" and len(posts_in(thread)) == 1


def test_a_forged_reply_address_is_refused(world):
    mona, thread = world["mona"], world["thread"]
    genuine = tokens.reply_token(user_id=mona.pk, thread_id=thread.pk, version=1)
    # Another thread's id with the genuine signature, and a made-up signature.
    payload, mac = genuine.rsplit(".", 1)
    for token in (
        genuine.replace(f".{thread.pk:x}.", f".{world['secret_thread'].pk:x}."),
        f"{payload}.{'0' * len(mac)}",
    ):
        to = f"reply+{token}@{addresses.domain()}"
        (row,) = receive(letter(mona.email, to, body=token), sender=mona.email, to=to)
        assert row.outcome == "refused" and row.reason == "forged reply address"
    assert len(posts_in(thread)) == 1 and len(posts_in(world["secret_thread"])) == 1


def test_a_revoked_reply_address_is_refused(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    services.revoke_tokens(user=mona)
    (row,) = receive(letter(mona.email, to), sender=mona.email, to=to)
    assert row.outcome == "refused" and row.reason == "revoked reply address"
    # The address issued with the new version works.
    fresh = reply_to(mona, thread, version=2)
    (row,) = receive(letter(mona.email, fresh, "Now it works."), sender=mona.email, to=fresh)
    assert row.outcome == "posted"


def test_a_forwarded_notification_does_not_let_someone_else_post_as_the_member(world):
    mona, outsider, thread = world["mona"], world["outsider"], world["secret_thread"]
    to = reply_to(mona, thread)
    raw = letter(outsider.email, to, "Interesting!", subject=f"Fwd: {SECRET_TITLE}")
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        (row,) = receive(raw, sender=outsider.email, to=to)
    assert row.outcome == "refused" and "not the reply address's owner" in row.reason
    assert len(posts_in(thread)) == 1
    (_, recipients, answer) = collector.received[0]
    assert recipients == [outsider.email]
    for word in (SECRET_TITLE, "Northwind", "The Circle", "Mona", "Fay", "circle"):
        assert word.encode() not in answer


def test_a_reply_to_a_locked_thread_is_refused_but_a_facilitator_may(world):
    mona, fay, thread = world["mona"], world["fay"], world["thread"]
    conversations.set_locked(actor=fay, thread=thread, locked=True)
    to = reply_to(mona, thread)
    assert receive(letter(mona.email, to), sender=mona.email, to=to)[0].outcome == "refused"
    to = reply_to(fay, thread)
    assert receive(letter(fay.email, to), sender=fay.email, to=to)[0].outcome == "posted"


# --- The community address ---------------------------------------------------------------------


def test_a_member_starts_a_discussion_at_the_community_address(world):
    mona = world["mona"]
    to = addresses.community_address(world["members"])
    raw = letter(
        mona.email, to, "Who renewed with Contoso?\n\nSent from my iPhone", subject="Contoso"
    )
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "posted" and row.reason == "new thread"
    thread = Thread.objects.get(title="Contoso")
    assert thread.kind == "discussion" and thread.author == mona
    assert thread.community == world["members"]
    assert posts_in(thread)[0].body == "Who renewed with Contoso?"


def test_a_delegate_may_not_start_a_thread_by_mail(world):
    delegate = testing.make_user()
    testing.seat(world["members"], delegate, role="delegate")
    to = addresses.community_address(world["members"])
    (row,) = receive(letter(delegate.email, to, subject="Hi"), sender=delegate.email, to=to)
    assert row.outcome == "refused" and not Thread.objects.filter(title="Hi").exists()


def test_a_non_member_is_refused_with_the_same_neutral_answer_everywhere(world):
    """Confidential, members-only and non-existent communities all answer the
    same words, and none of them names a community, a thread or a person."""
    outsider = world["outsider"]
    answers = []
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        for slug in ("circle", "telecom-cop", "no-such-cop", "circle+subscribe"):
            to = f"{slug}@{addresses.domain()}"
            raw = letter(outsider.email, to, f"Let me in {slug}", subject=f"Hello {slug}")
            (row,) = receive(raw, sender=outsider.email, to=to)
            assert row.outcome == "refused"
        for _, recipients, raw in collector.received:
            assert recipients == [outsider.email]
            for word in (SECRET_TITLE, "Northwind", "The Circle", "Telecom", "Mona", "Fay"):
                assert word.encode() not in raw
            assert b"circle" not in raw.lower() and b"telecom" not in raw.lower()
            answers.append(collector.messages()[len(answers)].get_body(("plain",)).get_content())
    assert len(answers) == 4 and len(set(answers)) == 1
    assert Thread.objects.count() == 2
    message = collector.messages()[0]
    assert message["Auto-Submitted"] == "auto-replied" and message["Subject"]


def test_no_answer_when_from_and_return_path_differ(world):
    """Someone forging a member's From cannot learn from our answer whether
    that person is in a community."""
    to = addresses.community_address(world["secret"], "unsubscribe")
    raw = letter("stranger@example.net", to)
    (row,) = receive(raw, sender="prober@example.org", to=to)
    assert row.outcome == "refused" and mail.outbox == []


def test_a_reply_all_to_list_mail_posts_once_as_a_reply(world):
    mona, thread = world["mona"], world["thread"]
    reply, list_address = reply_to(mona, thread), addresses.community_address(world["members"])
    raw = letter(mona.email, f"{reply}, {list_address}", "Agreed.")
    rows = inbound.receive(raw, envelope_from=mona.email, envelope_to=[list_address, reply])
    assert [row.outcome for row in rows] == ["posted", "duplicate"]
    assert rows[0].recipient == reply and len(posts_in(thread)) == 2
    assert Thread.objects.count() == 2


def test_an_answer_to_the_lists_from_address_replies_in_its_thread(world):
    mona, thread = world["mona"], world["thread"]
    opening = posts_in(thread)[0]
    to = addresses.community_address(world["members"])
    raw = letter(
        mona.email, to, "Northwind.", In_Reply_To=f"<copse.post.{opening.pk}@{addresses.domain()}>"
    )
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "posted" and row.post.thread == thread
    # Not a new thread "Re: …" when the thread is locked: refused.
    conversations.set_locked(actor=world["fay"], thread=thread, locked=True)
    raw = letter(
        mona.email, to, "Again.", In_Reply_To=f"<copse.post.{opening.pk}@{addresses.domain()}>"
    )
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "refused" and Thread.objects.count() == 2


def test_html_only_mail_is_posted_as_text(world):
    mona = world["mona"]
    to = addresses.community_address(world["members"])
    message = EmailMessage()
    message["Authentication-Results"] = authentication_results(mona.email)
    message["From"], message["To"], message["Subject"] = mona.email, to, "Html"
    message["Message-ID"] = "<html-only@mail.example.com>"
    message.set_content(
        "<p>Hello <b>all</b><script>alert(1)</script></p><blockquote>old words</blockquote>",
        subtype="html",
    )
    (row,) = receive(message.as_bytes(), sender=mona.email, to=to)
    post = row.post
    assert post.body == "Hello all"
    assert "<script" not in post.body_html and "old words" not in post.body_html


# --- Duplicates, automatic mail, size, malformed ------------------------------------------------


def test_a_message_received_twice_posts_once(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, message_id="<once@mail.example.com>")
    first, second = (receive(raw, sender=mona.email, to=to)[0] for _ in range(2))
    assert (first.outcome, second.outcome) == ("posted", "duplicate")
    assert str(first.pk) in second.reason
    assert len(posts_in(thread)) == 2


def test_without_a_message_id_the_bytes_decide_what_is_a_duplicate(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, message_id=None)
    first = receive(raw, sender=mona.email, to=to)[0]
    assert first.message_id.startswith("<sha256.")
    assert receive(raw, sender=mona.email, to=to)[0].outcome == "duplicate"
    other = letter(mona.email, to, "Something else", message_id=None)
    assert receive(other, sender=mona.email, to=to)[0].outcome == "posted"
    assert len(posts_in(thread)) == 3


@pytest.mark.parametrize(
    ("headers", "envelope_sender"),
    [
        ({"Auto_Submitted": "auto-replied"}, None),
        ({"Auto_Submitted": "auto-generated"}, None),
        ({"Precedence": "bulk"}, None),
        ({"Precedence": "junk"}, None),
        ({"Precedence": "list"}, None),
        ({"X_Autoreply": "yes"}, None),
        ({"X_Autorespond": "Out of office"}, None),
        ({"X_Loop": "copse@{domain}"}, None),
        ({}, ""),
    ],
    ids=[
        "auto-replied",
        "auto-generated",
        "bulk",
        "junk",
        "list",
        "x-autoreply",
        "x-autorespond",
        "our-x-loop",
        "empty-return-path",
    ],
)
def test_automatic_replies_post_nothing_and_get_no_answer(world, headers, envelope_sender):
    mona, thread = world["mona"], world["thread"]
    headers = {k: v.format(domain=addresses.domain()) for k, v in headers.items()}
    for to in (reply_to(mona, thread), addresses.community_address(world["secret"])):
        raw = letter(mona.email, to, "I am out of the office.", **headers)
        sender = mona.email if envelope_sender is None else envelope_sender
        (row,) = receive(raw, sender=sender, to=to)
        assert row.outcome == "auto_reply" and row.reason.startswith("automatic")
    assert len(posts_in(thread)) == 1 and Thread.objects.count() == 2
    assert mail.outbox == []


def test_auto_submitted_no_is_a_person(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, Auto_Submitted="no")
    assert receive(raw, sender=mona.email, to=to)[0].outcome == "posted"


def test_an_oversized_message_is_refused_unread(world, settings):
    settings.COPSE_INBOUND_MAX_BYTES = 2_000
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, "x" * 3_000)
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "refused" and "larger than 2000 bytes" in row.reason
    assert row.raw == "" and len(posts_in(thread)) == 1
    (answer,) = mail.outbox
    assert "xxx" not in answer.body


def test_oversized_or_malformed_automatic_mail_gets_no_answer(world, settings):
    settings.COPSE_INBOUND_MAX_BYTES = 2_000
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    big = letter(mona.email, to, "x" * 3_000, Auto_Submitted="auto-replied")
    broken = b"From: a@example.com, b@example.com\r\nPrecedence: bulk\r\n\r\nHello\r\n"
    bounce_address = addresses.bounce_address(1)
    assert receive(big, sender=mona.email, to=to)[0].outcome == "refused"
    assert receive(broken, sender="a@example.com", to=to)[0].outcome == "malformed"
    assert receive(big, sender=mona.email, to=bounce_address)[0].outcome == "duplicate"
    big_bounce = letter(mona.email, bounce_address, "y" * 3_000)
    assert receive(big_bounce, sender=mona.email, to=bounce_address)[0].outcome == "refused"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff\xfe garbage without any header\r\n",
        b"Subject: no sender\r\nMessage-ID: <x@y>\r\n\r\nHello\r\n",
        b"From: a@example.com, b@example.com\r\nSubject: two\r\n\r\nHello\r\n",
        b"From: not an address\r\nSubject: odd\r\n\r\nHello\r\n",
    ],
    ids=["garbage", "no-from", "two-froms", "no-address"],
)
def test_malformed_messages_post_nothing(world, raw):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "malformed" and row.reason.startswith("malformed")
    assert len(posts_in(thread)) == 1 and row.raw == ""


def test_answers_to_one_sender_are_limited(world):
    outsider = world["outsider"]
    to = addresses.community_address(world["members"])
    for n in range(inbound.ANSWERS_PER_HOUR + 3):
        raw = letter(outsider.email, to, f"Attempt {n}")
        assert receive(raw, sender=outsider.email, to=to)[0].outcome == "refused"
    assert len(mail.outbox) == inbound.ANSWERS_PER_HOUR


def test_an_unknown_address_in_our_domain_is_refused(world):
    to = f"someone+else@{addresses.domain()}"
    raw = letter("x@example.net", to)
    (row,) = receive(raw, sender="x@example.net", to=to)
    assert row.outcome == "refused" and row.reason == "not a Copse address"


def test_every_event_is_logged_without_content(world, caplog):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    with caplog.at_level("INFO", logger="copse.mail"):
        receive(letter(mona.email, to, "Private words here"), sender=mona.email, to=to)
        receive(letter("x@example.net", to, "Other words"), sender="x@example.net", to=to)
    lines = [r.getMessage() for r in caplog.records if r.name == "copse.mail"]
    assert len(lines) == 2 and "outcome=posted" in lines[0] and "outcome=refused" in lines[1]
    assert not any("words" in line or "Carriers" in line for line in lines)
    assert InboundMessage.objects.count() == 2


# --- Attachments -------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_attachments_are_kept_by_type_and_content_and_the_author_is_told_of_the_rest(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(
        mona.email,
        to,
        "The slides.",
        files=[
            ("slides.pdf", PDF, "application", "pdf"),
            ("notes.txt", b"plain notes\n", "text", "plain"),
            ("setup.exe", b"MZ\x90\x00", "application", "octet-stream"),
            ("fake.pdf", b"MZ\x90\x00 not a pdf", "application", "pdf"),
            ("../../etc/passwd.png", b"\x89PNG\r\n\x1a\nrest", "image", "png"),
        ],
    )
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "posted" and "2 file(s) not kept" in row.reason
    stored = {a.original_name: a for a in PostAttachment.objects.filter(post=row.post)}
    assert set(stored) == {"slides.pdf", "notes.txt", "passwd.png"}
    assert stored["slides.pdf"].content_type == "application/pdf"
    assert stored["slides.pdf"].size == len(PDF)
    with stored["slides.pdf"].file.open("rb") as handle:
        assert handle.read() == PDF
    assert "passwd" not in stored["passwd.png"].file.name and "/" in stored["passwd.png"].file.name
    (notice,) = mail.outbox
    assert notice.to == [mona.email]
    assert "setup.exe" in notice.body and "fake.pdf" in notice.body
    assert "slides.pdf" not in notice.body


def test_an_attachment_alone_makes_a_post(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, "", files=[("slides.pdf", PDF, "application", "pdf")])
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "posted" and row.post.body == "Attached: slides.pdf"


def test_attachments_of_a_message_that_cannot_be_recorded_are_removed(world):
    """On a full disk SQLite may refuse the last write of the transaction,
    after the files were stored: then the files go too, and the sending
    server, told to try again later, finds nothing half-kept."""
    from django.conf import settings
    from django.db import OperationalError

    from copse.core.tests.full_disk import database_refuses_writes, files_under

    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, "The slides.", files=[("slides.pdf", PDF, "application", "pdf")])
    before = files_under(settings.MEDIA_ROOT)
    refusing = database_refuses_writes(table='"mailing_inboundmessage"', statements=("UPDATE",))
    with refusing as refused, pytest.raises(OperationalError):
        receive(raw, sender=mona.email, to=to)
    assert refused, "the message's row was not updated"
    assert files_under(settings.MEDIA_ROOT) == before
    assert not PostAttachment.objects.exists()
    assert len(posts_in(thread)) == 1
    # Sent again with room on the disk, it is posted with its file.
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "posted"
    assert PostAttachment.objects.get(post=row.post).file.read() == PDF


def test_an_empty_reply_is_refused(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, "On Mon, Fay wrote:\n> Which one?\n")
    (row,) = receive(raw, sender=mona.email, to=to)
    assert row.outcome == "refused" and row.reason == "nothing written"


# --- Bounces -----------------------------------------------------------------------------------


def delivery_report(to, status, *, final="mona@example.com", message_id="<dsn@mx.example.com>"):
    """An RFC 3464 report as a receiving server sends it to the return path."""
    return (
        "From: MAILER-DAEMON@mx.example.com\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {message_id}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "This is the mail system. Your message could not be delivered.\r\n"
        "--b1\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {final}\r\n"
        "Action: failed\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; {status[0]}50 {status} mailbox unavailable\r\n"
        "--b1--\r\n"
    ).encode()


def _sent_to(user, world):
    from copse.mailing.models import OutgoingMessage

    post = posts_in(world["thread"])[0]
    row, _ = OutgoingMessage.objects.get_or_create(
        recipient=user,
        post=post,
        kind="post",
        defaults={"community": world["members"], "next_attempt_at": post.created_at},
    )
    return addresses.bounce_address(row.pk)


def test_a_hard_bounce_marks_the_address_and_the_next_mail_skips_it(world):
    from copse.mailing import outbound, selectors
    from copse.mailing.models import CommunityDelivery, MailSettings

    mona, fay = world["mona"], world["fay"]
    CommunityDelivery.objects.create(user=mona, community=world["members"], mode="every")
    to = _sent_to(mona, world)
    (row,) = receive(delivery_report(to, "5.1.1"), sender="", to=to)
    assert row.outcome == "bounce" and "hard bounce 5.1.1" in row.reason and row.user == mona
    settings_row = MailSettings.objects.get(user=mona)
    assert settings_row.bouncing_since is not None and "5.1.1" in settings_row.bounce_reason
    assert mail.outbox == []  # never an answer to a bounce
    reply = conversations.post_reply(actor=fay, thread=world["thread"], body="Anyone?")
    assert mona not in selectors.every_message_recipients(world["members"])
    assert outbound.enqueue_post(reply) == 0


def test_a_soft_bounce_is_only_logged(world):
    from copse.mailing.models import MailSettings

    to = _sent_to(world["mona"], world)
    (row,) = receive(delivery_report(to, "4.2.2"), sender="", to=to)
    assert row.outcome == "bounce" and "soft bounce 4.2.2" in row.reason
    assert not MailSettings.objects.filter(bouncing_since__isnull=False).exists()


def test_a_bounce_for_an_old_address_or_a_forged_bounce_address_marks_nothing(world):
    from copse.mailing.models import MailSettings

    to = _sent_to(world["mona"], world)
    (row,) = receive(delivery_report(to, "5.1.1", final="old-mona@example.com"), sender="", to=to)
    assert "no longer in use" in row.reason
    forged = f"bounce+{tokens.bounce_token(1)[:-4]}beef@{addresses.domain()}"
    (row,) = receive(delivery_report(forged, "5.1.1", message_id="<f@x>"), sender="", to=forged)
    assert row.outcome == "refused" and row.reason == "forged bounce address"
    assert not MailSettings.objects.filter(bouncing_since__isnull=False).exists()


def test_the_bounce_banner_shows_until_the_person_says_the_address_works(world, client):
    mona = world["mona"]
    to = _sent_to(mona, world)
    receive(delivery_report(to, "5.1.1"), sender="", to=to)
    client.force_login(mona)
    page = client.get(world["members"].get_absolute_url())
    assert b"Mail to your address is being returned" in page.content
    assert b'href="/mail/"' in page.content
    settings_page = client.get("/mail/")
    assert b"My address works again" in settings_page.content
    response = client.post("/mail/bounce/clear/")
    assert response.status_code == 302 and response["Location"] == "/mail/"
    page = client.get(world["members"].get_absolute_url())
    assert b"Mail to your address is being returned" not in page.content
    client.force_login(world["fay"])
    assert b"is being returned" not in client.get(world["members"].get_absolute_url()).content


def test_the_banner_asks_the_database_only_every_few_minutes(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from copse.mailing.selectors import BOUNCE_CHECK_SECONDS, BOUNCE_SESSION_KEY

    mona = world["mona"]
    client.force_login(mona)
    url = world["members"].get_absolute_url()
    client.get(url)  # asks, and remembers "not bouncing"
    to = _sent_to(mona, world)
    receive(delivery_report(to, "5.1.1"), sender="", to=to)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert b"is being returned" not in page.content
    assert not [q for q in captured.captured_queries if '"bouncing_since" IS NOT NULL' in q["sql"]]
    # Five minutes later the next page asks again.
    session = client.session
    checked_at, _ = session[BOUNCE_SESSION_KEY]
    session[BOUNCE_SESSION_KEY] = [checked_at - BOUNCE_CHECK_SECONDS, False]
    session.save()
    assert b"is being returned" in client.get(url).content


def test_an_answer_waits_in_the_queue_while_the_mail_server_is_down(db):
    from django.test import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from copse.mailing import tasks
    from copse.mailing.tests.smtp import free_port, smtp_server, smtp_settings

    answer = {
        "to": "someone@example.org",
        "subject": "Not delivered",
        "body": "Short.",
        "headers": {"Auto-Submitted": "auto-replied"},
    }
    down = free_port()
    with override_settings(
        **smtp_settings(down), TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ):
        assert tasks.send_answer.call(**answer) is False
    retry = DBTaskResult.objects.get(task_path="copse.mailing.tasks.send_answer")
    assert retry.args_kwargs["kwargs"]["attempt"] == 1
    assert retry.run_after > timezone.now()
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        assert tasks.send_answer.call(**retry.args_kwargs["kwargs"]) is True
    assert [m["Subject"] for m in collector.messages()] == ["Not delivered"]


@pytest.mark.parametrize(("verified", "posts"), [(True, True), (False, False)])
def test_a_reply_from_another_address_the_member_confirmed(world, verified, posts):
    from allauth.account.models import EmailAddress

    mona, thread = world["mona"], world["thread"]
    EmailAddress.objects.create(user=mona, email="mona@home.example", verified=verified)
    raw = letter("Mona <mona@home.example>", "x@example.com", "From my home address.")
    [record] = receive(raw, sender="mona@home.example", to=reply_to(mona, thread))
    assert (record.outcome == "posted") == posts
    assert any("From my home address." in p.body for p in posts_in(thread)) == posts


def test_a_new_thread_from_another_address_the_member_confirmed(world):
    from allauth.account.models import EmailAddress

    mona = world["mona"]
    EmailAddress.objects.create(user=mona, email="Mona@Home.example", verified=True)
    to = addresses.community_address(world["members"])
    raw = letter("mona@home.example", to, "New here.", subject="Hello from home")
    [record] = receive(raw, sender="mona@home.example", to=to)
    assert record.outcome == "posted"
    assert Thread.objects.get(title="Hello from home").author == mona
