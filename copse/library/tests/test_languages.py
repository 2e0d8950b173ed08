"""The library in French: its pages, counts and messages follow the reader's
language (docs/languages.md)."""

import pytest
from django.urls import reverse

from copse.library import services

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr"}


def test_the_item_page_and_its_messages_speak_the_readers_language(client, unit):
    community, karen = unit.community, unit.people.karen
    item = services.create_item(
        actor=karen, community=community, kind="page", title="Speaker checklist", body="- Book"
    )
    client.force_login(karen)
    page = client.get(item.get_absolute_url(), headers=FRENCH).content.decode()
    assert "Réutilisée 0 fois" in page and "Modifier les informations" in page
    assert "Re-used" not in page
    response = client.post(
        reverse("library:reuse", args=[item.pk]),
        {"note": "Used it.", "hours_saved": "1.5"},
        headers=FRENCH,
    )
    page = client.get(response["Location"], headers=FRENCH).content.decode()
    assert "votre réutilisation est enregistrée" in page
    assert "A fait gagner 1,5 heures" in page
    english = client.get(item.get_absolute_url(), headers={"accept-language": "en-GB"})
    assert "Saved 1.5 hours" in english.content.decode()


def test_a_refusal_from_the_services_is_in_the_readers_language(client, unit):
    client.force_login(unit.people.karen)
    response = client.post(
        reverse("library:add", args=[unit.community.slug]),
        {"kind": "page", "title": "Empty"},
        headers=FRENCH,
    )
    assert response.status_code == 400
    assert "Rédigez le texte de la page." in response.content.decode()
