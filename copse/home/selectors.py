"""What Home shows one person, across every community they are seated in,
in a fixed number of queries whatever the number of communities.

Each part asks the permission core which of the person's communities it may
draw from (`community.read`, `community.contribute`, `community.manage`, …)
and reads only those: a guest presenter, a former member, a site admin or a
sponsor has no seat, so nothing of a community's content reaches their Home.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from copse.communities.models import Community
from copse.conversations.models import Thread
from copse.conversations.selectors import unread_by_community
from copse.core import permissions
from copse.decisions.selectors import waiting_for_answer
from copse.meetings.models import Rsvp
from copse.meetings.selectors import my_upcoming_meetings
from copse.memberships.models import Invitation, JoinRequest
from copse.pulses.selectors import open_pulses_unanswered
from copse.topics.models import Topic, TopicVote
from copse.value.selectors import waiting_prompt_counts

# How many of each kind Home lists; each list links to the rest.
SHOWN = 8
MEETINGS_SHOWN = 5


@dataclass
class FacilitatorQueue:
    community: Community
    requests: int = 0
    invitations: int = 0


@dataclass
class HomePage:
    since: dt.datetime
    communities: list = field(default_factory=list)
    new_threads: list = field(default_factory=list)
    replies_to_mine: list = field(default_factory=list)
    waiting_asks: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    norms_to_accept: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    pulses: list = field(default_factory=list)
    value_prompts: list = field(default_factory=list)
    facilitator_queues: list = field(default_factory=list)

    @property
    def anything_new(self) -> bool:
        return bool(self.new_threads or self.replies_to_mine or self.waiting_asks)

    @property
    def facilitates(self) -> bool:
        return any(c.standing.is_facilitator for c in self.communities)

    @property
    def anything_to_answer(self) -> bool:
        return bool(self.proposals or self.pulses or self.value_prompts)


def _my_communities(viewer) -> list[Community]:
    """The communities the viewer is seated in, each with `standing`, its
    `unread_threads` and `on_leave`."""
    communities = list(
        Community.objects.filter(pk__in=permissions.seated_community_ids(viewer)).order_by(
            "name", "pk"
        )
    )
    unread = unread_by_community(viewer, communities)
    for community in communities:
        standing = permissions.standing(viewer, community)
        community.standing = standing
        community.on_leave = standing.membership.status == "on_leave"
        community.unread_threads = unread.get(community.pk, 0)
    return communities


def _threads(viewer, readable: dict[int, Community]):
    return Thread.objects.filter(
        permissions.readable_threads_q(viewer),
        community_id__in=list(readable),
        removed_at__isnull=True,
    ).select_related("author")


def _attach(rows, communities: dict[int, Community]):
    # The community rows are already here: no query per row for their names.
    for row in rows:
        row.community = communities[row.community_id]
    return rows


WAITING_ASK = Q(kind=Thread.Kind.ASK, ask_state=Thread.AskState.OPEN, reply_count=0)


def _new_threads(viewer, readable, since):
    # An ask nobody has answered yet is listed once, with the waiting asks.
    rows = list(
        _threads(viewer, readable)
        .filter(created_at__gt=since)
        .exclude(author=viewer)
        .exclude(WAITING_ASK)
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    return _attach(rows, readable)


def _replies_to_mine(viewer, readable, since):
    new_replies = Count(
        "posts",
        filter=Q(posts__created_at__gt=since, posts__removed_at__isnull=True, posts__position__gt=0)
        & ~Q(posts__author=viewer),
    )
    rows = list(
        _threads(viewer, readable)
        .filter(author=viewer, last_activity_at__gt=since)
        .annotate(new_replies=new_replies)
        .filter(new_replies__gt=0)
        .order_by("-last_activity_at", "-pk")[:SHOWN]
    )
    return _attach(rows, readable)


def _waiting_asks(viewer, readable):
    rows = list(
        _threads(viewer, readable)
        .filter(WAITING_ASK)
        .exclude(author=viewer)
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    return _attach(rows, readable)


def _meetings(viewer):
    """The next meetings with the viewer's answer (`my_rsvp`) and whether
    they may answer (`may_answer`)."""
    meetings = my_upcoming_meetings(viewer, limit=MEETINGS_SHOWN)
    if not meetings:
        return []
    answers = {
        rsvp.meeting_id: rsvp
        for rsvp in Rsvp.objects.filter(user=viewer, meeting__in=[m.pk for m in meetings])
    }
    for meeting in meetings:
        meeting.my_rsvp = answers.get(meeting.pk)
        meeting.may_answer = permissions.can(viewer, "meeting.rsvp", meeting)
    return meetings


def _topics(viewer, contributing: dict[int, Community]):
    """Topics open for voting where the viewer may vote, most votes first."""
    if not contributing:
        return []
    rows = list(
        Topic.objects.filter(community_id__in=list(contributing), status=Topic.Status.PROPOSED)
        .annotate(viewer_voted=Exists(TopicVote.objects.filter(topic=OuterRef("pk"), user=viewer)))
        .order_by("-vote_count", "created_at", "pk")[:SHOWN]
    )
    _attach(rows, contributing)
    return [topic for topic in rows if permissions.can(viewer, "topic.vote", topic)]


def _facilitator_queues(viewer, communities) -> list[FacilitatorQueue]:
    """Join requests waiting for a facilitator's decision and invitations not
    yet taken up, per community the viewer facilitates."""
    facilitated = {
        c.pk: c
        for c in communities
        if c.standing.is_facilitator and permissions.can(viewer, "community.manage", c)
    }
    if not facilitated:
        return []
    queues = {pk: FacilitatorQueue(community=c) for pk, c in facilitated.items()}
    requests = (
        JoinRequest.objects.filter(
            community_id__in=list(facilitated),
            status=JoinRequest.Status.PENDING,
            members_decide=False,
        )
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
        .order_by()
    )
    for community_id, n in requests:
        queues[community_id].requests = n
    invitations = (
        Invitation.objects.usable()
        .filter(community_id__in=list(facilitated))
        .values("community_id")
        .annotate(n=Count("pk"))
        .values_list("community_id", "n")
        .order_by()
    )
    for community_id, n in invitations:
        queues[community_id].invitations = n
    return [q for q in queues.values() if q.requests or q.invitations]


def home_for(viewer, *, since: dt.datetime) -> HomePage:
    """Everything Home shows `viewer`, counting "new" from `since`."""
    communities = _my_communities(viewer)
    page = HomePage(since=since, communities=communities)
    readable = {c.pk: c for c in communities if permissions.can(viewer, "community.read", c)}
    contributing = {
        c.pk: c for c in communities if permissions.can(viewer, "community.contribute", c)
    }
    if readable:
        page.new_threads = _new_threads(viewer, readable, since)
        page.replies_to_mine = _replies_to_mine(viewer, readable, since)
        page.waiting_asks = _waiting_asks(viewer, readable)
    page.meetings = _meetings(viewer)
    page.topics = _topics(viewer, contributing)
    page.norms_to_accept = [
        c
        for c in communities
        if c.standing.is_active_contributor
        and c.standing.membership.norms_accepted < c.norms_version
    ]
    if communities:
        # Its own rule of who may answer (active members and facilitators).
        page.proposals = list(waiting_for_answer(viewer, communities)[:SHOWN])
        _attach(page.proposals, {c.pk: c for c in communities})
    page.pulses = open_pulses_unanswered(viewer, communities)
    prompt_counts = waiting_prompt_counts(viewer, communities)
    page.value_prompts = [(c, prompt_counts[c.pk]) for c in communities if c.pk in prompt_counts]
    page.facilitator_queues = _facilitator_queues(viewer, communities)
    return page
