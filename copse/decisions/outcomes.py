"""The outcome rules, as pure functions of the positions that count.

Only the positions of people who may still answer when the proposal closes
count: someone who left mid-vote no longer decides for the community. Each
person has one position, their last (`Position` rows are updated in place).

- consent: passes unless a block stands;
- majority: passes when more of those who answered agree than disagree or
  block; abstentions are answers but count neither way;
- facilitator: no rule decides; a facilitator does, after the deadline.

With a quorum, fewer than half of those who may answer having answered
means it does not pass, whatever the rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CONSENT, MAJORITY, FACILITATOR = "consent", "majority", "facilitator"
STANCES = ("agree", "abstain", "disagree", "block")


@dataclass(frozen=True)
class Tally:
    agree: int = 0
    abstain: int = 0
    disagree: int = 0
    block: int = 0
    eligible: int = 0  # how many may answer

    @property
    def answered(self) -> int:
        return self.agree + self.abstain + self.disagree + self.block

    @property
    def waiting(self) -> int:
        return max(self.eligible - self.answered, 0)

    @property
    def quorum_met(self) -> bool:
        return self.answered * 2 >= self.eligible and self.eligible > 0


def tally(stances: Iterable[str], *, eligible: int) -> Tally:
    counts = dict.fromkeys(STANCES, 0)
    for stance in stances:
        if stance in counts:
            counts[stance] += 1
    return Tally(eligible=eligible, **counts)


@dataclass(frozen=True)
class Result:
    # True passed, False did not, None: a facilitator decides.
    passed: bool | None
    reason: str


def decide(rule: str, counts: Tally, *, quorum: bool) -> Result:
    if quorum and not counts.quorum_met:
        return Result(
            False,
            f"Fewer than half the members answered ({counts.answered} of {counts.eligible}).",
        )
    if rule == CONSENT:
        if counts.block:
            return Result(False, f"A block stood ({counts.block}).")
        return Result(True, f"No block stood ({_summary(counts)}).")
    if rule == MAJORITY:
        against = counts.disagree + counts.block
        if counts.agree > against:
            return Result(True, f"A majority agreed ({_summary(counts)}).")
        return Result(False, f"No majority agreed ({_summary(counts)}).")
    return Result(None, f"A facilitator decides, having heard everyone ({_summary(counts)}).")


def _summary(counts: Tally) -> str:
    return (
        f"{counts.agree} agree, {counts.abstain} abstain, {counts.disagree} disagree, "
        f"{counts.block} block, of {counts.eligible}"
    )
