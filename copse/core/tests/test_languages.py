"""Pages follow the person's chosen language, else their browser's; work
done away from a request follows the recipient's choice (docs/languages.md)."""

import pytest
from django.urls import reverse
from django.utils import translation

from copse import testing
from copse.core.languages import in_language_of, language_of

pytestmark = pytest.mark.django_db


def _profile(client, accept):
    return client.get(reverse("accounts:profile"), headers={"accept-language": accept})


def test_the_browsers_language_is_the_default(client):
    person = testing.make_user("reader@example.com")
    client.force_login(person)
    french = _profile(client, "fr-FR,fr;q=0.9,en;q=0.5")
    assert french["Content-Language"] == "fr"
    assert b'<html lang="fr">' in french.content
    assert "Langue" in french.content.decode()
    english = _profile(client, "en-GB,en;q=0.9")
    assert b'<html lang="en-gb">' in english.content
    assert "Langue" not in english.content.decode()


def test_a_language_chosen_in_the_profile_wins_over_the_browser(client):
    person = testing.make_user("reader@example.com")
    client.force_login(person)
    page = _profile(client, "en-GB").content.decode()
    assert 'name="language"' in page
    data = {
        "display_name": person.display_name,
        "job_title": "",
        "time_zone": "Europe/Paris",
        "language": "fr",
        "bio": "",
    }
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    person.refresh_from_db()
    assert person.language == "fr"
    chosen = _profile(client, "en-GB")
    assert chosen["Content-Language"] == "fr"
    assert "Langue" in chosen.content.decode()


def test_an_unknown_language_is_refused_and_keeps_what_was_typed(client):
    person = testing.make_user("reader@example.com")
    client.force_login(person)
    data = {
        "display_name": "Renée Reader",
        "job_title": "Head of IT",
        "time_zone": "UTC",
        "language": "xx",
        "bio": "",
    }
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 400
    assert "Head of IT" in response.content.decode()
    person.refresh_from_db()
    assert person.language == ""


def test_work_away_from_a_request_follows_the_recipient():
    chooser = testing.make_user("chooser@example.com")
    chooser.language = "fr"
    unset = testing.make_user("unset@example.com")
    assert language_of(chooser) == "fr"
    assert language_of(unset) == "en-gb"
    assert language_of(None) == "en-gb"
    with in_language_of(chooser):
        assert translation.gettext("Language") == "Langue"
    with in_language_of(unset):
        assert translation.gettext("Language") == "Language"


def test_a_language_no_longer_offered_falls_back_to_the_site():
    person = testing.make_user("reader@example.com")
    person.language = "de"
    assert language_of(person) == "en-gb"


def test_the_profile_page_reads_in_french(client):
    person = testing.make_user("reader@example.com")
    person.language = "fr"
    person.save()
    client.force_login(person)
    page = _profile(client, "en-GB").content.decode()
    for words in ("Votre profil", "Se déconnecter", "Fuseau horaire", "Selon mon navigateur"):
        assert words in page
    assert "les pages suivent votre navigateur" in page


def test_the_not_found_page_reads_in_the_browsers_language(client):
    french = client.get("/no-such-page/", headers={"accept-language": "fr"})
    assert french.status_code == 404
    assert "Page introuvable" in french.content.decode()
    english = client.get("/no-such-page/", headers={"accept-language": "en-GB"})
    assert "Page not found" in english.content.decode()


def test_the_api_answers_in_the_sites_language_whoever_asks(client):
    person = testing.make_user("reader@example.com")
    person.language = "fr"
    person.save()
    client.force_login(person)
    response = client.get("/api/no-such-endpoint/", headers={"accept-language": "fr"})
    assert response["Content-Language"] == "en-gb"
    stranger = client.get("/api/me/", headers={"accept-language": "fr"})
    assert stranger["Content-Language"] == "en-gb"
