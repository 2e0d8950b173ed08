"""Hostile mail gets a permanent answer at once: every message of the corpus
in `hostile.py` goes through `inbound.receive` (the entry point of
`copse mail-inbound` and `copse mail-server`) within a second, with bounded
memory, and is posted, refused or held — never left for a retry. No message
is parsed while a database transaction is open. The real commands answer an
unknown charset with a post, a message over the limits with a permanent
refusal (exit 65, SMTP 554), and the server stays small while refusing a
message built to blow up memory."""

import contextlib
import email.feedparser
import email.message
import email.policy
import resource
import smtplib
import subprocess
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post, PostAttachment
from copse.core import files as file_types
from copse.mailing import addresses, inbound, quoting
from copse.mailing.models import HeldMessage, InboundMessage
from copse.mailing.tests import hostile, test_mail_server
from copse.mailing.tests.smtp import free_port
from copse.mailing.tests.test_inbound import letter, reply_to
from copse.mailing.tests.test_mail_server import ROOT, _copse, _environment, start_mail_server

pytestmark = pytest.mark.django_db
running_server = test_mail_server.running_server

ANSWER_SECONDS = 1.0
# Room to allocate beyond what the test process already uses while one
# message is handled; beyond it Python raises MemoryError instead of taking
# the machine's memory (50,000 encoded words once took 21 GB).
MEMORY_HEADROOM = 256 * 2**20
SERVER_PEAK_LIMIT = 200 * 2**20


def _status_bytes(pid: int | str, field: str) -> int:
    """A size from /proc/<pid>/status (VmSize, VmHWM…), in bytes."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


@contextlib.contextmanager
def memory_headroom(headroom: int):
    """Cap this process's address space at what it uses now plus `headroom`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _status_bytes("self", "VmSize") + headroom
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def world():
    community = testing.make_community(slug="telecom-cop", name="Telecom CoP")
    mona = testing.make_user("mona@example.com", name="Mona Member")
    testing.seat(community, mona, role="facilitator")
    thread = conversations.start_thread(
        actor=mona, community=community, kind="discussion", title="Carriers", body="Which one?"
    )
    # One ordinary message first, so that the timings below measure the
    # message rather than the first import of a template or module.
    to = reply_to(mona, thread)
    inbound.receive(letter(mona.email, to, "Warm-up."), envelope_from=mona.email, envelope_to=[to])
    return {"community": community, "mona": mona, "thread": thread}


def _decide(raw: bytes, *, sender: str, to: str) -> str:
    try:
        (row,) = inbound.receive(raw, envelope_from=sender, envelope_to=[to])
    except inbound.Refused:
        return "refused unread"
    return row.outcome


@pytest.mark.parametrize("name", list(hostile.CORPUS))
def test_hostile_mail_gets_a_permanent_answer_within_a_second(world, name):
    build, expected = hostile.CORPUS[name]
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = build(mona.email, to)
    posts_before = Post.objects.filter(thread=thread).count()
    started = time.monotonic()
    with memory_headroom(MEMORY_HEADROOM):
        decision = _decide(raw, sender=mona.email, to=to)
    seconds = time.monotonic() - started
    assert decision == expected
    assert seconds < ANSWER_SECONDS, f"{name} took {seconds:.2f} s"
    row = InboundMessage.objects.order_by("-pk").first()
    if decision == "refused unread":
        assert row.outcome == "refused" and row.reason.startswith("refused unread: ")
        assert row.recipient == to and row.raw == ""
    posts = Post.objects.filter(thread=thread).count() - posts_before
    assert posts == (1 if decision == "posted" else 0)


def test_an_unknown_charset_is_read_with_replacement_characters(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = hostile.unknown_charset(mona.email, to).replace(
        b"Qapla'", b"Qapla' \xe4"
    )  # a byte no guess at the charset can make sense of
    (row,) = inbound.receive(raw, envelope_from=mona.email, envelope_to=[to])
    assert row.outcome == "posted"
    assert row.post.body == "nuqneH, Qapla' \ufffd"
    assert row.post.author == mona


def test_undecodable_bytes_and_nul_are_stored_as_replacement_characters(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    (row,) = inbound.receive(
        hostile.non_utf8_bytes(mona.email, to), envelope_from=mona.email, envelope_to=[to]
    )
    row.refresh_from_db()
    body = row.post.body
    assert body.startswith("Caf\ufffd cr\ufffdme, and a NUL: \ufffd here.")
    assert "\x00" not in row.raw and "\x00" not in body


def test_unknown_charsets_in_a_new_threads_subject_are_read(world, settings):
    settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS = []
    mona, community = world["mona"], world["community"]
    to = f"{community.slug}@{addresses.domain()}"
    (row,) = inbound.receive(
        hostile.unknown_charset_in_headers(mona.email, to),
        envelope_from=mona.email,
        envelope_to=[to],
    )
    # A members-only community holds a new thread until its sender confirms.
    assert row.outcome == "held"
    held = HeldMessage.objects.get(inbound=row)
    assert inbound.held_subject(held).startswith("Qapla'")


def test_the_zip_bomb_is_kept_as_it_came_and_never_unpacked(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = hostile.zip_bomb_attached(mona.email, to)
    with memory_headroom(MEMORY_HEADROOM):
        (row,) = inbound.receive(raw, envelope_from=mona.email, envelope_to=[to])
    (attachment,) = PostAttachment.objects.filter(post=row.post)
    assert attachment.original_name == "minutes.docx"
    assert attachment.size == len(hostile.zip_bomb()) < 1_000_000
    with attachment.file.open("rb") as stored:
        assert stored.read() == hostile.zip_bomb()


@pytest.mark.parametrize(
    ("setting", "value", "message", "reason"),
    [
        ("COPSE_INBOUND_MAX_HEADERS", 20, "ten_thousand_headers", "more than 20 header fields"),
        ("COPSE_INBOUND_MAX_ENCODED_WORDS", 10, "encoded_words", "more than 10 encoded words"),
        ("COPSE_INBOUND_MAX_FIELD_BYTES", 3_000, "nested_comments_in_from", "over 3000 bytes"),
        ("COPSE_INBOUND_MAX_STRUCTURED_BYTES", 2_000, "many_mime_parameters", "over 2000 bytes"),
        ("COPSE_INBOUND_MAX_PARTS", 100, "delivery_report_blocks", "more than 100 MIME parts"),
        ("COPSE_INBOUND_MAX_NESTED_PARTS", 5, "nested_messages", "more than 5 nested parts"),
        ("COPSE_INBOUND_MAX_LINES", 100, "a_million_lines", "more than 100 lines"),
    ],
)
def test_the_limits_are_settings(world, settings, setting, value, message, reason):
    setattr(settings, setting, value)
    build = {
        "nested_messages": hostile.CORPUS["nested-messages"][0],
        "encoded_words": lambda sender, to: hostile.encoded_words(sender, to, count=20),
    }.get(message) or getattr(hostile, message)
    to = reply_to(world["mona"], world["thread"])
    with pytest.raises(inbound.Refused) as refusal:
        inbound.receive(build("mona@example.com", to), envelope_from="x@y.org", envelope_to=[to])
    assert reason in str(refusal.value)


def test_ordinary_mail_is_within_every_limit(world):
    """What a mail program sends stays within the limits: thirty Received
    lines, a DKIM signature, 150 recipients, HTML with inline images, a
    forwarded message and eight attachments."""
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    message = email.message.EmailMessage()
    for hop in range(30):
        message["Received"] = f"from relay{hop}.example.net (relay{hop} [192.0.2.{hop}]) by x"
    message["DKIM-Signature"] = "v=1; a=rsa-sha256; d=example.com; b=" + "A" * 400
    message["From"] = "Mona Märtig <mona@example.com>"
    message["To"] = ", ".join(f"Person Nummer {n} <p{n}@example.org>" for n in range(150))
    message["Subject"] = "Réunion — compte rendu, ordre du jour et pièces jointes " * 3
    message["Message-ID"] = "<ordinary@example.com>"
    message.set_content("Northwind, since April.\n\n-- \nMona\n")
    message.add_alternative("<p>Northwind, since April.</p>" + "<img src=cid:x>" * 10, "html")
    html = message.get_payload()[1]
    for n in range(10):
        html.add_related(b"\x89PNG\r\n\x1a\n" + bytes(2000), "image", "png", cid=f"<i{n}@x>")
    forwarded = email.message.EmailMessage()
    forwarded["From"], forwarded["Subject"] = "a@example.org", "=?utf-8?q?Fw=C3=A4?="
    forwarded.set_content("The forwarded words.")
    message.add_attachment(forwarded)
    for n in range(8):
        message.add_attachment(
            b"%PDF-1.7\n" + bytes(5000), "application", "pdf", filename=f"{n}.pdf"
        )
    raw = message.as_bytes()
    assert inbound.screen(raw) == ""
    (row,) = inbound.receive(raw, envelope_from=mona.email, envelope_to=[to])
    assert row.outcome == "posted"
    assert row.post.body == "Northwind, since April."
    assert PostAttachment.objects.filter(post=row.post).count() == 8


# --- No parsing inside a transaction ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_message_is_parsed_while_a_transaction_is_open(monkeypatch, settings):
    settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS = []
    community = testing.make_community(slug="telecom-cop", name="Telecom CoP")
    mona = testing.make_user("mona@example.com", name="Mona Member")
    testing.seat(community, mona)
    thread = conversations.start_thread(
        actor=mona, community=community, kind="discussion", title="Carriers", body="Which one?"
    )
    seen: list[tuple[str, bool]] = []

    def watch(owner, name):
        original = getattr(owner, name)

        def watched(*args, **kwargs):
            seen.append((name, connection.in_atomic_block))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, watched)

    # The parser itself, each header it reads, each body it decodes, the
    # trimming of quotes and the sniffing of attached files.
    watch(email.feedparser.FeedParser, "feed")
    watch(email.policy.EmailPolicy, "header_fetch_parse")
    watch(email.message.MIMEPart, "get_content")
    watch(quoting, "trim")
    watch(file_types, "sniff")

    to = reply_to(mona, thread)
    reply = letter(
        mona.email,
        to,
        "Northwind.\n\n> Which one?\n",
        files=[("notes.pdf", b"%PDF-1.7 notes", "application", "pdf")],
    )
    new_thread = letter(mona.email, f"telecom-cop@{addresses.domain()}", "A new question.")
    (posted,) = inbound.receive(reply, envelope_from=mona.email, envelope_to=[to])
    (held,) = inbound.receive(
        new_thread, envelope_from=mona.email, envelope_to=[f"telecom-cop@{addresses.domain()}"]
    )
    assert (posted.outcome, held.outcome) == ("posted", "held")
    inbound.confirm_held(viewer=AnonymousUser(), held=HeldMessage.objects.get())
    assert Post.objects.filter(body="A new question.").exists()

    assert {name for name, _ in seen} == {
        "feed",
        "header_fetch_parse",
        "get_content",
        "trim",
        "sniff",
    }
    assert [name for name, inside in seen if inside] == []


# --- The real commands --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_copse_mail_inbound_posts_a_message_in_an_unknown_charset(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = hostile.unknown_charset(mona.email, to)
    assert len(raw) < 300
    result = subprocess.run(
        _copse("mail-inbound"),
        cwd=ROOT,
        env=_environment(SENDER=mona.email, ORIGINAL_RECIPIENT=to),
        input=raw,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert Post.objects.filter(thread=thread).order_by("-position")[0].body == "nuqneH, Qapla'"


@pytest.mark.django_db(transaction=True)
def test_copse_mail_server_posts_a_message_in_an_unknown_charset(world, running_server):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    with smtplib.SMTP("127.0.0.1", running_server, timeout=10) as client:
        assert client.sendmail(mona.email, [to], hostile.unknown_charset(mona.email, to)) == {}
    assert Post.objects.filter(thread=thread).order_by("-position")[0].body == "nuqneH, Qapla'"


@pytest.mark.django_db(transaction=True)
def test_over_a_limit_mail_inbound_exits_65_and_the_mail_server_answers_554(world, running_server):
    to = reply_to(world["mona"], world["thread"])
    raw = hostile.ten_thousand_headers("mona@example.com", to)
    result = subprocess.run(
        _copse("mail-inbound", "--sender", "mona@example.com", "--recipient", to),
        cwd=ROOT,
        env=_environment(),
        input=raw,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 65, result.stderr
    assert b"refused: more than 500 header fields" in result.stderr
    with (
        smtplib.SMTP("127.0.0.1", running_server, timeout=10) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.sendmail("mona@example.com", [to], raw)
    assert refused.value.smtp_code == 554
    assert b"more than 500 header fields" in refused.value.smtp_error
    reasons = list(InboundMessage.objects.order_by("pk").values_list("reason", flat=True))
    assert reasons[-2:] == ["refused unread: more than 500 header fields"] * 2


def _limit_address_space():
    # In the child only: with a ceiling, an unbounded parse ends in
    # MemoryError instead of taking the machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, resource.RLIM_INFINITY))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (hostile.encoded_words, "more than 1000 encoded words"),
        # Two megabytes of empty lines: a million objects, were they kept one a line.
        (hostile.a_million_lines, "more than 250000 lines"),
    ],
    ids=["encoded-words", "a-million-lines"],
)
def test_copse_mail_server_stays_under_200_mb_with_a_message_built_to_blow_up_memory(
    world, build, reason
):
    to = reply_to(world["mona"], world["thread"])
    raw = build("mona@example.com", to)
    assert 1_000_000 < len(raw) < 2_100_000
    port = free_port()
    process = start_mail_server(port, preexec_fn=_limit_address_space)
    try:
        assert "Receiving mail" in process.stdout.readline()
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            try:
                client.sendmail("mona@example.com", [to], raw)
                answer = 250
            except smtplib.SMTPDataError as refused:
                answer = refused.smtp_code
        seconds = time.monotonic() - started
        peak = _status_bytes(process.pid, "VmHWM")
    finally:
        process.terminate()
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
    assert peak < SERVER_PEAK_LIMIT, f"peak resident memory {peak / 2**20:.0f} MB"
    assert answer == 554
    # Bounded, generously: SMTP reads a message line by line, a million of them here.
    assert seconds < 15
    (row,) = InboundMessage.objects.filter(reason__startswith="refused unread")
    assert row.reason == f"refused unread: {reason}"
