"""The caller's own notifications, as their inbox shows them.

Every notification is checked again against the permission core before it
is shown or marked (`notifications.selectors`): one about a post the caller
may no longer read (they left, it was removed) is not there at all.
"""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema

from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, CommunityRef, PersonOut, person
from copse.notifications import selectors, services
from copse.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationTargetOut(Schema):
    """What the notification is about: a post, a meeting, a library item, a
    proposal... `title` is what the inbox names it by, where it names one."""

    type: str
    id: int
    title: str | None
    url: str


class NotificationOut(Schema):
    id: int
    kind: str
    label: str
    community: CommunityRef
    actor: PersonOut | None
    target: NotificationTargetOut
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None


class MarkedRead(Schema):
    marked: int


def _title(notification: Notification) -> str | None:
    target = notification.target
    model = notification.target_type.model
    if notification.is_announcement:
        return notification.announcement
    if model == "post":
        return target.thread.title
    if model == "community":
        return target.name
    if model == "agendaitem":
        return f"{target.title} at {target.meeting.title}"
    # Meetings, library items, proposals and date polls have a title; a
    # norms review, a pulse and a facilitator's note say what they are by
    # their kind alone.
    if model in ("meeting", "libraryitem", "proposal", "datepoll"):
        return target.title
    return None


def _url(notification: Notification) -> str:
    target = notification.target
    if notification.is_announcement:
        return reverse("audit:community", kwargs={"slug": target.community.slug})
    return target.get_absolute_url()


def _notification(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "label": notification.get_kind_display(),
        "community": {"slug": notification.community.slug, "name": notification.community.name},
        "actor": person(notification.actor),
        "target": {
            "type": notification.target_type.model,
            "id": notification.target_id,
            "title": _title(notification),
            "url": _url(notification),
        },
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get(
    "",
    response={200: NotificationPage, **COMMON_ERRORS},
    summary="Your notifications, the newest first; `unread` for only those not read yet",
)
def list_notifications(request, after: str | None = None, unread: bool = False):
    rows, next_cursor = selectors.inbox(request.auth, before=after, unread_only=unread)
    return {"items": [_notification(row) for row in rows], "next": next_cursor}


@router.post(
    "read",
    response={200: MarkedRead, **WRITE_ERRORS},
    summary="Mark all your notifications read",
)
def mark_all_read(request):
    return {"marked": services.mark_all_read(user=request.auth)}


@router.post(
    "{notification_id}/read",
    response={200: NotificationOut, **WRITE_ERRORS},
    summary="Mark one of your notifications read",
)
def mark_read(request, notification_id: int):
    viewer = request.auth
    if selectors.notification_for(viewer, notification_id) is None:
        raise Http404
    services.mark_read(user=viewer, notification_id=notification_id)
    notification = selectors.notification_for(viewer, notification_id)
    if notification is None:
        raise Http404
    return _notification(notification)
