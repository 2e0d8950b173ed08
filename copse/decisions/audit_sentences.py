"""How decisions read in the audit log."""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import Ref, register

PROPOSAL = Ref(
    "decisions.Proposal",
    key="proposal",
    permission="proposal.read",
    hidden=_("a proposal"),
    name=lambda proposal: f"“{proposal.title}”",
)
POLL = Ref(
    "decisions.DatePoll",
    key="poll",
    permission="poll.read",
    hidden=_("a date poll"),
    name=lambda poll: f"“{poll.title}”",
)
# How a proposal closed ("closed: passed").
CLOSED_AS = {
    "awaiting": pgettext_lazy("audit: proposal", "waiting for a facilitator's decision"),
    "passed": pgettext_lazy("audit: proposal", "passed"),
    "not_passed": pgettext_lazy("audit: proposal", "did not pass"),
    "withdrawn": pgettext_lazy("audit: proposal", "withdrawn"),
}
# A member's answer to a proposal.
STANCES = {
    "agree": pgettext_lazy("audit: stance", "agree"),
    "abstain": pgettext_lazy("audit: stance", "abstain"),
    "disagree": pgettext_lazy("audit: stance", "disagree"),
    "block": pgettext_lazy("audit: stance", "block"),
}

register("proposal.opened", _("{actor} proposed {proposal}"), proposal=PROPOSAL)
register("proposal.revised", _("{actor} revised {proposal}"), proposal=PROPOSAL)
register("proposal.withdrawn", _("{actor} withdrew {proposal}"), proposal=PROPOSAL)
register(
    "proposal.nudged", _("{actor} reminded the members to answer {proposal}"), proposal=PROPOSAL
)
register(
    "proposal.closed",
    _("{proposal} closed: {status}"),
    proposal=PROPOSAL,
    words={"status": CLOSED_AS},
)
register(
    "proposal.outcome_written", _("{actor} wrote the outcome of {proposal}"), proposal=PROPOSAL
)
register(
    "proposal.nomination_accepted",
    _("{actor} accepted the nomination in {proposal}"),
    proposal=PROPOSAL,
)
register(
    "proposal.nomination_declined",
    _("{actor} declined the nomination in {proposal}"),
    proposal=PROPOSAL,
)
register("poll.opened", _("{actor} asked when to meet in {poll}"), poll=POLL)
register("poll.decided", _("{actor} chose a date in {poll}"), poll=POLL)
register("poll.closed", _("{actor} closed {poll}"), poll=POLL)

register(
    "proposal.position_taken",
    _("{actor} answered {proposal}: {stance}"),
    proposal=PROPOSAL,
    words={"stance": STANCES},
)
register(
    "proposal.block_withdrawn",
    _("{actor} withdrew their block on {proposal} and now answers {stance}"),
    proposal=PROPOSAL,
    words={"stance": STANCES},
)

AMENDMENT = Ref(
    "decisions.Amendment",
    key="amendment",
    permission="amendment.read",
    hidden=_("an amendment"),
    name=lambda amendment: (
        gettext("the amendment to “%(section)s”")
        % {"section": amendment.section or gettext("the norms")}
    ),
    link=False,
)
register("amendment.proposed", _("{actor} proposed {amendment}"), amendment=AMENDMENT)
register("amendment.withdrawn", _("{actor} withdrew {amendment}"), amendment=AMENDMENT)
register(
    "amendment.adopted",
    _("{actor} adopted {amendment}, making version {version} of the norms"),
    amendment=AMENDMENT,
)

NOMINATION = Ref(
    "decisions.PeerNomination",
    key="nomination",
    permission="nomination.read",
    hidden=_("a person"),
    name=lambda nomination: nomination.name,
    link=False,
)
register("nomination.made", _("{actor} nominated {nomination} to join"), nomination=NOMINATION)
register(
    "nomination.invited",
    _("{actor} invited {nomination}, as members nominated"),
    nomination=NOMINATION,
)
register(
    "nomination.declined",
    _("{actor} declined the nomination of {nomination}"),
    nomination=NOMINATION,
)
register(
    "nomination.withdrawn",
    _("{actor} withdrew the nomination of {nomination}"),
    nomination=NOMINATION,
)

COMMUNITY_PROPOSAL = Ref(
    "decisions.CommunityProposal",
    key="community_proposal",
    permission="community_proposal.view",
    hidden=_("a new community"),
    name=lambda proposal: f"“{proposal.name}”",
    related=(),
)
register(
    "community_proposal.made",
    _("{actor} proposed a new community, {community_proposal}"),
    community_proposal=COMMUNITY_PROPOSAL,
)
register(
    "community_proposal.approved",
    _("{actor} approved the new community {community_proposal}"),
    community_proposal=COMMUNITY_PROPOSAL,
)
register(
    "community_proposal.declined",
    _("{actor} declined the new community {community_proposal}"),
    community_proposal=COMMUNITY_PROPOSAL,
)
register(
    "community_proposal.withdrawn",
    _("{actor} withdrew their proposal of a new community, {community_proposal}"),
    community_proposal=COMMUNITY_PROPOSAL,
)
