"""A join request the members of the A/O CoP decided, through the services:
Dana Whitaker asked, the members answered her admission proposal, it passed
at its deadline, the facilitator wrote the outcome, and she is a member."""

from __future__ import annotations

from datetime import timedelta

COMMUNITY = "sv-ao-cop"
REQUESTER = "dana.whitaker@wideworldimporters.example"
NOTE = (
    "I run the warehouse and customs applications at Wide World Importers. James, our CIO, "
    "says your side meetings on cut-overs are the most useful thing he hears about. We would "
    "be the first from Wide World in the A/O CoP."
)
# (who, stance, reason)
POSITIONS = (
    ("irene.castillo@woodgrove.example", "agree", ""),
    ("ana@fabrikam.example", "agree", "Warehouse systems are a gap in our group."),
    ("kofi.boateng@woodgrove.example", "agree", ""),
    ("claire.dubois@litware.example", "agree", "Welcome; come to the M&A afternoon."),
    ("peter.lindqvist@proseware.example", "abstain", "I have not met her yet; no objection."),
)
OUTCOME = (
    "Dana is admitted: no block, four agreed and one abstained. Wide World Importers had no "
    "one in the CoP, and warehouse applications were a gap. Welcome, Dana."
)
ASKED_DAYS_AGO = 40


def load_admissions(loader) -> None:
    from copse.communities.models import Community
    from copse.decisions import services
    from copse.decisions.models import Position, Proposal
    from copse.memberships.models import JoinRequest, Membership
    from copse.memberships.services import request_to_join

    community = Community.objects.filter(slug=COMMUNITY).first()
    dana = loader.people.get(REQUESTER)
    if community is None or dana is None:
        return
    if JoinRequest.objects.filter(community=community, user=dana).exists():
        return
    if Membership.objects.filter(community=community, user=dana).exists():
        return
    join_request = request_to_join(actor=dana, community=community, note=NOTE)
    proposal = Proposal.objects.get(join_request=join_request)
    for email, stance, reason in POSITIONS:
        services.take_position(
            actor=loader.people[email], proposal=proposal, stance=stance, reason=reason
        )
    closed = services.close_if_due(proposal.pk, now=proposal.deadline + timedelta(minutes=1))
    services.write_outcome(
        actor=loader.people["irene.castillo@woodgrove.example"],
        proposal=closed,
        outcome=OUTCOME,
        review_on=None,
    )
    # Back to when it happened: asked forty days ago, decided a week later.
    asked = loader.now - timedelta(days=ASKED_DAYS_AGO)
    decided = asked + (proposal.deadline - proposal.created_at) + timedelta(minutes=1)
    JoinRequest.objects.filter(pk=join_request.pk).update(created_at=asked, decided_at=decided)
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=asked,
        deadline=decided - timedelta(minutes=1),
        closed_at=decided,
        applied_at=decided,
        outcome_at=decided + timedelta(hours=3),
    )
    answered = asked + timedelta(days=1)
    Position.objects.filter(proposal=proposal).update(created_at=answered, updated_at=answered)
    Membership.objects.filter(community=community, user=dana).update(joined_at=decided)
    loader._count("admissions decided by the members")
