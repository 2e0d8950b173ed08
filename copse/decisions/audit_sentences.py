"""How decisions read in the audit log."""

from copse.audit.sentences import Ref, register

PROPOSAL = Ref(
    "decisions.Proposal",
    key="proposal",
    permission="proposal.read",
    hidden="a proposal",
    name=lambda proposal: f"“{proposal.title}”",
)
POLL = Ref(
    "decisions.DatePoll",
    key="poll",
    permission="poll.read",
    hidden="a date poll",
    name=lambda poll: f"“{poll.title}”",
)

register("proposal.opened", "{actor} proposed {proposal}", proposal=PROPOSAL)
register("proposal.revised", "{actor} revised {proposal}", proposal=PROPOSAL)
register("proposal.withdrawn", "{actor} withdrew {proposal}", proposal=PROPOSAL)
register("proposal.nudged", "{actor} reminded the members to answer {proposal}", proposal=PROPOSAL)
register("proposal.closed", "{proposal} closed: {status}", proposal=PROPOSAL)
register("proposal.outcome_written", "{actor} wrote the outcome of {proposal}", proposal=PROPOSAL)
register(
    "proposal.nomination_accepted",
    "{actor} accepted the nomination in {proposal}",
    proposal=PROPOSAL,
)
register(
    "proposal.nomination_declined",
    "{actor} declined the nomination in {proposal}",
    proposal=PROPOSAL,
)
register("poll.opened", "{actor} asked when to meet in {poll}", poll=POLL)
register("poll.decided", "{actor} chose a date in {poll}", poll=POLL)
register("poll.closed", "{actor} closed {poll}", poll=POLL)

register(
    "proposal.position_taken",
    "{actor} answered {proposal}: {stance}",
    proposal=PROPOSAL,
)
register(
    "proposal.block_withdrawn",
    "{actor} withdrew their block on {proposal} and now answers {stance}",
    proposal=PROPOSAL,
)

AMENDMENT = Ref(
    "decisions.Amendment",
    key="amendment",
    permission="amendment.read",
    hidden="an amendment",
    name=lambda amendment: f"the amendment to “{amendment.section or 'the norms'}”",
    link=False,
)
register("amendment.proposed", "{actor} proposed {amendment}", amendment=AMENDMENT)
register("amendment.withdrawn", "{actor} withdrew {amendment}", amendment=AMENDMENT)
register(
    "amendment.adopted",
    "{actor} adopted {amendment}, making version {version} of the norms",
    amendment=AMENDMENT,
)

NOMINATION = Ref(
    "decisions.PeerNomination",
    key="nomination",
    permission="nomination.read",
    hidden="a person",
    name=lambda nomination: nomination.name,
    link=False,
)
register("nomination.made", "{actor} nominated {nomination} to join", nomination=NOMINATION)
register(
    "nomination.invited",
    "{actor} invited {nomination}, as members nominated",
    nomination=NOMINATION,
)
register(
    "nomination.declined", "{actor} declined the nomination of {nomination}", nomination=NOMINATION
)
register(
    "nomination.withdrawn", "{actor} withdrew the nomination of {nomination}", nomination=NOMINATION
)

COMMUNITY_PROPOSAL = Ref(
    "decisions.CommunityProposal",
    key="community_proposal",
    permission="community_proposal.view",
    hidden="a new community",
    name=lambda proposal: f"“{proposal.name}”",
    related=(),
)
register(
    "community_proposal.made",
    "{actor} proposed a new community, {community_proposal}",
    community_proposal=COMMUNITY_PROPOSAL,
)
register(
    "community_proposal.approved",
    "{actor} approved the new community {community_proposal}",
    community_proposal=COMMUNITY_PROPOSAL,
)
register(
    "community_proposal.declined",
    "{actor} declined the new community {community_proposal}",
    community_proposal=COMMUNITY_PROPOSAL,
)
register(
    "community_proposal.withdrawn",
    "{actor} withdrew their proposal of a new community, {community_proposal}",
    community_proposal=COMMUNITY_PROPOSAL,
)
