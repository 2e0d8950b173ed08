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
