"""A reader who chose French reads the meeting pages in French, dates and
counts included (docs/languages.md)."""

import pytest
from django.urls import reverse
from django.utils import translation

from copse.meetings import services
from copse.meetings.tests.conftest import make_meeting


@pytest.fixture(autouse=True)
def _language_put_back():
    """A request leaves its language active in the thread: the next test
    starts in the language this one started in."""
    with translation.override(translation.get_language()):
        yield


def test_a_french_reader_reads_the_meeting_pages_in_french(client, circle):
    meeting = make_meeting(circle, capacity=10)
    services.rsvp(actor=circle["members"][1], meeting=meeting, answer="yes")
    reader = circle["members"][0]
    reader.language = "fr"
    reader.save(update_fields=["language"])
    client.force_login(reader)

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Venez-vous ?" in page and "Ordre du jour" in page
    assert "1 inscrit sur 10 places" in page
    assert "Are you coming?" not in page

    listing = client.get(reverse("meetings:list", args=["cio"])).content.decode()
    assert "Réunions de CIO Circle" in listing and "1 inscrit sur 10" in listing

    response = client.post(
        reverse("meetings:rsvp", args=["cio", meeting.pk]), {"answer": "maybe"}, follow=True
    )
    assert "Noté comme peut-être." in response.content.decode()
    for name in ("meetings:series", "meetings:hosts", "meetings:records"):
        assert "Réunions de CIO Circle" in client.get(reverse(name, args=["cio"])).content.decode()


def test_a_meeting_time_names_its_day_and_month_in_french(circle):
    from copse.meetings.templatetags.meetings import meeting_when, minutes_as_hours

    meeting = make_meeting(circle)
    with translation.override("en-gb"):
        english = str(meeting_when(meeting))
    with translation.override("fr"):
        french = str(meeting_when(meeting))
        assert minutes_as_hours(90) == "1 h 30 min"
    assert english != french
