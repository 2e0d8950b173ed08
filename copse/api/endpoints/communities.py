"""Communities the caller may know of, and their members as the caller may see them."""

from ninja import Router, Schema

from copse.api.schemas import COMMON_ERRORS, PersonOut, person
from copse.communities import selectors
from copse.core import permissions

router = Router(tags=["communities"])


class StandingOut(Schema):
    role: str | None
    status: str | None
    may_read: bool
    may_contribute: bool
    is_facilitator: bool


class CommunityOut(Schema):
    id: int
    slug: str
    name: str
    purpose: str
    visibility: str
    listed: bool
    join_policy: str
    member_count: int
    standing: StandingOut


class CommunityDetailOut(CommunityOut):
    goals: str | None
    topic_areas: list[str] | None
    meeting_cadence: str


class CommunityPage(Schema):
    items: list[CommunityOut]
    next: str | None


class MemberOut(Schema):
    person: PersonOut
    role: str
    status: str
    organisation: str | None


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


def _standing(viewer, community) -> dict:
    st = permissions.standing(viewer, community)
    membership = st.membership
    return {
        "role": membership.role if membership else None,
        "status": membership.status if membership else None,
        "may_read": permissions.can(viewer, "community.read", community),
        "may_contribute": permissions.can(viewer, "community.contribute", community),
        "is_facilitator": st.is_facilitator,
    }


def _community(viewer, community) -> dict:
    return {
        "id": community.pk,
        "slug": community.slug,
        "name": community.name,
        "purpose": community.purpose,
        "visibility": community.visibility,
        "listed": community.listed,
        "join_policy": community.join_policy,
        "member_count": community.member_count,
        "standing": _standing(viewer, community),
    }


@router.get(
    "",
    response={200: CommunityPage, **COMMON_ERRORS},
    summary="Listed communities, and the unlisted ones you sit in",
)
def list_communities(request, after: str | None = None, q: str = ""):
    page = selectors.directory_for(request.auth, after=after, query=q)
    return {
        "items": [_community(request.auth, community) for community in page.communities],
        "next": page.next_after,
    }


@router.get("/{slug}", response={200: CommunityDetailOut, **COMMON_ERRORS}, summary="A community")
def read_community(request, slug: str):
    viewer = request.auth
    community = selectors.community_by_slug_for(viewer, slug)
    reads = permissions.can(viewer, "community.read", community)
    return {
        **_community(viewer, community),
        # What the community sets out to do is for those who read it.
        "goals": community.goals if reads else None,
        "topic_areas": list(community.topic_areas or []) if reads else None,
        "meeting_cadence": community.meeting_cadence,
    }


@router.get(
    "/{slug}/members",
    response={200: MemberPage, **COMMON_ERRORS},
    summary="A community's members, where you may see them",
)
def list_members(request, slug: str, after: str | None = None):
    viewer = request.auth
    community = selectors.community_by_slug_for(viewer, slug, "community.view_members")
    rows, next_after = selectors.members_page(viewer, community, after=after)
    return {
        "items": [
            {
                "person": person(membership.user),
                "role": membership.role,
                "status": membership.status,
                "organisation": (
                    membership.user.organisation.name if membership.user.organisation else None
                ),
            }
            for membership in rows
        ],
        "next": next_after,
    }
