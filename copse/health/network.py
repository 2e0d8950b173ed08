"""The reply network: who answers whom in a community, and how far it is
many-to-many rather than one person to many. A stand-in with the agreed
interface (`reply_network`, `ReplyNetwork`) until the full module lands."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q


@dataclass
class ReplyNetwork:
    people: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    density: float = 0.0
    centralisation: float = 0.0
    airtime: float = 0.0
    many_to_many: float = 0.0
    reply_count: int = 0
    svg: str = ""
    rows: list = field(default_factory=list)


def reply_network(community, since) -> ReplyNetwork:
    from copse.conversations.models import Post
    from copse.memberships.models import Membership

    posts = Post.objects.filter(community=community, removed_at__isnull=True, author__isnull=False)
    if since is not None:
        posts = posts.filter(created_at__gte=since)
    counts = list(
        posts.values("author_id", "thread__author_id")
        .order_by()
        .annotate(n=Count("pk"), replies=Count("pk", filter=Q(position__gt=0)))
    )
    facilitators = set(
        Membership.objects.filter(
            community=community, role="facilitator", status__in=("active", "on_leave")
        ).values_list("user_id", flat=True)
    )
    by_person: dict[int, int] = defaultdict(int)
    edges: dict[tuple[int, int], int] = defaultdict(int)
    for row in counts:
        by_person[row["author_id"]] += row["n"]
        to = row["thread__author_id"]
        if row["replies"] and to is not None and to != row["author_id"]:
            edges[(row["author_id"], to)] += row["replies"]
    total = sum(by_person.values())
    replies = sum(edges.values())
    people = len(by_person)
    pairs = {frozenset(pair) for pair in edges}
    return ReplyNetwork(
        people=[(pk, "", pk in facilitators, n) for pk, n in by_person.items()],
        edges=[(a, b, n) for (a, b), n in edges.items()],
        density=(2 * len(pairs) / (people * (people - 1))) if people > 1 else 0.0,
        airtime=(sum(n for pk, n in by_person.items() if pk in facilitators) / total)
        if total
        else 0.0,
        many_to_many=(
            sum(n for (a, b), n in edges.items() if a not in facilitators and b not in facilitators)
            / replies
        )
        if replies
        else 0.0,
        reply_count=replies,
    )
