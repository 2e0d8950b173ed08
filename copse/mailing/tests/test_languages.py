"""Every mail is written in its recipient's language (docs/languages.md):
one post, digest or notice sent to a French and an English reader arrives
in French for one and in English for the other, and the answers to mail
that came in are in the language of the address's owner. Checked on the
bytes a real SMTP server on loopback received, parsed with the email package."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.formats import date_format

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.mailing import addresses, digests, inbound, outbound
from copse.mailing.models import CommunityDelivery, OutgoingMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings
from copse.mailing.tests.test_inbound import letter
from copse.meetings import tasks as meeting_tasks
from copse.meetings.tests.conftest import make_meeting

# Wednesday 2 December 2026, 12:00 UTC.
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
WAIT = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})


@pytest.fixture
def readers(db):
    """A members-only community with an author, a reader who chose French and
    one who chose nothing (English), both in London."""
    community = testing.make_community(slug="cio", name="CIO Circle", visibility="members")
    author = testing.make_user(name="Ada Author")
    testing.seat(community, author, role="facilitator")
    french = testing.make_user(name="Fleur", language="fr", time_zone="Europe/London")
    english = testing.make_user(name="Ed", time_zone="Europe/London")
    for person in (french, english):
        testing.seat(community, person)
    return {"community": community, "author": author, "fr": french, "en": english}


def _deliver(now=None):
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        counts = outbound.deliver_due(now=now) if now else outbound.deliver_due()
    return {message["To"]: message for message in collector.messages()}, counts


def _subject(message) -> str:
    """The subject as a mail client shows it: a non-ASCII one is folded
    after "Subject:" when encoded."""
    return str(message["Subject"]).strip()


def _text(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def test_one_post_arrives_in_french_for_one_reader_and_in_english_for_the_other(readers):
    for person in ("fr", "en"):
        CommunityDelivery.objects.create(
            user=readers[person], community=readers["community"], mode="every"
        )
    thread = conversations.start_thread(
        actor=readers["author"],
        community=readers["community"],
        kind="discussion",
        title="Cloud costs",
        body="Ours doubled.",
    )
    reply = conversations.post_reply(actor=readers["author"], thread=thread, body="And yours?")
    OutgoingMessage.objects.all().delete()
    outbound.enqueue_post(reply)
    messages, counts = _deliver()
    assert counts["sent"] == 2
    french, english = messages[readers["fr"].email], messages[readers["en"].email]

    assert _subject(french) == "[CIO Circle] Re : Cloud costs"
    assert english["Subject"] == "[CIO Circle] Re: Cloud costs"
    text = _text(french)
    assert text.startswith("And yours?")
    assert "Vous recevez chaque message de CIO Circle." in text
    assert "Lire sur le web :" in text
    assert "Répondez à ce courriel pour répondre dans la discussion." in text
    assert "You receive every message" not in text and "Read on the web" not in text
    html = _html(french)
    assert '<html lang="fr">' in html and "Tous vos réglages de courriel" in html
    assert "All your mail settings" not in html

    text = _text(english)
    assert "You receive every message from CIO Circle." in text
    assert "Read on the web:" in text and "Vous recevez" not in text
    assert '<html lang="en-gb">' in _html(english)
    # The sender's name says "via" in both: the words are the same.
    assert "Ada Author via CIO Circle" in french["From"] and "via" in english["From"]


def test_a_digest_is_written_in_each_readers_language_from_one_batch(readers):
    """Both readers share the community, period, zone and level: the
    rendering kept for one must not be reused for the other's language."""
    thread = conversations.start_thread(
        actor=readers["author"],
        community=readers["community"],
        kind="discussion",
        title="Cloud costs",
        body="Ours doubled.",
    )
    Post.objects.filter(thread=thread).update(
        created_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    )
    OutgoingMessage.objects.all().delete()
    assert digests.plan_digests(now=NOW) >= 2
    messages, _ = _deliver(now=NOW)
    french, english = messages[readers["fr"].email], messages[readers["en"].email]

    assert _subject(french) == (
        "[CIO Circle] Résumé quotidien, mardi 1 décembre : 1 nouveau message dans 1 discussion"
    )
    assert english["Subject"] == (
        "[CIO Circle] Daily digest, Tuesday 1 December: 1 new post in 1 conversation"
    )
    text = _text(french)
    assert text.startswith("CIO Circle : mardi 1 décembre 2026\n")
    assert "(a lancé la discussion)" in text and "Lire et répondre :" in text
    assert "Vous recevez un résumé quotidien de CIO Circle." in text
    assert "Ours doubled." in text
    assert "Tuesday" not in text and "new post" not in text
    assert "You get a daily digest from CIO Circle." in _text(english)


def test_a_meeting_reminder_comes_in_the_readers_language(
    readers, django_capture_on_commit_callbacks
):
    circle = {"community": readers["community"], "facilitator": readers["author"]}
    meeting = make_meeting(circle, days_ahead=1, title="Zero trust evening")
    with WAIT, django_capture_on_commit_callbacks(execute=True):
        meeting_tasks.send_meeting_reminder.call(
            meeting.pk, "reminder_day", meeting.starts_at.isoformat()
        )
    messages, _ = _deliver()
    french, english = messages[readers["fr"].email], messages[readers["en"].email]
    assert _subject(french) == "[CIO Circle] Réunion demain : Zero trust evening"
    assert english["Subject"] == "[CIO Circle] Meeting tomorrow: Zero trust evening"
    text = _text(french)
    with translation.override("fr"):
        day = date_format(meeting.starts_at.astimezone(ZoneInfo("Europe/London")), "l j F Y")
    assert day in text
    assert "Détails et votre réponse :" in text
    assert "Tous vos réglages de courriel :" in text
    assert "Details" not in text


def test_answers_to_mail_that_came_in_are_in_the_owners_language(readers, settings):
    """A refusal, and the link to confirm a held message, are written in the
    language of the person whose address they go to."""
    settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS = ["mx.copse.test"]
    french, english = readers["fr"], readers["en"]
    unknown = f"no-such-cop@{addresses.domain()}"
    community = addresses.community_address(readers["community"])
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        for person in (french, english):
            raw = letter(person.email, unknown, subject="Hello", authenticated=False)
            inbound.receive(raw, envelope_from=person.email, envelope_to=[unknown])
        # Not shown to be from the member: held, and a link mailed to confirm it.
        raw = letter(french.email, community, subject="Budget", authenticated=False)
        (row,) = inbound.receive(raw, envelope_from=french.email, envelope_to=[community])
        assert row.outcome == "held"
    refused_fr, refused_en, held = collector.messages()
    assert refused_fr["To"] == french.email and refused_en["To"] == english.email
    assert _subject(refused_fr) == "Votre message à Copse n'a pas été publié"
    assert "Copse n'a pas accepté le message que vous avez envoyé." in _only_text(refused_fr)
    assert refused_en["Subject"] == "Your message to Copse was not posted"
    assert "Copse did not accept the message you sent." in _only_text(refused_en)
    assert _subject(held) == "Confirmez votre message à CIO Circle"
    body = _only_text(held)
    assert "ouvrez ce lien dans les" in body and "/mail/confirm/" in body


def _only_text(message) -> str:
    return message.get_body().get_content().replace("\r\n", "\n")
