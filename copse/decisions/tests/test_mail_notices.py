"""Proposal notices by mail, over real SMTP on loopback and read back with
Python's email parser: at the full level the title, the text, the deadline
in the reader's time zone and a personal Reply-To that answers; in a
confidential community a link and how to answer, and no word of the
proposal; the outcome with the positions; no answer address for whoever
may not answer when the mail goes."""

import datetime as dt
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone

from copse import testing
from copse.decisions import services, tasks
from copse.mailing import addresses, outbound, tokens
from copse.mailing.tests.smtp import smtp_server, smtp_settings

SECRET_TITLE = "SECRET merger with Fabrikam in March"
SECRET_BODY = "SECRET: we share one data centre from the first of March."
WAIT = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


def _world(visibility):
    community = testing.make_community(slug="cio", name="CIO CoP", visibility=visibility)
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    priya = testing.make_user("priya@woodgrove.example", name="Priya Nair")
    priya.time_zone = "America/Los_Angeles"
    priya.save()
    seat = testing.seat(community, priya)
    testing.seat(community, maria, role="facilitator")
    dee = testing.make_user("dee@woodgrove.example", name="Dee Delegate")
    testing.seat(community, dee, role="delegate", principal=seat)
    with WAIT:
        proposal = services.create_proposal(
            actor=maria,
            community=community,
            title=SECRET_TITLE,
            body=SECRET_BODY + "\n\n- servers first\n- then storage",
            deadline=timezone.now() + dt.timedelta(days=7),
        )
    return community, maria, priya, proposal


@pytest.fixture
def members(db):
    return _world("members")


@pytest.fixture
def confidential(db):
    return _world("confidential")


def _tell(task, pk, captured):
    with WAIT, captured(execute=True):
        task.call(pk)


def _deliver():
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        counts = outbound.deliver_due()
    return collector, counts


def test_the_proposal_mail_carries_the_text_the_deadline_and_an_answer_address(
    members, django_capture_on_commit_callbacks
):
    community, maria, priya, proposal = members
    _tell(tasks.tell_members_of_proposal, proposal.pk, django_capture_on_commit_callbacks)
    collector, counts = _deliver()
    # Only Priya may answer: not the proposer, not the delegate.
    assert counts["sent"] == 1
    (message,) = collector.messages()
    assert message["To"] == priya.email
    subject = " ".join(message["Subject"].split())
    local = proposal.deadline.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert subject == f"[CIO CoP] {SECRET_TITLE}: your answer by {local:%-d %B}"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Maria Lopez asks CIO CoP to decide." in text
    assert SECRET_BODY in text and "- servers first\n- then storage" in text
    assert f"{local:%H:%M} (America/Los_Angeles)" in text
    assert "reply to this mail with one word on the first line" in text
    html = message.get_body(("html",)).get_content()
    assert "<h1" in html and "Answer by <strong>" in html
    reply_to = message["Reply-To"].addresses[0].addr_spec
    target = addresses.parse_recipient(reply_to)
    assert (target.kind, target.command) == ("answer", "decide")
    token = tokens.read_answer_token("decide", target.token)
    assert (token.user_id, token.object_id, token.state, token.version) == (
        priya.pk,
        proposal.pk,
        1,
        1,
    )
    assert message["From"].addresses[0].display_name == "CIO CoP"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_confidential_proposal_mail_carries_no_word_of_it(
    confidential, django_capture_on_commit_callbacks
):
    community, maria, priya, proposal = confidential
    _tell(tasks.tell_members_of_proposal, proposal.pk, django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    ((_, _, raw),) = collector.received
    assert b"SECRET" not in raw and b"Fabrikam" not in raw and b"Maria" not in raw
    (message,) = collector.messages()
    assert message["Subject"] == "[CIO CoP] A proposal waits for your answer"
    text = message.get_body(("plain",)).get_content()
    assert "A proposal in CIO CoP waits for your answer." in text
    assert "/notifications/" in text
    assert "reply to this mail with one word on the first line" in text
    assert addresses.parse_recipient(message["Reply-To"].addresses[0].addr_spec).kind == "answer"


def test_the_outcome_mail_shows_the_positions_and_the_statement(
    members, django_capture_on_commit_callbacks
):
    community, maria, priya, proposal = members
    services.take_position(actor=priya, proposal=proposal, stance="agree")
    with WAIT:
        proposal = services.close_if_due(
            proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1)
        )
        services.write_outcome(
            actor=maria,
            proposal=proposal,
            outcome="We move the servers first, then storage.",
            review_on=None,
        )
    _tell(tasks.announce_outcome, proposal.pk, django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    received = {m["To"]: m for m in collector.messages()}
    message = received[priya.email]
    assert message["Subject"] == f"[CIO CoP] Decided: {SECRET_TITLE}"
    text = message.get_body(("plain",)).get_content()
    assert "1 agree, 0 abstain, 0 disagree, 0 block" in text
    assert "We move the servers first, then storage." in text
    assert "written by Maria Lopez" in text
    # An outcome asks for nothing: no answer address.
    assert message["Reply-To"] is None


def test_whoever_may_no_longer_answer_when_the_mail_goes_gets_no_answer_address(
    members, django_capture_on_commit_callbacks
):
    community, maria, priya, proposal = members
    _tell(tasks.tell_members_of_proposal, proposal.pk, django_capture_on_commit_callbacks)
    testing.seat(community, priya, status="on_leave")
    collector, _ = _deliver()
    (message,) = collector.messages()
    assert message["Reply-To"] is None
    assert "reply to this mail" not in message.get_body(("plain",)).get_content()


def test_a_nudge_is_mailed_again_with_an_answer_address(
    members, django_capture_on_commit_callbacks
):
    community, maria, priya, proposal = members
    with WAIT:
        services.nudge(actor=maria, proposal=proposal)
    nudge = proposal.nudges.get()
    _tell(tasks.nudge_waiting, nudge.pk, django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    (message,) = collector.messages()
    assert message["Subject"] == f"[CIO CoP] Still waiting for your answer: {SECRET_TITLE}"
    assert message["Reply-To"] is not None


def test_every_decision_kind_is_mailed():
    from copse.mailing.notices import MAILED_KINDS

    assert {
        "proposal",
        "proposal_nudge",
        "proposal_closed",
        "decided",
        "nominated",
        "date_poll",
        "norms_review",
    } <= MAILED_KINDS


def test_the_closing_mail_asks_the_proposer_to_write_the_outcome(
    members, django_capture_on_commit_callbacks
):
    community, maria, priya, proposal = members
    services.take_position(actor=priya, proposal=proposal, stance="block", reason="Budget.")
    with WAIT:
        services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    _tell(tasks.tell_of_closing, proposal.pk, django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    (message,) = collector.messages()
    assert message["To"] == maria.email
    assert message["Subject"] == f"[CIO CoP] Closed: {SECRET_TITLE}: write the outcome"
    text = message.get_body(("plain",)).get_content()
    assert "did not pass" in text and "0 agree, 0 abstain, 0 disagree, 1 block" in text


def _notify(user, kind, target, read_action, captured):
    from copse.notifications.services import notify

    with WAIT, captured(execute=True):
        assert notify(user=user, kind=kind, target=target, read_action=read_action)


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_a_date_poll_shows_each_time_in_the_readers_zone_across_dst_or_only_a_link(
    visibility, db, django_capture_on_commit_callbacks
):
    from copse.decisions.models import DateOption, DatePoll

    community, maria, priya, _ = _world(visibility)
    poll = DatePoll.objects.create(
        community=community, proposed_by=maria, title="SECRET side meeting on vendors"
    )
    # 9 March 2025 is the day Los Angeles moves its clocks forward.
    times = [
        dt.datetime(2025, 3, 8, 17, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 10, 17, 0, tzinfo=dt.UTC),
    ]
    for starts_at in times:
        DateOption.objects.create(poll=poll, starts_at=starts_at)
    _notify(priya, "date_poll", poll, "poll.read", django_capture_on_commit_callbacks)
    collector, _ = _deliver()
    ((_, _, raw),) = collector.received
    (message,) = collector.messages()
    text = message.get_body(("plain",)).get_content()
    if visibility == "confidential":
        assert b"SECRET" not in raw and b"Maria" not in raw
        assert message["Subject"] == "[CIO CoP] When can you meet?"
        assert "A date poll in CIO CoP asks when you can meet." in text
    else:
        # 09:00 PST before the change, 10:00 PDT after it.
        assert "Saturday 8 March 2025, 09:00" in text
        assert "Monday 10 March 2025, 10:00" in text
        assert "(America/Los_Angeles)" in text
    assert message["Reply-To"] is None


def test_the_norms_review_reminder_is_mailed(members, django_capture_on_commit_callbacks):
    from copse.decisions.models import NormsReview

    community, maria, priya, _ = members
    review = NormsReview.objects.create(community=community, norms_version=1)
    _notify(
        maria,
        "norms_review",
        review,
        "community.view_decisions",
        django_capture_on_commit_callbacks,
    )
    collector, _ = _deliver()
    (message,) = collector.messages()
    assert message["Subject"] == "[CIO CoP] Time to review our norms"
    text = message.get_body(("plain",)).get_content()
    assert "review its norms together" in text
    # The link opens the notification, which leads to the norms.
    from django.test import Client

    link = next(word for word in text.split() if "/notifications/" in word)
    client = Client()
    client.force_login(maria)
    response = client.get(urlsplit(link).path)
    assert response.status_code == 302 and response["Location"] == "/c/cio/norms/"
