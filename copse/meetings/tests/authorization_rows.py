"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The world: the confidential community's next meeting, whose description and
whose facilitator's agenda item carry the matrix's SECRET, and where the guest
presenter presents one item; and a past meeting the guest also presented at.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copse.core.tests.authorization import (
    MODERATES,
    MODERATES_POST,
    READS,
    SEATED_POST,
    SECRET,
    SIGNED_IN,
)

#                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
PRESENTER_TOO = [404, 404, 404, 404, 200, 200, 200, 200, 404, 404]
READS_SIGNED_IN = [302, 404, 404, 404, 200, 200, 404, 200, 404, 404]
CONTRIBUTES = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
CONTRIBUTES_POST = [302, 404, 404, 404, 302, 404, 404, 302, 404, 404]
UPLOADS_POST = [302, 404, 404, 404, 404, 404, 302, 302, 404, 404]


def _community(ctx):
    return {"slug": "circle"}


def _meeting(ctx):
    return {"slug": "circle", "meeting_id": ctx["meeting_id"]}


def _past(ctx):
    return {"slug": "circle", "meeting_id": ctx["past_meeting_id"]}


def _item(ctx):
    return {**_meeting(ctx), "item_id": ctx["secret_item_id"]}


def _material(ctx):
    return {**_meeting(ctx), "material_id": ctx["material_id"]}


def _action(ctx):
    return {**_meeting(ctx), "action_id": ctx["action_id"]}


def _series(ctx):
    return {"slug": "circle", "series_id": ctx["series_id"]}


ROWS = {
    "meetings:mine": (None, "get", "", None, SIGNED_IN),
    "meetings:list": (_community, "get", "", None, READS),
    "meetings:new": (_community, "get", "", None, CONTRIBUTES),
    "meetings:records": (_community, "get", "", None, READS),
    "meetings:series": (_community, "get", "", None, READS_SIGNED_IN),
    "meetings:series_action": (
        _series,
        "post",
        "",
        lambda ctx: {"action": "generate"},
        MODERATES_POST,
    ),
    "meetings:hosts": (_community, "get", "", None, READS_SIGNED_IN),
    "meetings:detail": (_meeting, "get", "", None, PRESENTER_TOO),
    # Everyone who answered: the seated, as the page's own list (not a guest presenter).
    "meetings:people": (_meeting, "get", "", None, READS),
    "meetings:edit": (_meeting, "get", "", None, MODERATES),
    "meetings:cancel": (_meeting, "get", "", None, MODERATES),
    "meetings:agenda_add": (
        _meeting,
        "post",
        "",
        lambda ctx: {"title": "Another item", "minutes": "10"},
        MODERATES_POST,
    ),
    "meetings:agenda_reorder": (
        _meeting,
        "post",
        "",
        lambda ctx: {"order": [ctx["guest_item_id"], ctx["secret_item_id"]]},
        MODERATES_POST,
    ),
    "meetings:agenda_item": (_item, "get", "", None, MODERATES),
    "meetings:agenda_remove": (_item, "post", "", None, MODERATES_POST),
    "meetings:agenda_move": (_item, "post", "", lambda ctx: {"direction": "up"}, MODERATES_POST),
    "meetings:presenter": (
        _item,
        "post",
        "",
        lambda ctx: {"email": "member@example.com"},
        MODERATES_POST,
    ),
    "meetings:feedback": (
        lambda ctx: {**_past(ctx), "item_id": ctx["past_item_id"]},
        "post",
        "",
        lambda ctx: {f"feedback-{ctx['past_item_id']}-usefulness": "5"},
        SEATED_POST,
    ),
    "meetings:feedback_share": (_item, "post", "", lambda ctx: {"shared": "1"}, MODERATES_POST),
    "meetings:rsvp": (_meeting, "post", "", lambda ctx: {"answer": "yes"}, SEATED_POST),
    "meetings:delegate": (
        _meeting,
        "post",
        "",
        lambda ctx: {"delegate": ctx["delegate_id"]},
        SEATED_POST,
    ),
    "meetings:attendance": (_meeting, "get", "", None, MODERATES),
    "meetings:material_upload": (
        _meeting,
        "post",
        "",
        lambda ctx: {"file": SimpleUploadedFile("notes.txt", b"Our notes")},
        UPLOADS_POST,
    ),
    "meetings:material": (_material, "get", "", None, READS),
    "meetings:material_remove": (_material, "post", "", None, MODERATES_POST),
    "meetings:summary": (_meeting, "post", "", lambda ctx: {"summary": "Notes"}, MODERATES_POST),
    "meetings:summary_comment": (
        _meeting,
        "post",
        "",
        lambda ctx: {"body": "Add the numbers"},
        CONTRIBUTES_POST,
    ),
    "meetings:action_add": (
        _meeting,
        "post",
        "",
        lambda ctx: {"text": "Send the slides"},
        MODERATES_POST,
    ),
    "meetings:action_done": (_action, "post", "", lambda ctx: {"done": "1"}, SEATED_POST),
}


def build(community, people, ctx):
    from copse.meetings import services
    from copse.meetings.models import AgendaItem, Meeting, PresentationFeedback

    facilitator, guest = people["facilitator"], people["guest_presenter"]
    start = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    meeting = services.create_meeting(
        actor=facilitator,
        community=community,
        title="Quarterly gathering",
        description=f"We compare notes. {SECRET}.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        time_zone="Europe/London",
        address="1 Secret Street",
    )
    secret_item = AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Budget round",
        notes=f"{SECRET}: bring the invoices.",
        presenter=facilitator,
    )
    guest_item = AgendaItem.objects.create(
        meeting=meeting, position=2, title="Carrier negotiation", presenter=guest
    )
    # Feedback shared with each presenter: the guest reads the feedback on
    # their own item, never the SECRET one given on the facilitator's.
    PresentationFeedback.objects.create(
        agenda_item=secret_item, author=people["member"], usefulness=5, comment=SECRET
    )
    PresentationFeedback.objects.create(
        agenda_item=guest_item, author=people["member"], usefulness=4, comment="Clear tariffs"
    )
    AgendaItem.objects.filter(pk__in=[secret_item.pk, guest_item.pk]).update(
        feedback_shared_at=timezone.now()
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    material = services.upload_material(
        actor=facilitator,
        meeting=meeting,
        uploaded_file=SimpleUploadedFile("budget.txt", SECRET.encode()),
    )
    services.save_summary_draft(actor=facilitator, meeting=meeting, markdown="Draft notes")
    action = services.add_action_item(
        actor=facilitator, meeting=meeting, text="Compare invoices", owner=people["member"]
    )
    past_start = start - dt.timedelta(days=60)
    past = Meeting.objects.create(
        community=community,
        title="Last quarter",
        starts_at=past_start,
        ends_at=past_start + dt.timedelta(hours=4),
        time_zone="Europe/London",
    )
    past_item = AgendaItem.objects.create(meeting=past, title="Earlier talk", presenter=guest)
    series = services.create_series(
        actor=facilitator,
        community=community,
        title="Monthly",
        cadence="monthly",
        nth=1,
        weekday="TU",
        first_date=start.date(),
        start_time=dt.time(9),
        duration_minutes=120,
        time_zone="Europe/London",
        format="online",
    )
    ctx.update(
        meeting_id=meeting.pk,
        secret_item_id=secret_item.pk,
        guest_item_id=guest_item.pk,
        material_id=material.pk,
        action_id=action.pk,
        past_meeting_id=past.pk,
        past_item_id=past_item.pk,
        series_id=series.pk,
        delegate_id=people["delegate"].pk,
    )
