"""Answering a proposal by replying to its mail, through `inbound.receive`:
the position is saved as the token's owner, marked as by mail, and logged;
a block without a reason, an unreadable first line, a closed or revised
proposal, a former member, a delegate: nothing saved and an answer that
says what to do; forged, revoked and forwarded addresses: nothing saved and
only the neutral answer."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from copse import testing
from copse.decisions import services
from copse.decisions.models import Position
from copse.mailing import addresses, inbound
from copse.mailing import services as mailing_services
from copse.mailing.models import InboundMessage

SECRET_TITLE = "SECRET merger with Fabrikam in March"
SECRET_BODY = "SECRET: we share one data centre from the first of March."


@pytest.fixture
def world(db):
    circle = testing.make_community(
        slug="circle", name="The Circle", visibility="confidential", listed=False
    )
    mona = testing.make_user("mona@example.com", name="Mona Member")
    fay = testing.make_user("fay@example.com", name="Fay Facilitator")
    fred = testing.make_user("fred@example.com", name="Fred Former")
    dee = testing.make_user("dee@example.com", name="Dee Delegate")
    seat = testing.seat(circle, mona)
    testing.seat(circle, fred)
    testing.seat(circle, fay, role="facilitator")
    testing.seat(circle, dee, role="delegate", principal=seat)
    proposal = services.create_proposal(
        actor=fay,
        community=circle,
        title=SECRET_TITLE,
        body=SECRET_BODY,
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    return {"circle": circle, "mona": mona, "fay": fay, "fred": fred, "dee": dee, "p": proposal}


def decide_to(user, proposal, version=1, state=None):
    return addresses.answer_address(
        "decide",
        user=user,
        object_id=proposal.pk,
        state=proposal.revision if state is None else state,
        version=version,
    )


def letter(sender, to, body):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: [The Circle] A proposal waits for your answer"
    message["Message-ID"] = f"<{abs(hash((sender, to, body)))}@mail.example.com>"
    message.set_content(body)
    return message.as_bytes()


def answer(user, proposal, body, *, sender=None, to=None):
    sender = sender or user.email
    to = to or decide_to(user, proposal)
    (row,) = inbound.receive(letter(sender, to, body), envelope_from=sender, envelope_to=[to])
    return row


def test_agree_by_reply_saves_the_position_as_the_member_by_mail(world):
    mona, proposal = world["mona"], world["p"]
    body = "I agree!\n\nOn Tue, Copse wrote:\n> " + SECRET_BODY + "\n\n-- \nMona\n"
    row = answer(mona, proposal, body)
    assert row.outcome == "answered" and row.user == mona
    assert row.reason == f"decide: position agree on proposal {proposal.pk}"
    assert row.raw == ""  # the words went into the position, not the log
    position = Position.objects.get(proposal=proposal, user=mona)
    assert (position.stance, position.reason, position.by_mail) == ("agree", "", True)
    (sent,) = mail.outbox
    assert sent.to == [mona.email] and sent.subject == "Your answer was saved: agree"
    assert proposal.get_absolute_url() in sent.body
    assert "SECRET" not in sent.subject + sent.body


def test_a_block_with_its_reason_is_saved_and_an_answer_changes_it(world):
    mona, proposal = world["mona"], world["p"]
    answer(mona, proposal, "BLOCK:\nThe auditors asked for a freeze until June.\n")
    position = Position.objects.get(proposal=proposal, user=mona)
    assert position.stance == "block"
    assert position.reason == "The auditors asked for a freeze until June."
    answer(mona, proposal, "Abstain.")
    assert Position.objects.get(proposal=proposal, user=mona).stance == "abstain"
    assert InboundMessage.objects.filter(outcome="answered").count() == 2


def _close(world):
    proposal = world["p"]
    services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))


def _leave(world):
    testing.seat(world["circle"], world["mona"], status="left")


def _revise(world):
    services.revise_proposal(
        actor=world["fay"],
        proposal=world["p"],
        title=SECRET_TITLE,
        body=SECRET_BODY + " Only the servers.",
        note="Narrowed to the servers.",
    )


@pytest.mark.parametrize(
    ("body", "arrange", "logged", "says", "links"),
    [
        ("Block", None, "a block without a reason", "A block needs a reason", True),
        ("block\n\n-- \nMona", None, "a block without a reason", "A block needs a reason", True),
        ("Sounds fine to me", None, "unreadable", "could not read your position", True),
        ("I agree with Fred's block", None, "unreadable", "could not read your position", True),
        ("agree", _close, "has closed", "This proposal has closed", True),
        ("agree", _revise, "was revised since the mail", "was revised after this mail", True),
        ("agree", _leave, "may no longer read the proposal", "Only active members", False),
    ],
    ids=[
        "block alone",
        "block and signature",
        "no word",
        "agree with",
        "closed",
        "revised",
        "left",
    ],
)
def test_what_cannot_be_saved_saves_nothing_and_says_why(world, body, arrange, logged, says, links):
    mona, proposal = world["mona"], world["p"]
    if arrange is not None:
        arrange(world)
    row = answer(mona, proposal, body)
    assert row.outcome == "refused" and row.user == mona
    assert logged in row.reason
    assert not Position.objects.filter(user=mona).exists()
    (sent,) = mail.outbox
    assert sent.to == [mona.email] and sent.subject == "Your answer was not saved"
    assert says in sent.body and "nothing from it was recorded" in sent.body
    assert (proposal.get_absolute_url() in sent.body) == links
    # The answer names neither the proposal nor its community.
    assert "SECRET" not in sent.body and "The Circle" not in sent.body
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"


def test_a_delegate_cannot_answer_for_their_principal(world):
    dee, proposal = world["dee"], world["p"]
    row = answer(dee, proposal, "agree")
    assert row.outcome == "refused" and "may not answer" in row.reason
    assert not Position.objects.exists()
    assert "only active members answer" in mail.outbox[0].body


def _neutral_refusal(row, reason):
    assert row.outcome == "refused" and reason in row.reason
    assert not Position.objects.exists()
    (sent,) = mail.outbox
    assert sent.subject == "Your message to Copse was not posted"
    assert "SECRET" not in sent.body and "proposal" not in sent.body


def test_a_forged_answer_address_is_refused(world):
    mona, proposal = world["mona"], world["p"]
    to = decide_to(mona, proposal)
    local, _, domain = to.partition("@")
    forged = local[:-1] + ("0" if local[-1] != "0" else "1") + "@" + domain
    _neutral_refusal(answer(mona, proposal, "agree", to=forged), "forged answer address")


def test_another_persons_token_cannot_be_made_from_mine(world):
    """The ids are signed: changing the user id in Mona's token breaks it."""
    mona, fay, proposal = world["mona"], world["fay"], world["p"]
    token = addresses.parse_recipient(decide_to(mona, proposal)).token
    parts = token.split(".")
    parts[0] = f"{fay.pk:x}"
    to = f"decide+{'.'.join(parts)}@{addresses.domain()}"
    _neutral_refusal(answer(fay, proposal, "agree", to=to), "forged answer address")


def test_a_reply_token_is_not_an_answer_token_nor_the_other_way(world):
    mona, proposal = world["mona"], world["p"]
    token = addresses.parse_recipient(decide_to(mona, proposal)).token
    row = answer(mona, proposal, "agree", to=f"reply+{token}@{addresses.domain()}")
    assert row.outcome == "refused" and "forged reply address" in row.reason
    assert not Position.objects.exists()


def test_a_revoked_answer_address_is_refused(world):
    mona, proposal = world["mona"], world["p"]
    to = decide_to(mona, proposal)
    mailing_services.revoke_tokens(user=mona)
    _neutral_refusal(answer(mona, proposal, "agree", to=to), "revoked answer address")
    # The new version's address works.
    mail.outbox.clear()
    assert answer(mona, proposal, "agree", to=decide_to(mona, proposal, version=2)).outcome == (
        "answered"
    )


def test_a_forwarded_proposal_mail_does_not_let_someone_else_answer(world):
    mona, fay, proposal = world["mona"], world["fay"], world["p"]
    row = answer(mona, proposal, "block\nNo.", sender=fay.email)
    _neutral_refusal(row, "From is not the answer address's owner")


def test_an_address_in_upper_case_still_answers(world):
    """Some servers change the case of the local part; tokens are hex."""
    mona, proposal = world["mona"], world["p"]
    to = decide_to(mona, proposal)
    row = answer(
        mona,
        proposal,
        "agree",
        to=to.upper().replace(addresses.domain().upper(), addresses.domain()),
    )
    assert row.outcome == "answered"


def test_automatic_replies_to_a_proposal_save_nothing(world):
    mona, proposal = world["mona"], world["p"]
    to = decide_to(mona, proposal)
    raw = letter(mona.email, to, "Agree").replace(
        b"Subject:", b"Auto-Submitted: auto-replied\nSubject:"
    )
    (row,) = inbound.receive(raw, envelope_from=mona.email, envelope_to=[to])
    assert row.outcome == "auto_reply"
    assert not Position.objects.exists() and mail.outbox == []


def test_no_answer_mail_when_from_and_return_path_differ(world):
    mona, proposal = world["mona"], world["p"]
    to = decide_to(mona, proposal)
    raw = letter(mona.email, to, "Block")
    (row,) = inbound.receive(raw, envelope_from="someone@else.example", envelope_to=[to])
    assert row.outcome == "refused" and mail.outbox == []


def test_each_answer_is_logged_without_its_words(world, caplog):
    mona, proposal = world["mona"], world["p"]
    with caplog.at_level("INFO", logger="copse.mail"):
        answer(mona, proposal, "Disagree\nThe data centre is full.")
    line = caplog.records[-1].getMessage()
    assert re.search(r"to=answer outcome=answered reason=decide: position disagree", line)
    assert "data centre" not in line and "SECRET" not in line
