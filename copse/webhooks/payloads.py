"""What a delivery says about the thing its event is about, built when it is
sent, at the level `permissions.webhook_disclosure` allows.

Each kind of thing knows how to load itself by id, which read action the
webhook's owner must pass to see it, what it is read under, when it no
longer is what the event announced, and how it reads at each level. Only
ids of Copse's objects travel at the lowest level, never a person's id;
links come next; names, titles and text only at the content level. Text is
put in the JSON body and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from copse.core import permissions
from copse.core.permissions import WEBHOOK_CONTENT, WEBHOOK_IDS, WEBHOOK_LINKS

LEVELS = (permissions.WEBHOOK_NOTHING, WEBHOOK_IDS, WEBHOOK_LINKS, WEBHOOK_CONTENT)


def at_least(level: str, wanted: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(wanted)


def _link(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def _moment(value):
    return value.isoformat() if value is not None else None


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name, "handle": user.handle or ""}


@dataclass(frozen=True)
class Kind:
    noun: str
    load: Callable[[int], object | None]
    community_of: Callable[[object], object]
    # (action, object) the webhook's owner must be allowed, for an event name.
    read: Callable[[str, object], tuple[str, object]]
    visibility: Callable[[object], str]
    # Why the thing is no longer what the event announced ("" if it still is).
    gone: Callable[[str, object], str]
    # The thing's part of the payload at a level: {"post": {...}, ...}.
    describe: Callable[[str, object, str], dict]
    about_people: bool = False


# --- Posts and threads ---------------------------------------------------------------


def _load_post(pk):
    from copse.conversations.models import Post

    return Post.objects.select_related("thread__community", "author").filter(pk=pk).first()


def _post_read(event, post):
    if event == "post.removed":
        return "thread.read", post.thread
    return "post.read", post


def _post_gone(event, post) -> str:
    if event == "post.removed":
        return ""
    if post.removed_at is not None or post.thread.removed_at is not None:
        return "The post was removed before this was sent."
    return ""


def _thread_part(thread, level: str, *, opening: bool) -> dict:
    part = {"id": thread.pk}
    if at_least(level, WEBHOOK_LINKS):
        part["url"] = _link(thread.get_absolute_url())
    if at_least(level, WEBHOOK_CONTENT) and opening:
        part.update(
            title=thread.title,
            kind=thread.kind,
            author=_person(thread.author),
            created_at=_moment(thread.created_at),
        )
    return part


def _describe_post(event, post, level) -> dict:
    part = {"id": post.pk, "thread_id": post.thread_id, "position": post.position}
    if at_least(level, WEBHOOK_LINKS):
        part["url"] = _link(post.get_absolute_url())
    if at_least(level, WEBHOOK_CONTENT):
        part["created_at"] = _moment(post.created_at)
        if event == "post.removed":
            part["removed_at"] = _moment(post.removed_at)
        else:
            part.update(
                author=_person(post.author),
                body=post.body,
                edited_at=_moment(post.edited_at),
            )
    return {
        "post": part,
        "thread": _thread_part(post.thread, level, opening=event != "post.removed"),
    }


def _load_thread(pk):
    from copse.conversations.models import Thread

    return Thread.objects.select_related("community", "author").filter(pk=pk).first()


def _thread_gone(event, thread) -> str:
    if event == "thread.created" and thread.removed_at is not None:
        return "The thread was removed before this was sent."
    return ""


def _describe_thread(event, thread, level) -> dict:
    part = _thread_part(thread, level, opening=event == "thread.created")
    if event == "thread.created":
        opening = thread.posts.filter(position=0).values_list("pk", flat=True).first()
        part["opening_post_id"] = opening
        if at_least(level, WEBHOOK_CONTENT):
            part["body"] = thread.posts.filter(position=0).values_list("body", flat=True).first()
    elif at_least(level, WEBHOOK_CONTENT):
        part["removed_at"] = _moment(thread.removed_at)
    return {"thread": part}


# --- Meetings and answers ---------------------------------------------------------------


def _load_meeting(pk):
    from copse.meetings.models import Meeting

    return Meeting.objects.select_related("community").filter(pk=pk).first()


def _meeting_part(meeting, level: str) -> dict:
    part = {"id": meeting.pk}
    if at_least(level, WEBHOOK_LINKS):
        part["url"] = _link(meeting.get_absolute_url())
    if at_least(level, WEBHOOK_CONTENT):
        part.update(
            title=meeting.title,
            kind=meeting.kind,
            status=meeting.status,
            starts_at=_moment(meeting.starts_at),
            ends_at=_moment(meeting.ends_at),
            time_zone=meeting.time_zone,
        )
    return part


def _load_rsvp(pk):
    from copse.meetings.models import Rsvp

    return Rsvp.objects.select_related("meeting__community", "user").filter(pk=pk).first()


def _describe_rsvp(event, rsvp, level) -> dict:
    part = {"id": rsvp.pk, "meeting_id": rsvp.meeting_id}
    if at_least(level, WEBHOOK_CONTENT):
        part.update(
            person=_person(rsvp.user),
            answer=rsvp.answer,
            place=rsvp.place,
            answered_at=_moment(rsvp.answered_at),
        )
    return {"rsvp": part, "meeting": _meeting_part(rsvp.meeting, level)}


# --- Memberships ------------------------------------------------------------------------


def _load_membership(pk):
    from copse.memberships.models import Membership

    return Membership.objects.select_related("community", "user").filter(pk=pk).first()


def _describe_membership(event, membership, level) -> dict:
    part = {"id": membership.pk}
    if at_least(level, WEBHOOK_LINKS):
        part["url"] = _link(reverse("communities:members", args=[membership.community.slug]))
    if at_least(level, WEBHOOK_CONTENT):
        part.update(person=_person(membership.user), role=membership.role, status=membership.status)
    return {"membership": part}


# --- Proposals --------------------------------------------------------------------------


def _load_proposal(pk):
    from copse.decisions.models import Proposal

    return Proposal.objects.select_related("community").filter(pk=pk).first()


def _describe_proposal(event, proposal, level) -> dict:
    part = {"id": proposal.pk}
    if at_least(level, WEBHOOK_LINKS):
        part["url"] = _link(proposal.get_absolute_url())
    if at_least(level, WEBHOOK_CONTENT):
        part.update(
            title=proposal.title,
            body=proposal.body,
            kind=proposal.kind,
            rule=proposal.rule,
            status=proposal.status,
            deadline=_moment(proposal.deadline),
            closed_at=_moment(proposal.closed_at),
        )
    return {"proposal": part}


def _own_community(thing):
    return thing.community


def _community_visibility(thing):
    return thing.community.visibility


def _still_is(event, thing) -> str:
    return ""


KINDS = {
    "post": Kind(
        noun="post",
        load=_load_post,
        community_of=lambda post: post.thread.community,
        read=_post_read,
        visibility=lambda post: permissions.thread_visibility(post.thread),
        gone=_post_gone,
        describe=_describe_post,
    ),
    "thread": Kind(
        noun="thread",
        load=_load_thread,
        community_of=_own_community,
        read=lambda event, thread: ("thread.read", thread),
        visibility=permissions.thread_visibility,
        gone=_thread_gone,
        describe=_describe_thread,
    ),
    "meeting": Kind(
        noun="meeting",
        load=_load_meeting,
        community_of=_own_community,
        read=lambda event, meeting: ("meeting.view", meeting),
        visibility=_community_visibility,
        gone=_still_is,
        describe=lambda event, meeting, level: {"meeting": _meeting_part(meeting, level)},
    ),
    "rsvp": Kind(
        noun="answer to a meeting",
        load=_load_rsvp,
        community_of=lambda rsvp: rsvp.meeting.community,
        # Who answered is for the seated: never a site admin's to read.
        read=lambda event, rsvp: ("meeting.view_attendees", rsvp.meeting),
        visibility=lambda rsvp: rsvp.meeting.community.visibility,
        gone=_still_is,
        describe=_describe_rsvp,
    ),
    "membership": Kind(
        noun="membership",
        load=_load_membership,
        community_of=_own_community,
        read=lambda event, membership: ("community.view_members", membership.community),
        visibility=_community_visibility,
        gone=_still_is,
        describe=_describe_membership,
        about_people=True,
    ),
    "proposal": Kind(
        noun="proposal",
        load=_load_proposal,
        community_of=_own_community,
        read=lambda event, proposal: ("proposal.read", proposal),
        visibility=_community_visibility,
        gone=_still_is,
        describe=_describe_proposal,
    ),
}


def community_part(community, level: str) -> dict:
    part = {"id": community.pk}
    if at_least(level, WEBHOOK_LINKS):
        part["url"] = _link(community.get_absolute_url())
    if at_least(level, WEBHOOK_CONTENT):
        part.update(name=community.name, slug=community.slug)
    return part


def body(*, delivery, community, thing, kind: Kind, level: str) -> dict:
    """The whole JSON document of one delivery."""
    return {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "occurred_at": _moment(delivery.occurred_at),
        "disclosure": level,
        "community": community_part(community, level),
        "data": kind.describe(delivery.event, thing, level),
    }
