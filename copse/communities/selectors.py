"""Reading communities as a given viewer sees them."""

from dataclasses import dataclass

from django.db.models import Case, Q, Value, When

from copse.communities.models import Community
from copse.core import cursors, permissions
from copse.memberships.models import JoinRequest, Membership

DIRECTORY_PAGE_SIZE = 50


@dataclass
class DirectoryPage:
    communities: list
    next_after: str | None


def directory_for(viewer, *, after: str | None = None, query: str = "") -> DirectoryPage:
    """Listed communities plus the viewer's own unlisted ones, keyset-paginated by
    (name, id). Two queries at most for the viewer's standings, one for the page."""
    communities = permissions.visible_communities(viewer)
    if viewer.is_authenticated:
        mine = [cid for cid, st in permissions._standings(viewer).items() if st.is_seated]
        communities = communities.filter(Q(listed=True) | Q(pk__in=mine))
    else:
        communities = communities.filter(listed=True)
    query = cursors.text(query) or ""
    if query:
        communities = communities.filter(Q(name__icontains=query) | Q(purpose__icontains=query))
    position = cursors.parse(after, cursors.TEXT, cursors.INT)
    if position is not None:
        name, pk = position
        communities = communities.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(communities.order_by("name", "pk")[: DIRECTORY_PAGE_SIZE + 1])
    next_after = None
    if len(rows) > DIRECTORY_PAGE_SIZE:
        rows = rows[:DIRECTORY_PAGE_SIZE]
        next_after = f"{rows[-1].name}|{rows[-1].pk}"
    for community in rows:
        community.viewer_standing = permissions.standing(viewer, community)
    return DirectoryPage(communities=rows, next_after=next_after)


def community_by_slug_for(viewer, slug: str, action: str = "community.view") -> Community:
    """The community, or 404 when the viewer may not `action` it (or it is missing)."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        from django.http import Http404

        raise Http404
    permissions.require_or_404(viewer, action, community)
    return community


def members_of(viewer, community, *, limit: int | None = None):
    """Seated members in reading roles, facilitators first; empty if not allowed."""
    if not permissions.can(viewer, "community.view_members", community):
        return Membership.objects.none()
    members = (
        Membership.objects.filter(community=community, status__in=Membership.SEATED)
        .exclude(role=Membership.Role.GUEST_PRESENTER)
        # `organisation` is the one the membership counts against (the manage
        # page shows it); `user__organisation` is where the person works now.
        .select_related(
            "user", "user__organisation", "organisation", "principal__user", "seated_by"
        )
        .annotate(
            role_rank=Case(
                When(role=Membership.Role.FACILITATOR, then=Value(0)),
                When(role=Membership.Role.MEMBER, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("role_rank", "user__display_name", "pk")
    )
    return members[:limit] if limit else members


MEMBERS_PAGE_SIZE = 100


def members_page(viewer, community, *, after: str | None = None):
    """A keyset page of `members_of`: (rank, name, id) after the cursor."""
    members = members_of(viewer, community)
    position = cursors.parse(after, cursors.INT, cursors.TEXT, cursors.INT)
    if position is not None:
        rank, name, pk = position
        members = members.filter(
            Q(role_rank__gt=rank)
            | Q(role_rank=rank, user__display_name__gt=name)
            | Q(role_rank=rank, user__display_name=name, pk__gt=pk)
        )
    rows = list(members[: MEMBERS_PAGE_SIZE + 1])
    next_after = None
    if len(rows) > MEMBERS_PAGE_SIZE:
        rows = rows[:MEMBERS_PAGE_SIZE]
        last = rows[-1]
        next_after = f"{last.role_rank}|{last.user.display_name}|{last.pk}"
    return rows, next_after


def pending_requests(viewer, community):
    if not permissions.can(viewer, "community.manage", community):
        return JoinRequest.objects.none()
    return (
        JoinRequest.objects.filter(community=community, status=JoinRequest.Status.PENDING)
        .select_related("user", "user__organisation")
        .order_by("created_at")
    )


def programme_rows():
    """Every community with its facilitators and waiting count, in three queries.

    For site administrators (callers check programme.manage): sizes and people
    only, never content.
    """
    facilitators: dict[int, list] = {}
    for membership in Membership.objects.filter(
        role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
    ).select_related("user"):
        facilitators.setdefault(membership.community_id, []).append(membership.user)
    waiting: dict[int, int] = {}
    for community_id in JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).values_list(
        "community_id", flat=True
    ):
        waiting[community_id] = waiting.get(community_id, 0) + 1
    return [
        (community, facilitators.get(community.pk, []), waiting.get(community.pk, 0))
        for community in Community.objects.order_by("name")
    ]
