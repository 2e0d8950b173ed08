"""A sponsor who chose French reads the report in French; the CSV stays in
English, whoever downloads it (docs/languages.md)."""

import pytest
from django.urls import reverse
from django.utils import translation

from copse import testing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_put_back():
    """A request leaves its language active in the thread: the next test
    starts in the language this one started in."""
    with translation.override(translation.get_language()):
        yield


def test_a_french_sponsor_reads_the_report_in_french_and_gets_the_csv_in_english(client):
    sponsor = testing.make_user("grace@example.com", name="Grace Hopkins", is_sponsor=True)
    sponsor.language = "fr"
    sponsor.save(update_fields=["language"])
    client.force_login(sponsor)

    page = client.get(reverse("sponsors:report")).content.decode()
    assert "Rapport du programme" in page and "Les 90 derniers jours" in page
    assert "<h1>Programme report</h1>" not in page

    csv = client.get(reverse("sponsors:report_csv")).content.decode()
    assert "section,community,measure,value" in csv
    assert "Rapport" not in csv and "Membres" not in csv
