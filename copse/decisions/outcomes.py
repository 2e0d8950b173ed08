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

The reason is kept on the proposal as written here, in English, the same
for everyone; `in_language` reads it back in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

# Why a proposal ended as it did, as kept in `Proposal.result`.
FEWER_ANSWERED = gettext_noop(
    "Fewer than half the members answered (%(answered)s of %(eligible)s)."
)
BLOCK_STOOD = gettext_noop("A block stood (%(block)s).")
NO_BLOCK_STOOD = gettext_noop("No block stood (%(summary)s).")
MAJORITY_AGREED = gettext_noop("A majority agreed (%(summary)s).")
NO_MAJORITY_AGREED = gettext_noop("No majority agreed (%(summary)s).")
FACILITATOR_DECIDES = gettext_noop("A facilitator decides, having heard everyone (%(summary)s).")
WITHDRAWN = gettext_noop("Withdrawn before the deadline.")
DECIDED_BY = gettext_noop("Decided by %(name)s after hearing everyone.")
SUMMARY = gettext_noop(
    "%(agree)s agree, %(abstain)s abstain, %(disagree)s disagree, %(block)s block, of %(eligible)s"
)
REASONS = (
    FEWER_ANSWERED,
    BLOCK_STOOD,
    NO_BLOCK_STOOD,
    MAJORITY_AGREED,
    NO_MAJORITY_AGREED,
    FACILITATOR_DECIDES,
    WITHDRAWN,
    DECIDED_BY,
)

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
            False, FEWER_ANSWERED % {"answered": counts.answered, "eligible": counts.eligible}
        )
    summary = {"summary": _summary(counts)}
    if rule == CONSENT:
        if counts.block:
            return Result(False, BLOCK_STOOD % {"block": counts.block})
        return Result(True, NO_BLOCK_STOOD % summary)
    if rule == MAJORITY:
        against = counts.disagree + counts.block
        if counts.agree > against:
            return Result(True, MAJORITY_AGREED % summary)
        return Result(False, NO_MAJORITY_AGREED % summary)
    return Result(None, FACILITATOR_DECIDES % summary)


def _summary(counts: Tally) -> str:
    return SUMMARY % {
        "agree": counts.agree,
        "abstain": counts.abstain,
        "disagree": counts.disagree,
        "block": counts.block,
        "eligible": counts.eligible,
    }


def _pattern(template: str) -> re.Pattern:
    """A kept reason's English words, with each placeholder a group."""
    parts = re.split(r"%\((\w+)\)s", template)
    return re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
        ),
        re.DOTALL,
    )


_PATTERNS = [(template, _pattern(template)) for template in REASONS]
_SUMMARY = _pattern(SUMMARY)


def in_language(result: str) -> str:
    """A reason kept on a proposal (`decide`, a withdrawal, a facilitator's
    decision), in the language of the moment; anything else as it is."""
    for template, pattern in _PATTERNS:
        found = pattern.fullmatch(result or "")
        if found is None:
            continue
        values = found.groupdict()
        if "summary" in values:
            summary = _SUMMARY.fullmatch(values["summary"])
            if summary is None:
                return result
            values["summary"] = gettext(SUMMARY) % summary.groupdict()
        return gettext(template) % values
    return result
