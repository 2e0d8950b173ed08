"""Demo proposals: one open in each demo community, made and answered
through the services, so the Decisions pages and the homes' "Waiting for
your answer" show what members did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class ProposalSpec:
    community: str
    title: str
    body: str
    rule: str
    days_left: int
    # Stances of the next voters after the proposer, in order; a block needs a reason.
    positions: tuple[tuple[str, str], ...]


PROPOSALS = (
    ProposalSpec(
        "sv-cio-cop",
        "Meet quarterly in person, monthly online",
        "Travel takes most of a day for half of us. Let us meet **in person once a quarter**, "
        "hosted in turn by a member company, and for ninety minutes online in the months "
        "between.\n\nThe in-person meetings keep the site visits; the online ones keep the "
        "round of updates.",
        "consent",
        5,
        (
            ("agree", "Saves me a day a month."),
            (
                "block",
                "Site visits are why I joined; quarterly halves them. Could the online "
                "months include a virtual tour?",
            ),
            ("abstain", ""),
        ),
    ),
    ProposalSpec(
        "sv-ao-cop",
        "Invite vendors to one side meeting a year",
        "Vendors are never invited to our meetings. Some of us want one side meeting a year "
        "where a vendor presents a roadmap and we ask the hard questions together.",
        "majority",
        8,
        (("disagree", "Our norms keep vendors out for a reason."), ("agree", "")),
    ),
    ProposalSpec(
        "administrators-cop",
        "Share our staffing ratios with the state association",
        "The state association asked for anonymised staffing ratios. Shall we send ours, "
        "aggregated so no district can be recognised?",
        "consent",
        6,
        (("agree", "Aggregated is fine."),),
    ),
    ProposalSpec(
        "instructional-design",
        "Review each other's course outlines before launch",
        "Pair up each term: before a course launches, a peer reviews its outline against "
        "our checklist.",
        "majority",
        10,
        (("agree", ""), ("agree", "Happy to pair with a newcomer.")),
    ),
)


def load_proposals(loader) -> None:
    from copse.communities.models import Community
    from copse.core import permissions
    from copse.decisions import services
    from copse.decisions.models import Proposal

    for spec in PROPOSALS:
        community = Community.objects.filter(slug=spec.community).first()
        if community is None or Proposal.objects.filter(community=community).exists():
            continue
        people = [m.user for m in services.voters(community).select_related("user").order_by("pk")]
        for person in people:
            permissions.forget_standings(person)
        proposers = [
            p
            for p in people
            if permissions.can(p, "community.propose", community)
            and not permissions.standing(p, community).is_facilitator
        ]
        if not proposers:
            continue
        proposer = proposers[0]
        proposal = services.create_proposal(
            actor=proposer,
            community=community,
            title=spec.title,
            body=spec.body,
            rule=spec.rule,
            deadline=loader.now + timedelta(days=spec.days_left),
        )
        loader._count("proposals")
        others = [p for p in people if p != proposer]
        for person, (stance, reason) in zip(others, spec.positions, strict=False):
            services.take_position(actor=person, proposal=proposal, stance=stance, reason=reason)
            if stance == "block":
                position = proposal.positions.get(user=person)
                services.reply_to_position(
                    actor=proposer,
                    position=position,
                    body="Good point: the online months could host a short virtual tour.",
                )
