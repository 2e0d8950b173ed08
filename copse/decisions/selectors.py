"""Reading decisions, always through the permission core."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from copse.core import cursors, permissions
from copse.decisions import outcomes
from copse.decisions.models import Position, PositionReply, Proposal
from copse.decisions.voters import voters
from copse.memberships.models import Membership

PAGE_SIZE = 20


def proposal_for(viewer, community, proposal_id: int, action: str = "proposal.read") -> Proposal:
    """The proposal, or 404 when the viewer may not `action` it or it is elsewhere."""
    proposal = (
        Proposal.objects.select_related("community", "proposed_by", "outcome_by", "nominee")
        .filter(pk=proposal_id, community=community)
        .first()
    )
    if proposal is None:
        raise Http404
    proposal.community = community  # the instance whose standings are cached
    permissions.require_or_404(viewer, action, proposal)
    return proposal


def proposal_by_id_for(viewer, proposal_id: int) -> Proposal | None:
    """The proposal wherever it lives, with its community and people, or None
    when it is missing or `viewer` may not read it (the API addresses
    proposals by id alone)."""
    proposal = (
        Proposal.objects.select_related("community", "proposed_by", "outcome_by", "nominee")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or not permissions.can(viewer, "proposal.read", proposal):
        return None
    return proposal


def _visible(viewer, community):
    proposals = Proposal.objects.filter(community=community)
    if not permissions.standing(viewer, community).is_seated:
        proposals = proposals.exclude(kind=Proposal.Kind.ADMISSION)
    return proposals


@dataclass
class ProposalPage:
    rows: list
    next_cursor: str
    state: str


def proposal_list(viewer, community, *, state: str = "open", after: str = "") -> ProposalPage:
    """Open (or decided) proposals, newest first, a page at a time (keyset)."""
    proposals = _visible(viewer, community)
    if state == "decided":
        proposals = proposals.exclude(status=Proposal.Status.OPEN)
    else:
        state = "open"
        proposals = proposals.filter(status=Proposal.Status.OPEN)
    key = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if key is not None:
        at, pk = key
        proposals = proposals.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    mine = Position.objects.filter(proposal=OuterRef("pk"), user_id=viewer.pk or 0)
    rows = list(
        proposals.select_related("proposed_by")
        .annotate(
            answered=Count("positions", distinct=True),
            blocks=Count("positions", filter=Q(positions__stance="block"), distinct=True),
            answered_by_me=Exists(mine),
        )
        .order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
    )
    for row in rows:
        # Its link needs the slug: the community already loaded, not one query a row.
        row.community = community
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = f"{last.created_at.isoformat()}|{last.pk}"
    return ProposalPage(rows=rows, next_cursor=next_cursor, state=state)


def waiting_for_answer(viewer, communities=None):
    """Open proposals the viewer may answer and has not: for the community's
    home and Home. One query whatever the number of communities."""
    if not getattr(viewer, "is_authenticated", False):
        return Proposal.objects.none()
    contributing = Membership.objects.filter(
        user=viewer, status="active", role__in=("member", "facilitator")
    ).values("community_id")
    proposals = Proposal.objects.filter(
        status=Proposal.Status.OPEN,
        community_id__in=contributing,
        deadline__gt=timezone.now(),
    ).exclude(Exists(Position.objects.filter(proposal=OuterRef("pk"), user=viewer)))
    if communities is not None:
        proposals = proposals.filter(community__in=communities)
    return proposals.select_related("community").order_by("deadline", "pk")


@dataclass
class ProposalView:
    proposal: Proposal
    positions: list
    waiting: list
    tally: outcomes.Tally
    mine: Position | None
    revisions: list
    former_ids: set
    # What the rule would say were it to close now (None: a facilitator decides).
    as_it_stands: outcomes.Result


def proposal_view(viewer, proposal: Proposal) -> ProposalView:
    """Everything the proposal page shows, in a fixed number of queries."""
    community = proposal.community
    voter_rows = list(voters(community).select_related("user", "user__organisation"))
    voter_ids = {m.user_id for m in voter_rows}
    positions = list(
        Position.objects.filter(proposal=proposal)
        .select_related("user", "user__organisation")
        .prefetch_related(
            Prefetch("replies", queryset=PositionReply.objects.select_related("author"))
        )
        .order_by(
            # Blocks first: they are what the others must answer.
            "-stance",
            "created_at",
        )
    )
    positions.sort(key=lambda p: (p.stance != "block", p.created_at))
    answered = {p.user_id for p in positions}
    counted = [p.stance for p in positions if p.user_id in voter_ids]
    counts = outcomes.tally(counted, eligible=len(voter_rows))
    return ProposalView(
        proposal=proposal,
        positions=positions,
        waiting=[m for m in voter_rows if m.user_id not in answered],
        tally=counts,
        mine=next((p for p in positions if p.user_id == getattr(viewer, "pk", None)), None),
        revisions=list(proposal.revisions.select_related("revised_by")),
        former_ids={p.user_id for p in positions if p.user_id not in voter_ids},
        as_it_stands=outcomes.decide(proposal.rule, counts, quorum=proposal.quorum),
    )
