"""Meetings, their agendas as the caller may see them, and RSVPs.

A meeting reads as its page shows it to the caller (copse/meetings/page.py
decides, through the permission core): a guest presenter gets the meeting's
logistics and only their own agenda items and files; its description, the
whole agenda, the summary, the action items and who is coming are for those
who read the community.
"""

import datetime as dt
from typing import Literal

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, Input, PersonOut, person
from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.meetings import page as meeting_page
from copse.meetings import selectors, services
from copse.meetings.models import Meeting, Rsvp

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    format: str
    status: str
    host_organisation: str | None
    capacity: int | None
    going_count: int
    waitlist_count: int
    rsvp_deadline: dt.datetime | None
    record_published: bool
    url: str


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: str | None


class YourMeetingOut(MeetingOut):
    answer: str | None = Field(description="Your answer: yes, maybe or no; null if none.")
    place: str | None = Field(description="going or waitlisted; null without a place.")


class YourMeetingPage(Schema):
    items: list[YourMeetingOut]
    next: str | None


class MeetingLogisticsOut(Schema):
    address: str
    web_link: str
    dinner_venue: str


class SharedFeedbackOut(Schema):
    usefulness: int = Field(description="5 (very useful) to 1 (not at all).")
    comment: str


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    minutes: int
    notes: str
    presenter: PersonOut | None
    presenter_organisation: str | None
    invited_presenter_email: str | None = Field(
        description="An invited presenter without an account yet: for the meeting's organisers."
    )
    topic: int | None = Field(description="The backlog topic it came from.")
    feedback_shared_with_you: list[SharedFeedbackOut] = Field(
        description="On your own presentation, once the facilitators shared it; without names."
    )


class MeetingMaterialOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    agenda_item: int | None
    uploaded_by: PersonOut | None
    url: str


class ActionItemOut(Schema):
    id: int
    text: str
    owner: PersonOut | None
    due_on: dt.date | None
    done: bool


class MeetingSummaryOut(Schema):
    html: str
    published_at: dt.datetime | None = Field(description="Null while it is a draft.")


class RsvpOut(Schema):
    answer: str | None = Field(description="yes, maybe or no; null if you have not answered.")
    place: str | None = Field(description="going or waitlisted; null without a place.")
    dinner: bool
    dinner_note: str
    dietary_needs: str
    delegated_from: PersonOut | None = Field(description="You go in this member's place.")
    may_answer: bool
    may_send_delegate: bool


class MeetingPermissionsOut(Schema):
    view_whole: bool
    view_attendees: bool
    rsvp: bool
    send_delegate: bool
    manage: bool
    upload_material: bool
    give_feedback: bool
    comment_summary: bool


class MeetingDetailOut(MeetingOut):
    organiser: PersonOut | None = Field(description="Who organises a side meeting.")
    cancel_reason: str
    has_dinner: bool
    description: str | None
    description_html: str | None
    logistics: MeetingLogisticsOut | None
    agenda: list[AgendaItemOut]
    agenda_minutes: int
    materials: list[MeetingMaterialOut]
    action_items: list[ActionItemOut]
    summary: MeetingSummaryOut | None
    your_rsvp: RsvpOut
    may: MeetingPermissionsOut


class RsvpChange(Input):
    """Your whole answer: what is not sent is cleared."""

    answer: Rsvp.Answer
    dinner: bool = Field(default=False, description="Ignored when the meeting has no dinner.")
    dinner_note: str = Field(default="", max_length=300)
    dietary_needs: str = Field(
        default="", max_length=300, description="Seen only by the facilitators and the host."
    )


class DelegateChoice(Input):
    delegate: int = Field(ge=1, le=2**63 - 1, description="Your delegate's person id.")


class DelegateOut(Schema):
    delegate: PersonOut
    place: str = Field(description="going or waitlisted, in your place.")


class MeetingAnswerOut(Schema):
    person: PersonOut
    organisation: str | None
    kind: str = Field(description="going, waitlisted or maybe.")
    delegated_from: PersonOut | None
    dinner: bool
    dietary_needs: str | None = Field(description="For the facilitators and the host only.")
    dinner_note: str | None = Field(description="For the facilitators and the host only.")
    attended: bool | None


class MeetingAnswerPage(Schema):
    items: list[MeetingAnswerOut]
    next: str | None


def _meeting(meeting: Meeting) -> dict:
    host = meeting.host_organisation
    return {
        "id": meeting.pk,
        "community": meeting.community.slug,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "time_zone": meeting.time_zone,
        "format": meeting.format,
        "status": meeting.status,
        "host_organisation": host.name if host else None,
        "capacity": meeting.capacity,
        "going_count": meeting.going_count,
        "waitlist_count": meeting.waitlist_count,
        "rsvp_deadline": meeting.rsvp_deadline,
        "record_published": meeting.summary_is_published,
        "url": meeting.get_absolute_url(),
    }


def _your_meeting(meeting: Meeting) -> dict:
    mine = meeting.my_rsvp
    return {
        **_meeting(meeting),
        "answer": mine.answer if mine else None,
        "place": (mine.place or None) if mine else None,
    }


def _rsvp(meeting: Meeting, mine: Rsvp | None, may: dict) -> dict:
    over = meeting.ends_at <= timezone.now()
    return {
        "answer": mine.answer if mine else None,
        "place": (mine.place or None) if mine else None,
        "dinner": bool(mine and mine.dinner),
        "dinner_note": mine.dinner_note if mine else "",
        "dietary_needs": mine.dietary_needs if mine else "",
        "delegated_from": person(mine.delegated_from) if mine else None,
        "may_answer": may["rsvp"] and not over,
        "may_send_delegate": may["send_delegate"] and not over,
    }


def _agenda_item(item, page) -> dict:
    presenter = item.presenter
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "minutes": item.minutes,
        "notes": item.notes,
        "presenter": person(presenter),
        "presenter_organisation": (
            presenter.organisation.name if presenter and presenter.organisation else None
        ),
        "invited_presenter_email": (
            item.presenter_email if page.may["manage"] and item.presenter_email else None
        ),
        "topic": item.topic_id if page.may["view_whole"] else None,
        "feedback_shared_with_you": [
            {"usefulness": one.usefulness, "comment": one.comment}
            for one in page.shared_with_me.get(item.pk, [])
        ],
    }


def _material(material, meeting: Meeting) -> dict:
    return {
        "id": material.pk,
        "name": material.original_name,
        "content_type": material.content_type,
        "size": material.size,
        "agenda_item": material.agenda_item_id,
        "uploaded_by": person(material.uploaded_by),
        "url": reverse(
            "meetings:material",
            kwargs={
                "slug": meeting.community.slug,
                "meeting_id": meeting.pk,
                "material_id": material.pk,
            },
        ),
    }


def _summary(meeting: Meeting) -> dict | None:
    if not meeting.summary_is_published and not meeting.summary_markdown:
        return None
    return {"html": meeting.summary_html, "published_at": meeting.summary_published_at}


def _detail(viewer, meeting: Meeting) -> dict:
    page = meeting_page.load_parts(viewer, meeting_page.meeting_page(viewer, meeting))
    may = page.may
    whole = may["view_whole"]
    return {
        **_meeting(meeting),
        "organiser": person(meeting.organiser) if meeting.kind == Meeting.Kind.SIDE else None,
        "cancel_reason": meeting.cancel_reason if meeting.is_cancelled else "",
        "has_dinner": meeting.has_dinner,
        "description": meeting.description if whole else None,
        "description_html": page.index.description_html if whole else None,
        "logistics": (
            {
                "address": meeting.address,
                "web_link": meeting.web_link,
                "dinner_venue": meeting.dinner_venue,
            }
            if may["view_logistics"]
            else None
        ),
        "agenda": [_agenda_item(item, page) for item in page.agenda],
        "agenda_minutes": page.agenda_minutes,
        "materials": [_material(material, meeting) for material in page.materials],
        "action_items": [
            {
                "id": action.pk,
                "text": action.text,
                "owner": person(action.owner),
                "due_on": action.due_on,
                "done": action.done_at is not None,
            }
            for action in page.action_items
        ],
        "summary": _summary(meeting) if whole else None,
        "your_rsvp": _rsvp(meeting, page.my_rsvp, may),
        "may": {name: may[name] for name in MeetingPermissionsOut.model_fields},
    }


def _answering(viewer, meeting: Meeting) -> dict:
    return {
        action: permissions.can(viewer, f"meeting.{action}", meeting)
        for action in ("rsvp", "send_delegate")
    }


def _visible_meeting(viewer, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_by_id_for(viewer, meeting_id)
    if meeting is None:
        raise Http404
    return meeting


@router.get(
    "communities/{slug}/meetings",
    response={200: MeetingPage, **COMMON_ERRORS},
    summary="A community's meetings: those to come soonest first, or past ones newest first",
)
def list_meetings(
    request,
    slug: str,
    when: Literal["upcoming", "past"] = "upcoming",
    after: str | None = None,
):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.read")
    if when == "past":
        rows, next_after = selectors.past_meetings(viewer, community, before=after)
    else:
        rows, next_after = selectors.upcoming_page(viewer, community, after=after)
    return {"items": [_meeting(meeting) for meeting in rows], "next": next_after}


@router.get(
    "meetings",
    response={200: YourMeetingPage, **COMMON_ERRORS},
    summary="Your meetings to come, in your communities and where you present, with your answer",
)
def list_your_meetings(request, after: str | None = None):
    rows, next_after = selectors.my_upcoming_page(request.auth, after=after)
    return {"items": [_your_meeting(meeting) for meeting in rows], "next": next_after}


@router.get(
    "meetings/{meeting_id}",
    response={200: MeetingDetailOut, **COMMON_ERRORS},
    summary="A meeting with its agenda, as its page shows it to you",
)
def read_meeting(request, meeting_id: int):
    viewer = request.auth
    return _detail(viewer, _visible_meeting(viewer, meeting_id))


@router.get(
    "meetings/{meeting_id}/rsvp",
    response={200: RsvpOut, **COMMON_ERRORS},
    summary="Your answer to a meeting",
)
def read_rsvp(request, meeting_id: int):
    viewer = request.auth
    meeting = _visible_meeting(viewer, meeting_id)
    return _rsvp(meeting, meeting.my_rsvp, _answering(viewer, meeting))


@router.put(
    "meetings/{meeting_id}/rsvp",
    response={200: RsvpOut, **WRITE_ERRORS},
    summary="Answer yes, maybe or no; a yes takes a place, or one on the waitlist when it is full",
)
def answer(request, meeting_id: int, change: RsvpChange):
    viewer = request.auth
    meeting = _visible_meeting(viewer, meeting_id)
    dinner = {"dinner": change.dinner, "dinner_note": change.dinner_note}
    if not meeting.has_dinner:
        # As on the page, whose form has no dinner fields then.
        dinner = {}
    row = services.rsvp(
        actor=viewer,
        meeting=meeting,
        answer=change.answer,
        dietary_needs=change.dietary_needs,
        **dinner,
    )
    return _rsvp(meeting, row, _answering(viewer, meeting))


@router.post(
    "meetings/{meeting_id}/delegate",
    response={200: DelegateOut, **WRITE_ERRORS},
    summary="Send your delegate in your place: they take your place, or ask for one",
)
def send_delegate(request, meeting_id: int, choice: DelegateChoice):
    viewer = request.auth
    meeting = _visible_meeting(viewer, meeting_id)
    delegate = get_user_model().objects.filter(pk=choice.delegate).first()
    row = services.send_delegate(actor=viewer, meeting=meeting, delegate=delegate)
    return {"delegate": person(delegate), "place": row.place}


@router.get(
    "meetings/{meeting_id}/people",
    response={200: MeetingAnswerPage, **COMMON_ERRORS},
    summary="Who answered yes or maybe: with a place, then the waitlist in order, then maybe",
)
def list_people(request, meeting_id: int, after: str | None = None):
    viewer = request.auth
    meeting = _visible_meeting(viewer, meeting_id)
    permissions.require_or_404(viewer, "meeting.view_attendees", meeting)
    dietary = permissions.can(viewer, "meeting.view_dietary", meeting)
    rows, next_after = selectors.people_page(meeting, after=after)
    kinds = {0: "going", 1: "waitlisted", 2: "maybe"}
    return {
        "items": [
            {
                "person": person(row.user),
                "organisation": row.user.organisation.name if row.user.organisation else None,
                "kind": kinds[row.rank],
                "delegated_from": person(row.delegated_from),
                "dinner": row.dinner,
                "dietary_needs": row.dietary_needs if dietary else None,
                "dinner_note": row.dinner_note if dietary else None,
                "attended": row.attended,
            }
            for row in rows
        ],
        "next": next_after,
    }
