"""Reads for the facilitator's members page. Callers check community.manage first."""

from copse.memberships.models import Invitation, Membership, usable_invitations_q


def open_invitations(community):
    """Invitations that still give something (expired ones give nothing)."""
    return (
        Invitation.objects.filter(usable_invitations_q(), community=community)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def guest_presenters(community):
    return Membership.objects.filter(
        community=community, role=Membership.Role.GUEST_PRESENTER, status__in=Membership.SEATED
    ).select_related("user", "user__organisation", "seated_by")


def former_members(community, limit: int = 50):
    return (
        Membership.objects.filter(community=community, status__in=["left", "removed"])
        .select_related("user")
        .order_by("-ended_at")[:limit]
    )
