"""Reading communities as a given viewer sees them."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Q, Value, When
from django.utils import timezone

from copse.communities.models import Community
from copse.core import cursors, permissions
from copse.core.statements import Compiled
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


def _home_rows(*, slug, viewer_id, now):
    from django.db.models import Exists, OuterRef, Subquery

    from copse.decisions.models import Position, Proposal
    from copse.mailing.models import CommunityDelivery, MailSettings
    from copse.value.models import ValuePrompt

    # `decisions.selectors.waiting_for_answer`, for one community, by id.
    contributing = Membership.objects.filter(
        user_id=viewer_id, status="active", role__in=("member", "facilitator")
    ).values("community_id")
    waiting = Proposal.objects.filter(
        community=OuterRef("pk"),
        status=Proposal.Status.OPEN,
        community_id__in=contributing,
        deadline__gt=now,
    ).exclude(Exists(Position.objects.filter(proposal=OuterRef("pk"), user_id=viewer_id)))
    return Community.objects.filter(slug=slug).annotate(
        viewer_mail_chosen=Subquery(
            CommunityDelivery.objects.filter(user_id=viewer_id, community=OuterRef("pk")).values(
                "mode"
            )[:1]
        ),
        viewer_mail_default=Subquery(
            MailSettings.objects.filter(user_id=viewer_id).values("default_mode")[:1]
        ),
        viewer_may_have_proposals=Exists(waiting),
        # A hint: the prompts shown are chosen by `pending_prompts`.
        viewer_may_have_prompts=Exists(
            ValuePrompt.objects.filter(
                user_id=viewer_id,
                community=OuterRef("pk"),
                dismissed_at__isnull=True,
                story__isnull=True,
            )
        ),
    )[:1]


_home_statement = Compiled(_home_rows, slug=str, viewer_id=int, now=dt.datetime)


def home_community_for(viewer, slug: str) -> Community:
    """`community_by_slug_for` for the community's home, with the viewer's own
    figures in the same statement (compiled once, `copse.core.statements`):
    their mail mode there and whether any proposal or value prompt may wait
    for them (the home looks for those only when one may). Layers above this
    one are imported inside the function, as the home's view does."""
    if not viewer.is_authenticated:
        return community_by_slug_for(viewer, slug)
    rows = _home_statement.run(
        Community.objects.db, slug=slug, viewer_id=viewer.pk, now=timezone.now()
    )
    if not rows:
        from django.http import Http404

        raise Http404
    community = rows[0]
    permissions.require_or_404(viewer, "community.view", community)
    return community


def mail_mode_of(community) -> tuple[str, bool]:
    """`mailing.selectors.mail_mode_in` from `home_community_for`'s figures:
    the mode and whether it is the viewer's default rather than a choice."""
    from copse.mailing.selectors import DEFAULT_MODE

    chosen = community.viewer_mail_chosen
    default = community.viewer_mail_default or DEFAULT_MODE
    return (chosen or default), chosen is None
