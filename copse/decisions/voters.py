"""Who may answer a proposal or a date poll, and where the answers stand.

Read by the services, the pages and the background tasks alike, so it sits
below all of them and enqueues nothing.
"""

from __future__ import annotations

from copse.communities.models import Community
from copse.core import permissions
from copse.decisions import outcomes
from copse.decisions.models import Position, Proposal
from copse.memberships.models import Membership


def voters(community: Community):
    """Who may answer a proposal: active members and facilitators of an
    active account. The same people `proposal.answer` lets in."""
    return Membership.objects.filter(
        community=community,
        status=Membership.Status.ACTIVE,
        role__in=(Membership.Role.MEMBER, Membership.Role.FACILITATOR),
        user__is_active=True,
    )


def waiting_for(proposal: Proposal):
    """The voters who have not answered yet."""
    return voters(proposal.community).exclude(
        user__in=Position.objects.filter(proposal=proposal).values("user")
    )


def positions_that_count(proposal: Proposal):
    """The positions of people who may still answer: whoever left mid-vote
    no longer decides."""
    return Position.objects.filter(
        proposal=proposal, user__in=voters(proposal.community).values("user")
    )


def current_tally(proposal: Proposal) -> outcomes.Tally:
    stances = positions_that_count(proposal).values_list("stance", flat=True)
    return outcomes.tally(stances, eligible=voters(proposal.community).count())


def poll_voters(community):
    """Who may answer a date poll: the active seated of an active account,
    delegates included (they go to meetings in their principal's place).
    The same people `poll.answer` lets in."""
    return Membership.objects.filter(
        community=community,
        status=Membership.Status.ACTIVE,
        role__in=permissions.READING_ROLES,
        user__is_active=True,
    )
