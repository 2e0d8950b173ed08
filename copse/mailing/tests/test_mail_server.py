"""`copse mail-server` and `copse mail-inbound`, for real: a reply sent over
SMTP (smtplib, and Django's SMTP backend) to the server on a free loopback
port appears in the thread; the real CLI in a subprocess receives, stops
cleanly on SIGTERM, and reads a message on standard input.

The server handles mail in another thread (and the subprocesses in another
process), so these tests commit their data (`transaction=True`)."""

import io
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMessage as DjangoEmail
from django.core.mail import get_connection
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post, Thread
from copse.mailing import addresses, inbound
from copse.mailing.management.commands import mail_server
from copse.mailing.models import InboundMessage
from copse.mailing.tests.smtp import free_port, smtp_settings
from copse.mailing.tests.test_inbound import letter, reply_to

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    community = testing.make_community(slug="telecom-cop", name="Telecom CoP")
    mona = testing.make_user("mona@example.com", name="Mona Member")
    fay = testing.make_user("fay@example.com", name="Fay Facilitator")
    former = testing.make_user("fred@example.com", name="Fred Former")
    for person in (mona, former):
        testing.seat(community, person)
    testing.seat(community, fay, role="facilitator")
    thread = conversations.start_thread(
        actor=fay, community=community, kind="discussion", title="Carriers", body="Which one?"
    )
    return {"community": community, "mona": mona, "former": former, "thread": thread}


@pytest.fixture
def running_server():
    """`copse mail-server` (the management command) in a thread on a free port."""
    command = mail_server.Command(stdout=io.StringIO())
    port = free_port()
    thread = threading.Thread(
        target=call_command, args=(command,), kwargs={"port": port, "host": "127.0.0.1"}
    )
    thread.start()
    deadline = time.monotonic() + 10
    while command.port is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert command.port == port, "the mail server did not start"
    yield port
    command.stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the mail server did not stop"
    assert "stopped" in command.stdout._out.getvalue()


def _thread_posts(thread):
    return list(Post.objects.filter(thread=thread).order_by("position"))


def _wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_reply_sent_by_smtp_appears_in_the_thread(world, running_server):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    raw = letter(mona.email, to, "Northwind, since April.\n\n> Which one?\n")
    with smtplib.SMTP("127.0.0.1", running_server, timeout=10) as client:
        refused = client.sendmail(mona.email, [to], raw)
    assert refused == {}
    posts = _thread_posts(thread)
    assert [p.body for p in posts] == ["Which one?", "Northwind, since April."]
    assert posts[-1].author == mona
    assert InboundMessage.objects.get().outcome == "posted"


def test_a_former_members_reply_over_smtp_is_refused(world, running_server, settings):
    former, thread = world["former"], world["thread"]
    to = reply_to(former, thread)
    testing.seat(world["community"], former, status="left")
    # The neutral answer goes out through Django's SMTP backend to a second server.
    from copse.mailing.tests.smtp import smtp_server

    with smtp_server() as (collector, answer_port):
        for name, value in smtp_settings(answer_port).items():
            setattr(settings, name, value)
        # Sent with Django's SMTP backend, as a mail program would.
        message = DjangoEmail(
            "Re: Carriers", "Me too.", former.email, [to], headers={"Message-ID": "<f@x.org>"}
        )
        connection_to_copse = get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            host="127.0.0.1",
            port=running_server,
            use_tls=False,
            timeout=10,
        )
        assert connection_to_copse.send_messages([message]) == 1
        assert _wait_for(lambda: collector.received)
    assert len(_thread_posts(thread)) == 1
    row = InboundMessage.objects.get()
    assert row.outcome == "refused" and "may not reply" in row.reason
    (_, recipients, answer) = collector.received[0]
    assert recipients == [former.email] and b"Carriers" not in answer


def test_the_server_takes_mail_for_its_domain_only(running_server):
    with (
        smtplib.SMTP("127.0.0.1", running_server, timeout=10) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        client.sendmail("a@example.org", ["someone@elsewhere.example"], b"Subject: x\r\n\r\nx")
    assert not InboundMessage.objects.exists()


def test_an_oversized_message_is_refused_in_smtp_and_recorded(settings):
    settings.COPSE_INBOUND_MAX_BYTES = 1_000
    from copse.mailing import server

    smtp = server.controller("127.0.0.1", free_port())
    smtp.start()
    try:
        to = f"telecom-cop@{addresses.domain()}"
        raw = b"From: a@example.org\r\nSubject: big\r\n\r\n" + (b"x" * 70 + b"\r\n") * 100
        with smtplib.SMTP("127.0.0.1", smtp.port, timeout=10) as client:
            # smtplib declares the size, so the server refuses at MAIL FROM.
            with pytest.raises(smtplib.SMTPSenderRefused) as declared:
                client.sendmail("a@example.org", [to], raw)
            assert declared.value.smtp_code == 552
            # Without declaring it, the data itself is refused.
            client.ehlo()
            client.esmtp_features.pop("size", None)
            with pytest.raises(smtplib.SMTPDataError) as sent:
                client.sendmail("a@example.org", [to], raw)
            assert sent.value.smtp_code == 552
    finally:
        smtp.stop()
    rows = list(InboundMessage.objects.order_by("pk"))
    assert [row.outcome for row in rows] == ["refused", "refused"]
    assert "refused in SMTP" in rows[1].reason and rows[1].recipient == to
    assert not Thread.objects.exists()


def test_an_internal_error_asks_the_sender_to_retry(world, running_server, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(inbound, "receive", broken)
    to = reply_to(world["mona"], world["thread"])
    with (
        smtplib.SMTP("127.0.0.1", running_server, timeout=10) as client,
        pytest.raises(smtplib.SMTPDataError) as error,
    ):
        client.sendmail("mona@example.com", [to], letter("mona@example.com", to))
    assert error.value.smtp_code == 451


# --- The real command line ---------------------------------------------------------------------


def _environment(**extra):
    """The subprocess uses this test's database and settings."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
            f"{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/"
            f"{settings_dict['NAME']}"
        )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "copse.test_settings",
        "DATABASE_URL": url,
        **extra,
    }


def _copse(*arguments):
    return [sys.executable, "-m", "copse.cli", *arguments]


def start_mail_server(port: int, **popen) -> subprocess.Popen:
    """`copse mail-server` on loopback, as a process of its own."""
    return subprocess.Popen(
        _copse("mail-server", "--port", str(port)),
        cwd=ROOT,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_copse_mail_server_receives_and_stops_cleanly_on_sigterm(world):
    mona, thread = world["mona"], world["thread"]
    port = free_port()
    process = start_mail_server(port)
    try:
        assert "Receiving mail" in process.stdout.readline()
        to = reply_to(mona, thread)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail(mona.email, [to], letter(mona.email, to, "Sent to the CLI server."))
        assert _wait_for(lambda: len(_thread_posts(thread)) == 2)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert _thread_posts(thread)[-1].body == "Sent to the CLI server."
    with pytest.raises(OSError):
        smtplib.SMTP("127.0.0.1", port, timeout=2)


def test_copse_mail_inbound_reads_one_message_from_standard_input(world):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    # As Postfix's pipe runs it: the envelope in SENDER and ORIGINAL_RECIPIENT.
    result = subprocess.run(
        _copse("mail-inbound"),
        cwd=ROOT,
        env=_environment(SENDER=mona.email, ORIGINAL_RECIPIENT=to),
        input=letter(mona.email, to, "Piped in."),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert b"posted" in result.stdout
    assert _thread_posts(thread)[-1].body == "Piped in."


def test_copse_mail_inbound_exits_75_when_it_cannot_work(world, tmp_path):
    to = reply_to(world["mona"], world["thread"])
    result = subprocess.run(
        _copse("mail-inbound", "--sender", "mona@example.com", "--recipient", to),
        cwd=ROOT,
        env=_environment(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"),
        input=letter("mona@example.com", to),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 75, result.stderr
    assert len(_thread_posts(world["thread"])) == 1


def test_mail_inbound_takes_the_envelope_from_options_environment_or_headers(world, monkeypatch):
    mona, thread = world["mona"], world["thread"]
    to = reply_to(mona, thread)
    out = io.StringIO()
    call_command(
        "mail_inbound",
        sender=mona.email,
        recipient=[to],
        stdin=io.BytesIO(letter(mona.email, to, "By option.")),
        stdout=out,
    )
    assert "posted" in out.getvalue()
    monkeypatch.setenv("SENDER", mona.email)
    monkeypatch.setenv("RECIPIENT", to)
    call_command("mail_inbound", stdin=io.BytesIO(letter(mona.email, to, "By environment.")))
    monkeypatch.delenv("SENDER")
    monkeypatch.delenv("RECIPIENT")
    # No envelope at all: Return-Path and Delivered-To, as a local delivery writes them.
    raw = b"Return-Path: <mona@example.com>\r\nDelivered-To: " + to.encode() + b"\r\n"
    call_command("mail_inbound", stdin=io.BytesIO(raw + letter(mona.email, to, "By headers.")))
    assert [p.body for p in _thread_posts(thread)[1:]] == [
        "By option.",
        "By environment.",
        "By headers.",
    ]
    # An empty SENDER is a bounce's null return path: nothing posted, nothing answered.
    monkeypatch.setenv("SENDER", "")
    call_command("mail_inbound", recipient=[to], stdin=io.BytesIO(letter(mona.email, to, "Empty.")))
    assert InboundMessage.objects.order_by("-pk").first().outcome == "auto_reply"


def test_mail_inbound_reports_internal_errors_as_temporary(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(inbound, "receive", broken)
    with pytest.raises(CommandError) as error:
        call_command(
            "mail_inbound", sender="a@example.org", recipient=["x@y"], stdin=io.BytesIO(b"x")
        )
    assert error.value.returncode == 75


@override_settings(COPSE_INBOUND_MAX_BYTES=10)
def test_mail_inbound_refuses_an_oversized_message(world):
    to = reply_to(world["mona"], world["thread"])
    call_command(
        "mail_inbound",
        sender="mona@example.com",
        recipient=[to],
        stdin=io.BytesIO(letter("mona@example.com", to)),
    )
    row = InboundMessage.objects.get()
    assert row.outcome == "refused" and "larger than 10 bytes" in row.reason
