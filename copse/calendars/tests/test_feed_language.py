"""The personal feed is fetched by calendar apps without a session, so it is
written in its owner's chosen language (docs/languages.md): the words Copse
adds to each event are French for a person who chose French, English for
one who chose nothing, whatever language the calendar app asks in."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from copse import testing
from copse.calendars import services
from copse.calendars.tests.helpers import add_item, make_meeting, parse
from copse.meetings.models import Meeting


@pytest.fixture(autouse=True)
def _site_language_after():
    """A request leaves the browser's language active in this thread; the
    tests after these build calendars outside any request, in English."""
    yield
    translation.deactivate()


@pytest.fixture
def owners(db):
    """A members-only and a confidential community, both with a French and
    an English member; a meeting in full, a cancelled one and a side meeting."""
    open_ = testing.make_community(slug="cio", name="CIO Circle", visibility="members")
    secret = testing.make_community(slug="vault", name="The Vault", visibility="confidential")
    french = testing.make_user(name="Fleur", language="fr")
    english = testing.make_user(name="Ed")
    for community in (open_, secret):
        for person in (french, english):
            testing.seat(community, person)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=10)
    full = make_meeting(
        open_,
        title="Zero trust evening",
        starts_at=start,
        description="Bring your questions.",
        web_link="https://meet.example/zt",
        dinner_venue="The Fox",
    )
    add_item(full, "Welcome", position=1)
    make_meeting(
        open_,
        title="Budget review",
        starts_at=start + dt.timedelta(days=7),
        status=Meeting.Status.CANCELLED,
        cancel_reason="Too few could come",
    )
    make_meeting(
        open_, title="Pub chat", starts_at=start + dt.timedelta(days=8), kind=Meeting.Kind.SIDE
    )
    make_meeting(secret, title="Hidden", starts_at=start + dt.timedelta(days=9))
    return {"fr": french, "en": english}


def _feed(client, person, accept_language="en-gb"):
    token = services.create_or_replace_feed(person)
    response = client.get(
        reverse("calendars:feed", kwargs={"token": token}), HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert response.status_code == 200
    return response.content


def _events(body):
    return {str(event["SUMMARY"]): event for event in parse(body).walk("VEVENT")}


def test_a_french_owners_feed_is_in_french_and_parses(client, owners):
    # The calendar app asks in English; the owner chose French.
    body = _feed(client, owners["fr"], accept_language="en-gb")
    calendar = parse(body)
    assert str(calendar["X-WR-CALNAME"]) == "Réunions Copse"
    events = _events(body)
    assert set(events) == {
        "Zero trust evening",
        "Annulée : Budget review",
        "Pub chat (réunion annexe, non officielle)",
        "The Vault : réunion",
    }
    description = str(events["Zero trust evening"]["DESCRIPTION"])
    assert "Ordre du jour :\n- Welcome" in description
    assert "Dîner : The Fox" in description
    assert "Rejoindre en ligne : https://meet.example/zt" in description
    assert "Sur Copse : http" in description
    assert "Bring your questions." in description
    cancelled = events["Annulée : Budget review"]
    assert "Annulée : Too few could come" in str(cancelled["DESCRIPTION"])
    # Protocol values stay as RFC 5545 spells them.
    assert str(cancelled["STATUS"]) == "CANCELLED"
    for english in (b"Agenda:", b"Join online", b"On Copse:", b"Cancelled", b"side meeting"):
        assert english not in body


def test_an_english_owners_feed_stays_english_whatever_the_app_asks(client, owners):
    body = _feed(client, owners["en"], accept_language="fr")
    assert str(parse(body)["X-WR-CALNAME"]) == "Copse meetings"
    events = _events(body)
    assert set(events) == {
        "Zero trust evening",
        "Cancelled: Budget review",
        "Pub chat (side meeting, unofficial)",
        "The Vault: meeting",
    }
    description = str(events["Zero trust evening"]["DESCRIPTION"])
    assert "Agenda:\n- Welcome" in description and "Join online: https://meet.example/zt" in (
        description
    )
    assert "Réunion" not in body.decode()
