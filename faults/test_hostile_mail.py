"""Hostile mail over SMTP: a running `copse mail-server` answers every message
of the corpus (`copse/mailing/tests/hostile.py`) for good — 2xx or 5xx, never
a 4xx that makes the sending server retry — stays up, and stays small."""

import resource
import smtplib
import time

import pytest

from copse.mailing.tests import hostile
from faults.conftest import free_port, wait_for

DOMAIN = "copse.test"
PEAK_LIMIT = 200 * 2**20
# A generous bound per message over SMTP, which reads a message line by line
# (in-process each is decided in under a second).
ANSWER_SECONDS = 15

SETUP = """
from copse.conversations import services
from copse import testing
from copse.mailing import addresses

community = testing.make_community(slug="telecom-cop", name="Telecom CoP")
mona = testing.make_user("mona@example.com", name="Mona Member")
testing.seat(community, mona, role="facilitator")
thread = services.start_thread(
    actor=mona, community=community, kind="discussion", title="Carriers", body="Which one?"
)
print(addresses.reply_address(user=mona, thread=thread, version=1))
"""


def _status_bytes(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _answer(port: int, sender: str, to: str, raw: bytes) -> int:
    """The SMTP reply code the server gives the message."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        try:
            client.sendmail(sender, [to], raw)
        except smtplib.SMTPResponseException as refused:
            return refused.smtp_code
        except smtplib.SMTPRecipientsRefused as refused:
            return min(code for code, _ in refused.recipients.values())
    return 250


@pytest.mark.fault(
    "hostile mail over SMTP (broken MIME, 10,000 headers, 50,000 encoded words, zip bomb…)",
    "a permanent answer for each; the mail server stays up, under 200 MB",
)
def test_the_mail_server_answers_hostile_mail_for_good_and_stays_small(site):
    site.set_env(COPSE_MAIL_DOMAIN=DOMAIN)
    to = site.copse("shell", "-c", SETUP).stdout.strip().splitlines()[-1]
    assert to.endswith("@" + DOMAIN), to
    port = free_port()
    server = site.start("mail-server", "--port", str(port), log_name="mail-server")
    # Should memory run away after all, the server gets MemoryError, not the machine's memory.
    resource.prlimit(server.pid, resource.RLIMIT_AS, (2 * 2**30, resource.RLIM_INFINITY))
    wait_for(lambda: "Receiving mail" in site.log("mail-server"), timeout=60, what="mail-server")

    answers, expected = {}, {}
    for name, (build, decision) in hostile.CORPUS.items():
        raw = build("mona@example.com", to)
        expected[name] = _expected_answer(raw, decision)
        started = time.monotonic()
        answers[name] = _answer(port, "mona@example.com", to, raw)
        seconds = time.monotonic() - started
        assert server.poll() is None, f"the mail server stopped after {name}"
        assert seconds < ANSWER_SECONDS, f"{name} took {seconds:.1f} s"
    peak = _status_bytes(server.pid, "VmHWM")

    assert {name for name, code in answers.items() if 400 <= code < 500} == set()
    assert answers == expected
    assert peak < PEAK_LIMIT, f"peak resident memory {peak / 2**20:.0f} MB"
    # Each message the handler saw has its row: posted, refused, malformed or refused unread.
    rows = site.sql("select outcome, reason from mailing_inboundmessage order by id")
    decided = [code for code in answers.values() if code in (250, 554)]
    assert len(rows) == len(decided)
    unread = [reason for _, reason in rows if reason.startswith("refused unread: ")]
    assert len(unread) == decided.count(554)
    posted = [name for name, (_, decision) in hostile.CORPUS.items() if decision == "posted"]
    assert [outcome for outcome, _ in rows].count("posted") == len(posted)
    assert "Traceback" not in site.log("mail-server")


def _expected_answer(raw: bytes, decision: str) -> int:
    """What a sending server hears: aiosmtpd refuses a line over 1,000 bytes
    itself (RFC 5321 4.5.3.1.6); a message over Copse's limits gets 554;
    anything Copse decided, 250."""
    if max(len(line) for line in raw.split(b"\r\n")) > 998:
        return 500
    return 554 if decision == "refused unread" else 250
