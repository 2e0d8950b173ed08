"""The reply network: who answers whom in a community, and how far it is
many-to-many rather than one person to many.

Copse posts have no reply-to field: a reply belongs to a thread, not to one
post of it. So an edge runs from a reply's author to the author of the
thread's opening post, the person whose question or discussion drew the
reply. Self-replies make no edge, and posts imported from a list archive
without an author (a sender who is not a member) belong to nobody here.

The measures follow the articles' questions. Density: how many of the
possible pairs of people have exchanged replies. Freeman's degree
centralisation: whether the exchanges run through one person (1, a star) or
are spread evenly (0). Airtime: the facilitators' share of all posts.
Many-to-many: the share of replies that neither come from nor go to a
facilitator. Density and centralisation are read on the undirected simple
graph (a pair that has exchanged replies either way is one line); the
drawing keeps the direction and the number of replies.

`reply_network` runs two queries whatever the size of the community: one
aggregate over the period's posts, one for the names of the people in it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple

import networkx as nx
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext

# More than this many people make a circle nobody can read: the drawing keeps
# the most involved and says how many it left out; the measures count everyone.
MOST_DRAWN = 40

MEMBER_COLOUR = "#1d4e89"
FACILITATOR_COLOUR = "#b5460f"
LINE_COLOUR = "#52606d"


class Person(NamedTuple):
    user_id: int
    name: str
    is_facilitator: bool
    posts: int


class Edge(NamedTuple):
    """`replies` replies from `from_user_id` in threads `to_user_id` opened."""

    from_user_id: int
    to_user_id: int
    replies: int


class Row(NamedTuple):
    """A line of the text table beside the drawing."""

    from_name: str
    from_is_facilitator: bool
    to_name: str
    to_is_facilitator: bool
    replies: int


# --- The measures, on plain edge lists -------------------------------------


def undirected_graph(nodes: Iterable[int], edges: Iterable[tuple]) -> nx.Graph:
    """The simple graph of who has exchanged replies with whom, either way."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((edge[0], edge[1]) for edge in edges if edge[0] != edge[1])
    return graph


def density(graph: nx.Graph) -> float:
    """The share of possible pairs joined by a line (0 for fewer than two people)."""
    return float(nx.density(graph)) if graph.number_of_nodes() > 1 else 0.0


def degree_centralisation(graph: nx.Graph) -> float:
    """Freeman's degree centralisation: sum(max degree - degree) over the
    largest that sum can be for this many people, (n-1)(n-2), which a star
    reaches. 1 for a star, 0 when everyone has as many partners as everyone
    else; 0 by definition below three people, where every shape is both."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [degree for _, degree in graph.degree()]
    most = max(degrees)
    return sum(most - degree for degree in degrees) / ((n - 1) * (n - 2))


def airtime(posts_by_person: Mapping[int, int], facilitators, other_posts: int = 0) -> float:
    """The facilitators' share of all posts; `other_posts` are posts without
    an author, which count in the whole but belong to nobody."""
    total = sum(posts_by_person.values()) + other_posts
    if not total:
        return 0.0
    ours = sum(posts for person, posts in posts_by_person.items() if person in facilitators)
    return ours / total


def many_to_many(edges: Iterable[tuple[int, int, int]], facilitators) -> float:
    """The share of replies that neither come from nor go to a facilitator
    (0 when there are no replies)."""
    total = among_members = 0
    for source, target, replies in edges:
        total += replies
        if source not in facilitators and target not in facilitators:
            among_members += replies
    return among_members / total if total else 0.0


# --- The network of one community ------------------------------------------


@dataclass
class ReplyNetwork:
    """Who answered whom in a period, and the four measures of it. `people`
    are everyone who posted or was replied to, by name; `edges` the replies
    from one person in threads another opened, most first."""

    people: list[Person]
    edges: list[Edge]
    density: float
    centralisation: float
    airtime: float
    many_to_many: float
    reply_count: int
    post_count: int
    # For initials; only the people drawn need them.
    emails: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def person_count(self) -> int:
        return len(self.people)

    @property
    def density_percent(self) -> int:
        return round(self.density * 100)

    @property
    def airtime_percent(self) -> int:
        return round(self.airtime * 100)

    @property
    def many_to_many_percent(self) -> int:
        return round(self.many_to_many * 100)

    @property
    def centralisation_words(self) -> str:
        if self.person_count < 3:
            return gettext("too few people to tell")
        if self.centralisation >= 0.6:
            return gettext("exchanges run through one or two people")
        if self.centralisation >= 0.3:
            return gettext("exchanges gather around a few people")
        return gettext("exchanges are spread among many people")

    @cached_property
    def drawn(self) -> list[Person]:
        """Who is drawn, in the order round the circle: by name, so that a
        person keeps their place from one period to the next."""
        chosen = self.people
        if len(chosen) > MOST_DRAWN:
            received: dict[int, int] = defaultdict(int)
            for edge in self.edges:
                received[edge.to_user_id] += edge.replies
            chosen = sorted(
                chosen, key=lambda p: (-(p.posts + received[p.user_id]), p.name.casefold())
            )[:MOST_DRAWN]
        return sorted(chosen, key=lambda p: (p.name.casefold(), p.user_id))

    @cached_property
    def initials(self) -> dict[int, str]:
        """The initials of the people drawn, as their avatars show them."""
        from copse.accounts.models import User

        return {
            person.user_id: User(
                display_name=person.name, email=self.emails.get(person.user_id, "")
            ).initials
            for person in self.drawn
        }

    @property
    def undrawn_count(self) -> int:
        return len(self.people) - len(self.drawn)

    @cached_property
    def rows(self) -> list[Row]:
        """Who answered whom and how many times, among the people drawn,
        most replies first."""
        by_id = {person.user_id: person for person in self.drawn}
        rows = [
            Row(
                by_id[edge.from_user_id].name,
                by_id[edge.from_user_id].is_facilitator,
                by_id[edge.to_user_id].name,
                by_id[edge.to_user_id].is_facilitator,
                edge.replies,
            )
            for edge in self.edges
            if edge.from_user_id in by_id and edge.to_user_id in by_id
        ]
        rows.sort(key=lambda row: (-row.replies, row.from_name.casefold(), row.to_name.casefold()))
        return rows

    @cached_property
    def person_rows(self) -> list[dict]:
        """The people drawn, with their initials and replies each way."""
        given: dict[int, int] = defaultdict(int)
        received: dict[int, int] = defaultdict(int)
        for edge in self.edges:
            given[edge.from_user_id] += edge.replies
            received[edge.to_user_id] += edge.replies
        return [
            {
                "initials": self.initials.get(person.user_id, "?"),
                "name": person.name,
                "is_facilitator": person.is_facilitator,
                "posts": person.posts,
                "replied": given[person.user_id],
                "answered_by_others": received[person.user_id],
            }
            for person in self.drawn
        ]

    @cached_property
    def svg(self) -> str:
        """The drawing, as markup safe to put in a page (no script, no style)."""
        return render_to_string("health/_network_svg.html", {"drawing": _layout(self)})


def reply_network(community, since: datetime | None) -> ReplyNetwork:
    """Who answered whom in `community` from `since` (everything when None),
    over posts that are not removed, in threads that are not removed."""
    from copse.accounts.models import User, name_or_fallback
    from copse.conversations.models import Post
    from copse.memberships.models import Membership

    posts = Post.objects.filter(
        community=community, removed_at__isnull=True, thread__removed_at__isnull=True
    )
    if since is not None:
        posts = posts.filter(created_at__gte=since)
    groups = (
        posts.values("author_id", "thread__author_id")
        .annotate(posts=Count("pk"), replies=Count("pk", filter=Q(position__gt=0)))
        .order_by()
    )
    posts_by_person: dict[int, int] = defaultdict(int)
    replies_by_pair: dict[tuple[int, int], int] = defaultdict(int)
    authorless = 0
    in_network: set[int] = set()
    for group in groups:
        author, opener = group["author_id"], group["thread__author_id"]
        if author is None:
            authorless += group["posts"]
            continue
        posts_by_person[author] += group["posts"]
        in_network.add(author)
        if opener is not None and opener != author and group["replies"]:
            replies_by_pair[(author, opener)] += group["replies"]
            in_network.add(opener)

    facilitators: set[int] = set()
    people: list[Person] = []
    emails: dict[int, str] = {}
    if in_network:
        seated_as_facilitator = Membership.objects.filter(
            community=community,
            user=OuterRef("pk"),
            role=Membership.Role.FACILITATOR,
            status=Membership.Status.ACTIVE,
        )
        # Plain rows, not model instances: a community of a thousand people
        # would spend more on building Users than on the query.
        for pk, display_name, email, is_facilitator in (
            User.objects.filter(pk__in=in_network)
            .annotate(is_facilitator=Exists(seated_as_facilitator))
            .order_by()
            .values_list("pk", "display_name", "email", "is_facilitator")
        ):
            if is_facilitator:
                facilitators.add(pk)
            # As User.name.
            name = name_or_fallback(display_name)
            people.append(Person(pk, name, is_facilitator, posts_by_person[pk]))
            emails[pk] = email
    people.sort(key=lambda p: (p.name.casefold(), p.user_id))
    edges = sorted(
        (Edge(source, target, replies) for (source, target), replies in replies_by_pair.items()),
        key=lambda e: (-e.replies, e.from_user_id, e.to_user_id),
    )
    graph = undirected_graph((p.user_id for p in people), edges)
    return ReplyNetwork(
        people=people,
        edges=edges,
        density=density(graph),
        centralisation=degree_centralisation(graph),
        airtime=airtime(posts_by_person, facilitators, other_posts=authorless),
        many_to_many=many_to_many(edges, facilitators),
        reply_count=sum(edge.replies for edge in edges),
        post_count=sum(posts_by_person.values()) + authorless,
        emails=emails,
    )


# --- The drawing -------------------------------------------------------------

SIZE = 480
CENTRE = SIZE / 2
RING = 190
LEGEND_HEIGHT = 56


def _number(value: float) -> str:
    return f"{value:.1f}"


def _layout(network: ReplyNetwork) -> dict:
    """Positions and shapes, worked out here so that the template only prints
    numbers: people evenly round a circle from the top, clockwise."""
    drawn = network.drawn
    count = len(drawn)
    # Nodes shrink as the circle fills, so that neighbours never overlap.
    radius = min(18.0, max(7.0, math.pi * RING / max(count, 1) * 0.8))
    places = {}
    nodes = []
    for index, person in enumerate(drawn):
        angle = -math.pi / 2 + 2 * math.pi * index / count if count > 1 else -math.pi / 2
        x = CENTRE + (RING * math.cos(angle) if count > 1 else 0)
        y = CENTRE + (RING * math.sin(angle) if count > 1 else 0)
        places[person.user_id] = (x, y)
        nodes.append(
            {
                "x": _number(x),
                "y": _number(y),
                "corner_x": _number(x - radius),
                "corner_y": _number(y - radius),
                "radius": _number(radius),
                "side": _number(2 * radius),
                "font_size": _number(radius * 0.85),
                "fill": FACILITATOR_COLOUR if person.is_facilitator else MEMBER_COLOUR,
                "is_facilitator": person.is_facilitator,
                "initials": network.initials.get(person.user_id, "?"),
                "name": person.name,
                "posts": person.posts,
            }
        )
    drawn_edges = [e for e in network.edges if e.from_user_id in places and e.to_user_id in places]
    most = max((e.replies for e in drawn_edges), default=1)
    lines = []
    # Thin lines first, so that the thick ones stay on top.
    for edge in sorted(drawn_edges, key=lambda e: (e.replies, e.from_user_id, e.to_user_id)):
        start, end = places[edge.from_user_id], places[edge.to_user_id]
        lines.append(
            {
                "path": _curve(start, end, radius),
                "width": _number(1 + 5 * math.sqrt(edge.replies / most)),
                "replies": edge.replies,
            }
        )
    return {
        "size": SIZE,
        "height": SIZE + LEGEND_HEIGHT,
        "legend_y": SIZE + 22,
        "legend_text_y": SIZE + 27,
        "nodes": nodes,
        "lines": lines,
        "network": network,
        "member_colour": MEMBER_COLOUR,
        "facilitator_colour": FACILITATOR_COLOUR,
        "line_colour": LINE_COLOUR,
    }


def _curve(start: tuple[float, float], end: tuple[float, float], radius: float) -> str:
    """A gentle curve from one person to another that bends to its left, so
    that replies each way between two people are two lines, not one; it
    starts and stops at the edge of each shape, where the arrow shows."""
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    bend = 0.12 * length
    control = ((x1 + x2) / 2 + dy / length * bend, (y1 + y2) / 2 - dx / length * bend)

    def towards(point, target, distance):
        tx, ty = target[0] - point[0], target[1] - point[1]
        norm = math.hypot(tx, ty) or 1.0
        return point[0] + tx / norm * distance, point[1] + ty / norm * distance

    sx, sy = towards(start, control, radius + 1)
    ex, ey = towards(end, control, radius + 3)
    cx, cy = control
    return (
        f"M {_number(sx)} {_number(sy)} Q {_number(cx)} {_number(cy)} {_number(ex)} {_number(ey)}"
    )
