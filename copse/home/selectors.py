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

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from copse.accounts.models import User
from copse.communities.models import Community
from copse.conversations.models import Thread
from copse.conversations.selectors import unread_threads_count
from copse.core import permissions
from copse.decisions.selectors import waiting_for_answer
from copse.home.models import HomeVisit
from copse.meetings.selectors import my_upcoming_meetings
from copse.memberships.models import Invitation, JoinRequest
from copse.pulses.models import Pulse
from copse.pulses.selectors import open_pulse_unanswered
from copse.topics.models import Topic, TopicVote
from copse.value.selectors import waiting_prompts_count

# How many of each kind Home lists; each list links to the rest.
SHOWN = 8
MEETINGS_SHOWN = 5
# Long texts Home never shows: not read with the community rows.
HEAVY_COMMUNITY_FIELDS = ("purpose", "goals", "topic_areas")


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


# What no community row carries: the viewer's own marker of visits to Home,
# read in the same statement as their communities (see `my_communities`).
VISIT_NOT_READ = object()


def _visit_of(viewer, field: str) -> Subquery:
    return Subquery(HomeVisit.objects.filter(user=viewer).values(field)[:1])


def _count_of(queryset) -> Coalesce:
    counted = queryset.order_by().values("community").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _only_in(ids, expression, default, output_field):
    # The figure is asked only where the viewer may see it: elsewhere the
    # database does not even count.
    otherwise = Value(default, output_field=output_field)
    if not ids:
        return otherwise
    return Case(When(pk__in=ids, then=expression), default=otherwise, output_field=output_field)


def my_communities(viewer) -> tuple[list[Community], HomeVisit | object | None]:
    """The communities the viewer is seated in, each with its `standing`,
    `on_leave`, `unread_threads`, `waiting_prompts`, `open_pulse` (the
    unanswered one, or None), `pending_requests` and `usable_invitations`,
    all in one statement that also reads the viewer's `HomeVisit` (None when
    they never came; `VISIT_NOT_READ` when they sit nowhere and nothing was
    read). Each figure is computed only where a rule of the permission core
    lets the viewer see it; the rules are asked again before showing."""
    standings = permissions.seated_standings(viewer)
    if not standings:
        return [], VISIT_NOT_READ
    seated = list(standings)
    active = [cid for cid, st in standings.items() if st.membership.status == "active"]
    facilitated = [cid for cid, st in standings.items() if st.is_facilitator]
    today = timezone.localdate()
    invitations = Invitation.objects.usable().filter(community=OuterRef("pk"))
    requests = JoinRequest.objects.filter(
        community=OuterRef("pk"), status=JoinRequest.Status.PENDING, members_decide=False
    )
    rows = (
        Community.objects.filter(pk__in=seated)
        .defer(*HEAVY_COMMUNITY_FIELDS)
        .annotate(
            unread_threads=unread_threads_count(viewer),
            waiting_prompts=_only_in(active, waiting_prompts_count(viewer), 0, IntegerField()),
            open_pulse_id=_only_in(
                active, open_pulse_unanswered(viewer, "pk"), None, IntegerField()
            ),
            open_pulse_closes_on=_only_in(
                active, open_pulse_unanswered(viewer, "closes_on"), None, DateField()
            ),
            pending_requests=_only_in(facilitated, _count_of(requests), 0, IntegerField()),
            usable_invitations=_only_in(facilitated, _count_of(invitations), 0, IntegerField()),
            visit_last_at=_visit_of(viewer, "last_visit_at"),
            visit_previous_at=_visit_of(viewer, "previous_visit_at"),
        )
        .order_by("name", "pk")
    )
    communities = list(rows)
    visit = None
    for community in communities:
        standing = standings[community.pk]
        community.standing = standing
        community.on_leave = standing.membership.status == "on_leave"
        if not permissions.can(viewer, "community.read", community):
            community.unread_threads = 0
        community.open_pulse = None
        if community.open_pulse_id is not None:
            pulse = Pulse(
                pk=community.open_pulse_id,
                community=community,
                opens_on=today,
                closes_on=community.open_pulse_closes_on,
            )
            if permissions.can(viewer, "pulse.answer", pulse):
                community.open_pulse = pulse
        if community.visit_last_at is not None:
            visit = HomeVisit(
                user=viewer,
                last_visit_at=community.visit_last_at,
                previous_visit_at=community.visit_previous_at,
            )
    return communities, visit


def _attach(rows, communities: dict[int, Community]):
    # The community rows are already here: no query per row for their names.
    for row in rows:
        row.community = communities[row.community_id]
    return rows


MINE, WAITING, NEW = "mine", "waiting", "new"

# The three lists of "New since your last visit" in one statement, written
# out: the ORM took twenty times longer to build it than the database to run
# it. Sections: the viewer's threads with replies since `since` (latest
# activity first), others' asks nobody has answered yet (newest first; listed
# once, there, even when new) and others' other threads started since
# `since` (newest first). They are disjoint, so one window numbers each
# section's rows apart and keeps `SHOWN` of each. `{readable}` is the
# permission core's "thread.read" rule (`permissions.readable_sql`).
NEWS_SQL = """
WITH candidates AS (
    SELECT t.id, t.community_id, t.kind, t.title, t.author_id, t.imported_author,
           t.created_at, t.last_activity_at,
           CASE WHEN t.author_id = %(viewer)s THEN 'mine'
                WHEN t.kind = 'ask' AND t.ask_state = 'open' AND t.reply_count = 0
                THEN 'waiting'
                ELSE 'new' END AS section,
           CASE WHEN t.author_id = %(viewer)s THEN t.last_activity_at
                ELSE t.created_at END AS latest,
           CASE WHEN t.author_id = %(viewer)s THEN (
               SELECT COUNT(*) FROM conversations_post p
               WHERE p.thread_id = t.id AND p.created_at > %(since)s
                 AND p.removed_at IS NULL AND p.position > 0
                 AND (p.author_id IS NULL OR p.author_id <> %(viewer)s)
           ) END AS new_replies
    FROM conversations_thread t
    JOIN communities_community c ON c.id = t.community_id
    WHERE {readable} AND t.community_id IN ({communities}) AND t.removed_at IS NULL
      AND (
          (t.author_id = %(viewer)s AND t.last_activity_at > %(since)s)
          OR ((t.author_id IS NULL OR t.author_id <> %(viewer)s)
              AND ((t.kind = 'ask' AND t.ask_state = 'open' AND t.reply_count = 0)
                   OR t.created_at > %(since)s))
      )
), ranked AS (
    SELECT candidates.*,
           ROW_NUMBER() OVER (PARTITION BY section ORDER BY latest DESC, id DESC) AS rank
    FROM candidates
    WHERE section <> 'mine' OR new_replies > 0
)
SELECT ranked.*, u.display_name AS author_display_name
FROM ranked LEFT JOIN accounts_user u ON u.id = ranked.author_id
WHERE rank <= %(shown)s
ORDER BY latest DESC, id DESC
"""


def _news(viewer, readable: dict[int, Community], since) -> dict[str, list]:
    """The three lists of "New since your last visit" (see `NEWS_SQL`), each
    thread with its `community`, its author and, for the viewer's own,
    `new_replies`."""
    readable_condition, readable_params = permissions.readable_sql(viewer, "c", "t")
    params = {f"r{n}": value for n, value in enumerate(readable_params)}
    params.update({f"c{n}": pk for n, pk in enumerate(readable)})
    condition = readable_condition % tuple(f"%(r{n})s" for n in range(len(readable_params)))
    communities = ", ".join(f"%(c{n})s" for n in range(len(readable)))
    params.update(
        viewer=viewer.pk,
        since=connection.ops.adapt_datetimefield_value(since),
        shown=SHOWN,
    )
    sql = NEWS_SQL.format(readable=condition, communities=communities)
    news = {MINE: [], WAITING: [], NEW: []}
    for thread in Thread.objects.raw(sql, params):
        thread.community = readable[thread.community_id]
        if thread.author_id is not None:
            thread.author = User(pk=thread.author_id, display_name=thread.author_display_name)
        news[thread.section].append(thread)
    return news


def _meetings(viewer):
    """The next meetings with the viewer's answer (`my_rsvp`) and whether
    they may answer (`may_answer`)."""
    meetings = my_upcoming_meetings(viewer, limit=MEETINGS_SHOWN, with_my_answer=True)
    for meeting in meetings:
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
    yet taken up, per community the viewer facilitates (counted with the
    community rows)."""
    return [
        FacilitatorQueue(community=c, requests=c.pending_requests, invitations=c.usable_invitations)
        for c in communities
        if c.standing.is_facilitator
        and permissions.can(viewer, "community.manage", c)
        and (c.pending_requests or c.usable_invitations)
    ]


def home_for(viewer, *, since: dt.datetime, communities: list[Community]) -> HomePage:
    """Everything Home shows `viewer` from their communities (`my_communities`),
    counting "new" from `since`."""
    page = HomePage(since=since, communities=communities)
    readable = {c.pk: c for c in communities if permissions.can(viewer, "community.read", c)}
    contributing = {
        c.pk: c for c in communities if permissions.can(viewer, "community.contribute", c)
    }
    if readable:
        news = _news(viewer, readable, since)
        page.replies_to_mine = news[MINE]
        page.new_threads = news[NEW]
        page.waiting_asks = news[WAITING]
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
    page.pulses = sorted(
        (c.open_pulse for c in communities if c.open_pulse is not None),
        key=lambda pulse: (pulse.closes_on, pulse.pk),
    )
    page.value_prompts = [
        (c, c.waiting_prompts)
        for c in communities
        if c.waiting_prompts and permissions.can(viewer, "community.record_value", c)
    ]
    page.facilitator_queues = _facilitator_queues(viewer, communities)
    return page
