"""Decisions in the reader's language (docs/languages.md): the pages in the
person's own, a mail answer and the community decision mail in their
recipient's chosen language, and a closed proposal's reason, kept in
English, read back in each reader's language."""

import datetime as dt

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from copse import testing
from copse.decisions import new_communities, outcomes, services
from copse.decisions.models import Position
from copse.decisions.tests.test_mail_answers import answer
from copse.decisions.tests.test_new_communities import CASE


@pytest.fixture(autouse=True)
def _leave_no_language_behind():
    """A request in French leaves French active in the thread; the tests
    after these expect the site's language."""
    yield
    translation.deactivate()


def _french(user):
    user.language = "fr"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def world(db):
    circle = testing.make_community(slug="circle", name="The Circle")
    fay = testing.make_user("fay@example.com", name="Fay Facilitator")
    marie = _french(testing.make_user("marie@example.com", name="Marie Membre"))
    testing.seat(circle, fay, role="facilitator")
    testing.seat(circle, marie)
    proposal = services.create_proposal(
        actor=fay,
        community=circle,
        title="Meet quarterly",
        body="In person, once a quarter.",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    return {"circle": circle, "fay": fay, "marie": marie, "p": proposal}


def test_the_proposal_page_is_in_the_readers_language(client, world):
    client.force_login(world["marie"])
    page = client.get(world["p"].get_absolute_url()).content.decode()
    assert "Votre position" in page and "Enregistrer ma position" in page
    assert "Your position" not in page
    client.force_login(world["fay"])
    assert "Your position" in client.get(world["p"].get_absolute_url()).content.decode()


def test_a_french_answer_by_mail_is_saved_and_answered_in_french(world):
    marie, proposal = world["marie"], world["p"]
    row = answer(marie, proposal, "Pas d'accord.\nTrop tôt dans l'année.\n")
    assert row.outcome == "answered"
    position = Position.objects.get(proposal=proposal, user=marie)
    assert (position.stance, position.reason) == ("disagree", "Trop tôt dans l'année.")
    (sent,) = mail.outbox
    assert sent.subject == "Votre réponse est enregistrée : pas d'accord"
    assert "Copse a enregistré votre réponse" in sent.body
    assert "This is an automatic answer" not in sent.body


def test_a_refusal_by_mail_is_written_in_the_members_language(world):
    answer(world["marie"], world["p"], "Objection")
    (sent,) = mail.outbox
    assert sent.subject == "Votre réponse n'a pas été enregistrée"
    assert "Une objection bloquante exige une raison" in sent.body
    assert not Position.objects.filter(proposal=world["p"]).exists()


def test_the_community_decision_mail_is_in_its_proposers_language(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    lee = _french(testing.make_user("lee@university.example", name="Lee Chen"))
    admin = testing.make_site_admin(email="ops@example.com", name="Ada Admin")
    proposal = new_communities.propose(actor=lee, **CASE)
    with django_capture_on_commit_callbacks(execute=True):
        new_communities.decline(actor=admin, proposal=proposal, note="Pas maintenant.")
    (sent,) = mailoutbox
    assert "a été refusée" in sent.body and "Note des administrateurs du site" in sent.body


def test_a_kept_reason_reads_in_each_language():
    counts = outcomes.tally(["agree", "block"], eligible=3)
    kept = outcomes.decide("consent", counts, quorum=False).reason
    assert kept == "A block stood (1)."
    majority = outcomes.decide("majority", counts, quorum=False).reason
    with translation.override("fr"):
        assert outcomes.in_language(kept) == "Une objection bloquante a été maintenue (1)."
        assert outcomes.in_language(majority) == (
            "Aucune majorité n'était d'accord (d'accord : 1, abstention : 0, "
            "pas d'accord : 0, objection : 1, sur 3)."
        )
        assert outcomes.in_language("Written by hand.") == "Written by hand."
    with translation.override("en-gb"):
        assert outcomes.in_language(kept) == kept


def test_the_proposal_notice_templates_speak_french(world):
    proposal, circle = world["p"], world["circle"]
    context = {
        "notification_kind": "proposal",
        "community": circle,
        "proposal": proposal,
        "asks": True,
        "deadline": timezone.localtime(proposal.deadline),
        "proposer": world["fay"],
        "zone": "Europe/Paris",
        "url": "https://copse.example/n/1/",
        "answer_by_reply": True,
        "unsubscribe_url": "https://copse.example/u/",
        "preferences_url": "https://copse.example/p/",
    }
    with translation.override("fr"):
        text = render_to_string("decisions/mail/proposal.txt", context)
        subject = render_to_string("decisions/mail/proposal_subject.txt", context)
    assert "Fay Facilitator demande à The Circle de décider." in text
    assert "d'accord, abstention, pas d'accord ou objection" in text
    assert "Consentement : adoptée sauf objection bloquante" in text
    assert "votre réponse avant le" in subject


def test_the_list_of_proposals_is_in_french(client, world):
    client.force_login(world["marie"])
    page = client.get(reverse("decisions:list", args=["circle"])).content.decode()
    assert "Décisions de The Circle" in page and "En attente de votre réponse" in page
