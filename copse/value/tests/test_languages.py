"""A value story read and written in French: its words, and its figures with
the decimal comma (docs/languages.md)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from copse.value import services
from copse.value.models import ValueStory
from copse.value.tests.conftest import story_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_language_after():
    """A request leaves its language active in the thread: the tests that
    follow render in the site's language, as they expect."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def _in_french(person):
    person.language = "fr"
    person.save(update_fields=["language"])


def test_a_french_reader_sees_a_decimal_comma(client, world):
    story = services.record_story(
        actor=world.asker,
        community=world.community,
        cycle="realised",
        title="We saved on telecom",
        story="An audit, then a bid.",
        money_saved=Decimal("1234.5"),
        currency="EUR",
        hours_saved=Decimal("2.5"),
        sharing="community",
    )
    _in_french(world.member)
    client.force_login(world.member)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "2,5 heures économisées" in page
    assert "234,50 EUR" in page
    assert "2.5" not in page and "1,234.50" not in page


def test_a_french_writer_may_type_a_decimal_comma(client, world):
    _in_french(world.asker)
    client.force_login(world.asker)
    response = client.post(
        reverse("value:new", args=["cio"]),
        story_data(money_saved="1500,75", hours_saved="12,5", sharing="community"),
    )
    assert response.status_code == 302
    story = ValueStory.objects.get(author=world.asker)
    assert (story.money_saved, story.hours_saved) == (Decimal("1500.75"), Decimal("12.5"))
    page = client.get(response["Location"]).content.decode()
    assert "Votre récit est enregistré" in page
    assert "12,5 heures économisées" in page
