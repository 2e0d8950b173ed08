"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The item's title carries the matrix's SECRET, so the matrix's leak check
asserts that no role without `community.read` ever sees it. The matrix's
community is confidential and does not allow sharing, so an item is read
exactly as the community is, and nobody may share it (its share page is
nobody's). The public link belongs to an item of another, open community,
written by someone outside the matrix's roles: a link works for whoever
holds it.

A meeting record is read as the community's library too. The guest presenter
presented at the recorded meeting: they still reach the meeting's page (their
own item and slides, never the record, whose text and the facilitator's file
carry the SECRET) but not the record in the library.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copse.core.tests.authorization import EVERYONE_200, READS, SECRET

#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# Members who take part add; delegates read but do not add.
ADDS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# The item's author (the member) and the community's facilitators change it.
CHANGES = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# Adapting needs a library of one's own to adapt into: delegates have none.
ADAPTS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# Whoever reads it and is signed in says they re-used it.
REUSES = [302, 404, 404, 404, 200, 200, 404, 200, 404, 404]
# Sharing beyond a community that does not allow it: nobody.
NOBODY = [302, 404, 404, 404, 404, 404, 404, 404, 404, 404]
PRESENTER_TOO = [404, 404, 404, 404, 200, 200, 200, 200, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _item(ctx):
    return {"item_id": ctx["library_item_id"]}


def _version(ctx):
    return {"item_id": ctx["library_item_id"], "number": 1}


def _token(ctx):
    return {"token": ctx["library_public_token"]}


def _shared_version(ctx):
    return {"token": ctx["library_public_token"], "number": 1}


def _record(ctx):
    return {"item_id": ctx["meeting_record_id"]}


def _recorded_meeting(ctx):
    return {"slug": "circle", "meeting_id": ctx["recorded_meeting_id"]}


def _record_slides(ctx):
    return {**_recorded_meeting(ctx), "material_id": ctx["record_slides_id"]}


ROWS = {
    "library:list": (_slug, "get", "", None, READS),
    "library:add": (_slug, "get", "", None, ADDS),
    "library:item": (_item, "get", "", None, READS),
    "library:download": (_version, "get", "", None, READS),
    "library:version": (_version, "get", "", None, READS),
    "library:edit": (_item, "get", "", None, CHANGES),
    "library:new_version": (_item, "get", "", None, CHANGES),
    "library:remove": (_item, "get", "", None, CHANGES),
    "library:share": (_item, "get", "", None, NOBODY),
    "library:adapt": (_item, "get", "", None, ADAPTS),
    "library:reuse": (_item, "get", "", None, REUSES),
    "library:shared": (_token, "get", "", None, EVERYONE_200),
    "library:shared_download": (_shared_version, "get", "", None, EVERYONE_200),
    "library:item#meeting_record": (_record, "get", "", None, READS),
    "meetings:detail#meeting_record": (_recorded_meeting, "get", "", None, PRESENTER_TOO),
    "meetings:material#meeting_record": (_record_slides, "get", "", None, READS),
}


def build(community, people, ctx):
    """A template the member uploaded, with the secret in its title; and an
    item of an open community shared by public link."""
    from copse import testing
    from copse.library import services

    item = services.create_item(
        actor=people["member"],
        community=community,
        kind="template",
        title=f"{SECRET}: carrier contract template",
        uploaded_file=SimpleUploadedFile(
            "contract.txt", b"Carrier contract clauses\n", content_type="text/plain"
        ),
    )
    ctx["library_item_id"] = item.pk

    commons = testing.make_community(slug="commons", name="Commons", visibility="open")
    author = testing.make_user("commons-author@example.com", name="Cora Commons")
    testing.seat(commons, author)
    shared = services.create_item(
        actor=author,
        community=commons,
        kind="template",
        title="Agenda template",
        uploaded_file=SimpleUploadedFile("agenda.txt", b"1. Welcome\n", content_type="text/plain"),
    )
    services.share_item(actor=author, item=shared, sharing="public", confirmed=True)
    ctx["library_public_token"] = shared.public_token
    _meeting_record(community, people, ctx)


def _meeting_record(community, people, ctx):
    """A past meeting where the facilitator and the guest presented, both
    with slides, whose published summary became its record."""
    from copse.meetings import services as meetings
    from copse.meetings.models import AgendaItem, Meeting

    facilitator, guest = people["facilitator"], people["guest_presenter"]
    start = (timezone.now() - dt.timedelta(days=20)).replace(microsecond=0)
    meeting = meetings.create_meeting(
        actor=facilitator,
        community=community,
        title="Spring review",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        time_zone="Europe/London",
    )
    ours = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Invoices", presenter=facilitator
    )
    theirs = AgendaItem.objects.create(
        meeting=meeting, position=2, title="Carrier tariffs", presenter=guest
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    slides = meetings.upload_material(
        actor=facilitator,
        meeting=meeting,
        uploaded_file=SimpleUploadedFile(f"{SECRET}.txt", b"Our invoices"),
        agenda_item=ours,
    )
    meetings.upload_material(
        actor=guest,
        meeting=meeting,
        uploaded_file=SimpleUploadedFile("tariffs.txt", b"Public tariffs"),
        agenda_item=theirs,
    )
    meetings.save_summary_draft(
        actor=facilitator, meeting=meeting, markdown=f"## What we learned\n\n{SECRET}."
    )
    meetings.publish_summary(actor=facilitator, meeting=meeting)
    ctx.update(
        meeting_record_id=meeting.library_items.get(kind="meeting_record").pk,
        recorded_meeting_id=meeting.pk,
        record_slides_id=slides.pk,
    )
