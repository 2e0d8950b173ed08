"""Reading topics as a given viewer may.

Nothing here raises for permission except `topic_for`, which answers 404 like a
missing topic: a viewer who may not read the community gets empty results.
The backlog pages by keyset on (-vote_count, created_at, id), the order of the
`topic_backlog` index, and runs the same queries whatever the number of topics
and votes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from copse.core import cursors, permissions
from copse.topics.models import Topic, TopicVote

PAGE_SIZE = 50


@dataclass
class Page:
    items: list
    status: str
    next_cursor: str | None = None


def _encode(topic: Topic) -> str:
    return f"{topic.vote_count}|{topic.created_at.isoformat()}|{topic.pk}"


def _decode(cursor: str | None):
    return cursors.parse(cursor, cursors.INT, cursors.MOMENT, cursors.INT)


def _ranked(topics):
    return topics.order_by("-vote_count", "created_at", "pk")


def with_viewer_state(viewer, community, topics: list) -> list:
    """Mark each topic with what the viewer did and may do, in one query at most:
    `viewer_voted` and `viewer_may_edit`. The topics must be of `community`."""
    voted: set[int] = set()
    if viewer.is_authenticated and topics:
        voted = set(
            TopicVote.objects.filter(user=viewer, topic__in=[t.pk for t in topics]).values_list(
                "topic_id", flat=True
            )
        )
    for topic in topics:
        topic.community = community  # the permission checks read it; no query per row
        topic.viewer_voted = topic.pk in voted
        topic.viewer_may_edit = permissions.can(viewer, "topic.edit", topic)
    return topics


def backlog(viewer, community, *, status: str = "proposed", after: str | None = None) -> Page:
    """A community's topics in one status, most votes first, then the oldest.

    Two queries: the page, and the viewer's votes among its topics.
    """
    if status not in Topic.Status.values:
        status = Topic.Status.PROPOSED
    if not permissions.can(viewer, "community.read", community):
        return Page(items=[], status=status)
    topics = Topic.objects.filter(community=community, status=status)
    position = _decode(after)
    if position is not None:
        votes, at, pk = position
        topics = topics.filter(
            Q(vote_count__lt=votes)
            | Q(vote_count=votes, created_at__gt=at)
            | Q(vote_count=votes, created_at=at, pk__gt=pk)
        )
    rows = list(_ranked(topics).select_related("proposed_by")[: PAGE_SIZE + 1])
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = _encode(rows[-1])
    with_viewer_state(viewer, community, rows)
    return Page(items=rows, status=status, next_cursor=next_cursor)


def status_counts(viewer, community) -> dict[str, int]:
    """How many topics are in each status (one query); zeros when not readable."""
    counts = dict.fromkeys(Topic.Status.values, 0)
    if not permissions.can(viewer, "community.read", community):
        return counts
    for row in (
        Topic.objects.filter(community=community)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["status"]] = row["n"]
    return counts


def proposed_topics(viewer, community) -> QuerySet:
    """Proposed topics ranked as the backlog, as a queryset (for a form field's
    choices, e.g. a ModelChoiceField on a meeting's agenda form); none when the
    viewer may not read the community."""
    if not permissions.can(viewer, "community.read", community):
        return Topic.objects.none()
    return _ranked(Topic.objects.filter(community=community, status=Topic.Status.PROPOSED))


def agenda_candidates(viewer, community, limit: int = 20) -> list[Topic]:
    """The top `limit` of `proposed_topics`, for a meeting's agenda form (one query).

    Empty when the viewer may not read the community.
    """
    topics = list(proposed_topics(viewer, community)[:limit])
    for topic in topics:
        topic.community = community
    return topics


def topic_for(viewer, slug: str, topic_id: int) -> Topic:
    """The topic, or 404 when it is missing, in another community, or not readable."""
    topic = (
        Topic.objects.select_related("community", "proposed_by")
        .filter(pk=topic_id, community__slug=slug)
        .first()
    )
    if topic is None:
        raise Http404
    permissions.require_or_404(viewer, "topic.read", topic)
    return topic


def topic_by_id_for(viewer, topic_id: int) -> Topic | None:
    """The topic wherever it lives, with its community and proposer, and what
    the viewer did and may do with it (`with_viewer_state`), or None when it
    is missing or not readable (the API addresses topics by id alone)."""
    topic = Topic.objects.select_related("community", "proposed_by").filter(pk=topic_id).first()
    if topic is None or not permissions.can(viewer, "topic.read", topic):
        return None
    return with_viewer_state(viewer, topic.community, [topic])[0]
