"""An archive is made in the language of the person who asked for it: the
words Copse writes in it (the calendar's name, a cancelled meeting's
summary, the README) follow the requester's choice, never the language the
worker happens to be in."""

from __future__ import annotations

import zipfile

from django.utils import translation
from icalendar import Calendar

from copse.exports import building, services
from copse.exports.tests.conftest import Archive
from copse.meetings.models import Meeting


def _cancel(meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)


def _community_archive(world, facilitator, worker_language: str) -> Archive:
    export = services.request_community_export(actor=facilitator, community=world.community)
    with translation.override(worker_language):
        assert building.build(export.pk) == "ready"
    export.refresh_from_db()
    return Archive(building.path_of(export).read_bytes())


def _calendar(archive: Archive):
    calendar = Calendar.from_ical(archive.read("meetings.ics"))
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    descriptions = [str(event.get("DESCRIPTION", "")) for event in calendar.walk("VEVENT")]
    return str(calendar["X-WR-CALNAME"]), str(calendar["NAME"]), summaries, descriptions


def test_a_french_facilitators_archive_speaks_french_whatever_the_worker_speaks(world):
    facilitator = world.people["facilitator"]
    facilitator.language = "fr"
    facilitator.save(update_fields=["language"])
    _cancel(world.meeting)

    archive = _community_archive(world, facilitator, worker_language="en-gb")

    calendar_name, name, summaries, descriptions = _calendar(archive)
    assert calendar_name == name == "CIO CoP : réunions"
    assert summaries == ["Annulée : March meeting at Litware"]
    assert "Ordre du jour :" in descriptions[0]
    assert "Agenda:" not in descriptions[0]
    readme = archive.read("README.txt").decode()
    assert readme.startswith("Voici tout ce qu'une communauté contenait sur Copse")
    assert "les réunions sous forme d'agenda (iCalendar)" in readme


def test_an_english_facilitators_archive_speaks_english_even_from_a_french_worker(world):
    facilitator = world.people["facilitator"]
    assert facilitator.language == ""
    _cancel(world.meeting)

    archive = _community_archive(world, facilitator, worker_language="fr")

    calendar_name, name, summaries, descriptions = _calendar(archive)
    assert calendar_name == name == "CIO CoP: meetings"
    assert summaries == ["Cancelled: March meeting at Litware"]
    assert "Agenda:" in descriptions[0]
    readme = archive.read("README.txt").decode()
    assert readme.startswith("This is everything a community held on Copse")
    assert "meetings.ics         the meetings as a calendar (iCalendar)\n" in readme


def test_a_personal_archive_is_in_its_owners_language(world):
    member = world.people["member"]
    member.language = "fr"
    member.save(update_fields=["language"])
    export = services.request_personal_export(actor=member)
    with translation.override("en-gb"):
        assert building.build(export.pk) == "ready"
    export.refresh_from_db()
    with zipfile.ZipFile(building.path_of(export)) as archive:
        readme = archive.read("README.txt").decode()
    assert readme.startswith("Voici tout ce que Copse détient à votre sujet")
    assert "account.json       votre compte, votre profil" in readme
