"""The health pages and a nudge in the reader's language: the words, and the
figures as the locale writes them (docs/languages.md)."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from copse.health.tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_language_after():
    """A request leaves its language active in the thread: the tests that
    follow render in the site's language, as they expect."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world():
    return World()


def _choose(person, language):
    person.language = language
    person.save(update_fields=["language"])


def test_a_french_reader_sees_a_decimal_comma(client, world):
    """Mona asks; Max and Fay answer: 2 of the 3 possible pairs have
    exchanged replies (0.67), 2 of the 3 posts are members' (67%)."""
    ask = world.thread(world.mona, kind="ask", days_ago=3)
    world.post(ask, world.max, days_ago=2)
    world.post(ask, world.fay, days_ago=1)
    _choose(world.mona, "fr")
    client.force_login(world.mona)
    page = client.get(reverse("health:progress", args=["cio"])).content.decode()
    assert "Où nous en sommes" in page
    assert "0,67 : la part des paires de personnes possibles" in page
    assert "33\u00a0% des messages venaient des animateurs." in page
    assert "0.67" not in page
    _choose(world.mona, "")
    page = client.get(reverse("health:progress", args=["cio"])).content.decode()
    assert "0.67: the share of the possible pairs" in page
    assert "33% of posts came from facilitators." in page


def test_a_nudge_is_written_in_its_members_language_not_its_senders(
    client, world, django_capture_on_commit_callbacks
):
    _choose(world.quinn, "fr")
    client.force_login(world.fay)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("health:nudge", args=["cio", world.quinn.pk]),
            {"body": "Hello Quinn."},
            headers={"accept-language": "en-GB"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[CIO CoP] Un mot de Fay Facilitator"
    assert "Le lire dans Copse" in message.body
    assert 'lang="fr"' in message.alternatives[0][0]
    # Fay's own page stays in her language.
    page = client.get(response["Location"]).content.decode()
    assert "Your note to Quinn Quiet is on its way" in page


def test_a_french_facilitator_nudges_a_member_who_reads_english(
    client, world, django_capture_on_commit_callbacks
):
    _choose(world.fay, "fr")
    client.force_login(world.fay)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("health:nudge", args=["cio", world.quinn.pk]), {"body": "Bonjour Quinn."}
        )
    (message,) = mail.outbox
    assert message.subject == "[CIO CoP] A note from Fay Facilitator"
    assert "Read it in Copse" in message.body
    page = client.get(response["Location"]).content.decode()
    assert "Votre mot à Quinn Quiet est en route" in page
