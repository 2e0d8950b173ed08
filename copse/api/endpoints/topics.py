"""A community's topic backlog: nominating, editing, voting and taking a vote back."""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, Input, PersonOut, person
from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.topics import selectors, services
from copse.topics.models import Topic

router = Router(tags=["topics"])


class TopicOut(Schema):
    id: int
    community: str
    title: str
    why: str
    area: str
    status: str
    vote_count: int
    proposed_by: PersonOut | None = Field(
        description="Null for a topic Copse put back for review, or a former member's."
    )
    link: str | None = Field(description="What a topic Copse put back for review is about.")
    link_text: str | None
    created_at: dt.datetime
    status_changed_at: dt.datetime | None
    voted: bool = Field(description="You voted for it.")
    may_vote: bool
    may_edit: bool
    url: str


class TopicPage(Schema):
    items: list[TopicOut]
    next: str | None


class NewTopic(Input):
    title: str = Field(max_length=200, description="A question or a theme.")
    why: str = Field(default="", max_length=4000, description="Why it matters.")
    area: str = Field(
        default="", max_length=60, description="One of the community's topic areas, if it has any."
    )


class TopicChange(Input):
    """Send only what changes."""

    title: str = Field(default=None, max_length=200)
    why: str = Field(default=None, max_length=4000)
    area: str = Field(default=None, max_length=60)


def _topic(viewer, topic: Topic) -> dict:
    slug = topic.community.slug
    return {
        "id": topic.pk,
        "community": slug,
        "title": topic.title,
        "why": topic.why,
        "area": topic.area,
        "status": topic.status,
        "vote_count": topic.vote_count,
        "proposed_by": person(topic.proposed_by),
        "link": topic.link or None,
        "link_text": (topic.link_text or "What it is about") if topic.link else None,
        "created_at": topic.created_at,
        "status_changed_at": topic.status_changed_at,
        "voted": topic.viewer_voted,
        "may_vote": permissions.can(viewer, "topic.vote", topic),
        "may_edit": topic.viewer_may_edit,
        "url": reverse("topics:backlog", args=[slug]) + f"#topic-{topic.pk}",
    }


def _readable_topic(viewer, topic_id: int) -> Topic:
    topic = selectors.topic_by_id_for(viewer, topic_id)
    if topic is None:
        raise Http404
    return topic


def _again(viewer, topic: Topic) -> dict:
    """The topic as it is now, with what the viewer did to it."""
    return _topic(viewer, selectors.with_viewer_state(viewer, topic.community, [topic])[0])


@router.get(
    "communities/{slug}/topics",
    response={200: TopicPage, **COMMON_ERRORS},
    summary="A community's topics in one status, most votes first, then those waiting longest",
)
def list_topics(
    request, slug: str, status: Topic.Status = Topic.Status.PROPOSED, after: str | None = None
):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.read")
    page = selectors.backlog(viewer, community, status=status, after=after)
    return {"items": [_topic(viewer, topic) for topic in page.items], "next": page.next_cursor}


@router.post(
    "communities/{slug}/topics",
    response={201: TopicOut, **WRITE_ERRORS},
    summary="Nominate a topic for the community's meetings",
)
def nominate(request, slug: str, new: NewTopic):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.read")
    topic = services.nominate(
        actor=viewer, community=community, title=new.title, why=new.why, area=new.area
    )
    topic.community = community
    return Status(201, _again(viewer, topic))


@router.get("topics/{topic_id}", response={200: TopicOut, **COMMON_ERRORS}, summary="A topic")
def read_topic(request, topic_id: int):
    viewer = request.auth
    return _topic(viewer, _readable_topic(viewer, topic_id))


@router.patch(
    "topics/{topic_id}",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Edit a topic you nominated while it is proposed (facilitators: any topic)",
)
def edit_topic(request, topic_id: int, change: TopicChange):
    viewer = request.auth
    topic = _readable_topic(viewer, topic_id)
    sent = change.dict(exclude_unset=True)
    services.edit(
        actor=viewer,
        topic=topic,
        title=sent.get("title", topic.title),
        why=sent.get("why", topic.why),
        area=sent.get("area", topic.area),
    )
    return _again(viewer, topic)


@router.post(
    "topics/{topic_id}/vote",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Vote for a proposed topic (once; voting again changes nothing)",
)
def vote(request, topic_id: int):
    viewer = request.auth
    topic = _readable_topic(viewer, topic_id)
    services.vote(actor=viewer, topic=topic)
    return _again(viewer, topic)


@router.delete(
    "topics/{topic_id}/vote",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Take your vote back",
)
def withdraw_vote(request, topic_id: int):
    viewer = request.auth
    topic = _readable_topic(viewer, topic_id)
    services.withdraw_vote(actor=viewer, topic=topic)
    return _again(viewer, topic)
