"""Answering a proposal by email reply, for real: the proposal mail goes
through the outbox over SMTP to a server on loopback; it is read back with
Python's email parser; the member's reply goes to its Reply-To through
Copse's own inbound SMTP server (`copse mail-server`); and the block and
its reason are on the proposal page in Chromium, where the link in the mail
leads."""

import datetime as dt
import smtplib
from email.message import EmailMessage

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from copse import testing
from copse.core.tests.browser import path_of
from copse.decisions import services
from copse.decisions.models import Position
from copse.mailing import outbound
from copse.mailing.models import InboundMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings
from copse.mailing.tests.test_mail_server import running_server  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Move the spring meeting to Sunnyvale"
REASON = "Half of us cannot travel in April; keep it online this time."


def _wait_for(collector, subject, seconds=10):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in collector.messages() if subject in str(m["Subject"])]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no mail about {subject!r}")


def test_a_member_blocks_a_proposal_by_replying_to_its_mail(
    open_page,
    live_server,
    settings,
    running_server,  # noqa: F811
):
    settings.BASE_URL = live_server.url
    community = testing.make_community(
        slug="sv-cio-cop", name="SV CIO CoP", visibility="confidential", listed=False
    )
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    priya = testing.make_user("priya@woodgrove.example", name="Priya Nair")
    testing.seat(community, maria, role="facilitator")
    testing.seat(community, priya)

    with smtp_server() as (collector, port):
        for name, value in smtp_settings(port).items():
            setattr(settings, name, value)
        proposal = services.create_proposal(
            actor=maria,
            community=community,
            title=TITLE,
            body="We meet at the Sunnyvale office on 14 April, with lunch.",
            deadline=timezone.now() + dt.timedelta(days=7),
        )
        outbound.deliver_due()  # whatever the queued sender left, as the worker would
        mailed = _wait_for(collector, "A proposal waits for your answer")
        assert mailed["To"] == priya.email
        raw = next(r for _, to, r in collector.received if to == [priya.email])
        assert TITLE.encode() not in raw and b"Sunnyvale" not in raw  # confidential
        text = mailed.get_body(("plain",)).get_content()
        link = next(word for word in text.split() if "/notifications/" in word)
        reply_to = mailed["Reply-To"].addresses[0].addr_spec

        # Priya's mail program answers above the quoted mail.
        reply = EmailMessage()
        reply["From"] = f"Priya Nair <{priya.email}>"
        reply["To"] = reply_to
        reply["Subject"] = "Re: " + str(mailed["Subject"])
        reply["Message-ID"] = "<answer-1@woodgrove.example>"
        reply.set_content(
            f"Block\n{REASON}\n\nOn Tue, SV CIO CoP wrote:\n"
            + "".join(f"> {line}\n" for line in text.splitlines())
        )
        with smtplib.SMTP("127.0.0.1", running_server, timeout=10) as client:
            wire = reply.as_bytes(policy=reply.policy.clone(linesep="\r\n"))
            assert client.sendmail(priya.email, [reply_to], wire) == {}

        assert InboundMessage.objects.get().outcome == "answered"
        position = Position.objects.get(proposal=proposal, user=priya)
        assert (position.stance, position.reason, position.by_mail) == ("block", REASON, True)
        saved = _wait_for(collector, "Your answer was saved: block")
        assert saved["To"] == priya.email

    page = open_page(user=priya)
    page.goto(path_of(link))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("#your-position")).to_contain_text("You said block")
    positions = page.get_by_role("region", name="Positions")
    expect(positions).to_contain_text("Priya Nair: Block (by email)")
    expect(positions).to_contain_text(REASON)
    assert page.script_errors == []
