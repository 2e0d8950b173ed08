"""Reads for the facilitator's members page. Callers check community.manage first."""

from django.utils.translation import gettext

from copse.core import permissions
from copse.memberships.models import Invitation, Membership


def open_invitations(community):
    """Invitations that still give something (expired ones give nothing)."""
    return (
        Invitation.objects.usable()
        .filter(community=community)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def guest_presenters(community):
    return Membership.objects.filter(
        community=community, role=Membership.Role.GUEST_PRESENTER, status__in=Membership.SEATED
    ).select_related("user", "user__organisation", "seated_by")


def former_members(viewer, community, limit: int = 50) -> list:
    """Who left or was removed, newest first. Each row's `shown_reason` is the
    reason written when it ended, for those the `community.read_reasons` rule
    lets read it (not site admins of a members or confidential community)."""
    rows = list(
        Membership.objects.filter(community=community, status__in=["left", "removed"])
        .select_related("user")
        .order_by("-ended_at")[:limit]
    )
    from copse.memberships.services import DELEGATE_ENDED

    may_read = permissions.can(viewer, "community.read_reasons", community)
    for row in rows:
        reason = gettext(DELEGATE_ENDED) if row.end_reason == DELEGATE_ENDED else row.end_reason
        row.shown_reason = reason if may_read else ""
    return rows
