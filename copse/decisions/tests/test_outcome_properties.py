"""The outcome rules as properties, stated from the rules members are told
(PRODUCT: consent passes unless a block stands; a majority of those who
answered; a quorum of half the members), not from the code that applies them.

The first half checks `outcomes` as pure functions; the second plays random
sequences of positions, changes of mind, withdrawn blocks and departures
through the services on the real database, and compares the closed proposal
with what the rules say about each remaining person's last position.
"""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse import testing
from copse.core import permissions
from copse.decisions import outcomes, services, voters
from copse.decisions.models import Position
from copse.memberships import services as memberships

STANCES = ("agree", "abstain", "disagree", "block")

stance_lists = st.lists(st.sampled_from(STANCES), max_size=30)


def _counts(stances, extra_eligible=0):
    return outcomes.tally(stances, eligible=len(stances) + extra_eligible)


def _passed(rule, stances, *, extra_eligible=0, quorum=False):
    return outcomes.decide(rule, _counts(stances, extra_eligible), quorum=quorum).passed


# --- The rules as pure functions -------------------------------------------------------


@given(stance_lists, st.integers(0, 30))
def test_under_consent_a_block_anywhere_means_it_does_not_pass(stances, silent):
    passed = _passed("consent", stances, extra_eligible=silent)
    assert passed is ("block" not in stances)


@given(stance_lists, st.sampled_from(("agree", "abstain", "disagree")), st.integers(0, 10))
def test_under_consent_anything_but_a_block_never_stops_it(stances, added, silent):
    before = _passed("consent", stances, extra_eligible=silent)
    after = _passed("consent", [*stances, added], extra_eligible=silent)
    assert after == before


@given(stance_lists, st.integers(0, 10))
def test_under_majority_one_more_agree_never_turns_a_pass_into_a_fail(stances, silent):
    if _passed("majority", stances, extra_eligible=silent):
        assert _passed("majority", [*stances, "agree"], extra_eligible=silent)


@given(stance_lists, st.sampled_from(("disagree", "block")), st.integers(0, 10))
def test_under_majority_one_more_against_never_turns_a_fail_into_a_pass(stances, added, silent):
    if not _passed("majority", stances, extra_eligible=silent):
        assert not _passed("majority", [*stances, added], extra_eligible=silent)


@given(stance_lists, st.integers(0, 10))
def test_under_majority_abstaining_changes_nothing(stances, silent):
    before = _passed("majority", stances, extra_eligible=silent)
    assert _passed("majority", [*stances, "abstain"], extra_eligible=silent) == before


@given(stance_lists)
def test_under_majority_it_passes_exactly_when_more_agree_than_not(stances):
    agree = stances.count("agree")
    against = stances.count("disagree") + stances.count("block")
    assert _passed("majority", stances) is (agree > against)


@given(stance_lists, st.integers(0, 10))
def test_under_majority_swapping_every_agree_and_disagree_cannot_pass_both_ways(stances, silent):
    swapped = [{"agree": "disagree", "disagree": "agree"}.get(s, s) for s in stances]
    both = _passed("majority", stances, extra_eligible=silent) and _passed(
        "majority", swapped, extra_eligible=silent
    )
    assert not both


@given(stance_lists, st.randoms(use_true_random=False))
def test_the_order_of_positions_does_not_matter(stances, random):
    shuffled = list(stances)
    random.shuffle(shuffled)
    for rule in ("consent", "majority", "facilitator"):
        assert _passed(rule, shuffled, extra_eligible=2, quorum=True) == _passed(
            rule, stances, extra_eligible=2, quorum=True
        )


@given(
    st.sampled_from(("consent", "majority", "facilitator")),
    st.lists(st.sampled_from(STANCES), min_size=0, max_size=20),
    st.integers(1, 40),
)
def test_with_a_quorum_fewer_than_half_answering_never_passes(rule, stances, silent):
    eligible = len(stances) + silent
    result = outcomes.decide(rule, _counts(stances, silent), quorum=True)
    if len(stances) * 2 < eligible:
        assert result.passed is False
    else:
        # Quorum met: the rule decides exactly as it would without a quorum.
        assert result == outcomes.decide(rule, _counts(stances, silent), quorum=False)


@given(stance_lists, st.integers(0, 10))
def test_under_the_facilitator_rule_no_count_decides(stances, silent):
    assert _passed("facilitator", stances, extra_eligible=silent) is None


@given(stance_lists, st.integers(0, 10))
def test_the_tally_adds_up(stances, silent):
    counts = _counts(stances, silent)
    assert counts.answered == len(stances)
    assert counts.waiting == silent
    assert counts.answered + counts.waiting == counts.eligible


# --- The same rules through the services, on the database ------------------------------

PEOPLE = 5  # one facilitator and four members; the first member proposes

# A step: (person, what they do). Person 0 is the facilitator, who stays.
steps = st.lists(
    st.tuples(
        st.integers(0, PEOPLE - 1),
        st.sampled_from((*STANCES, "withdraw_block", "leave")),
    ),
    max_size=14,
)


def _expected(rule, quorum, last, present):
    """What the rules say, from each present person's last position."""
    counted = [stance for person, stance in last.items() if person in present]
    answered, eligible = len(counted), len(present)
    if quorum and answered * 2 < eligible:
        return "not_passed"
    if rule == "facilitator":
        return "awaiting"
    if rule == "consent":
        return "not_passed" if "block" in counted else "passed"
    agree = counted.count("agree")
    return "passed" if agree > counted.count("disagree") + counted.count("block") else "not_passed"


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rule=st.sampled_from(("consent", "majority", "facilitator")), quorum=st.booleans(), plan=steps
)
def test_closing_counts_only_the_last_position_of_those_still_there(rule, quorum, plan):
    community = testing.make_community(visibility="members")
    people = [testing.make_user() for _ in range(PEOPLE)]
    testing.seat(community, people[0], role="facilitator")
    for person in people[1:]:
        testing.seat(community, person)
    proposal = services.create_proposal(
        actor=people[1],
        community=community,
        title="Meet quarterly in person",
        body="Monthly online, quarterly in person.",
        rule=rule,
        quorum=quorum,
        deadline=timezone.now() + dt.timedelta(days=3),
    )
    last: dict[int, str] = {}
    present = set(range(PEOPLE))
    for person, action in plan:
        user = people[person]
        if person not in present:
            # Gone: whatever they try is refused and changes nothing.
            if action in STANCES:
                with pytest.raises(services.NotAllowed):
                    services.take_position(
                        actor=user, proposal=proposal, stance=action, reason="Late word."
                    )
            continue
        if action == "leave":
            if person == 0:
                continue  # the facilitator stays, so someone can write the outcome
            memberships.leave(actor=user, community=community)
            # Their next request loads their standing afresh.
            permissions.forget_standings(user)
            present.discard(person)
        elif action == "withdraw_block":
            if last.get(person) == "block":
                services.withdraw_block(actor=user, proposal=proposal)
                last[person] = "abstain"
            else:
                with pytest.raises(services.ProposalError):
                    services.withdraw_block(actor=user, proposal=proposal)
        else:
            services.take_position(
                actor=user, proposal=proposal, stance=action, reason="Because of the budget."
            )
            last[person] = action

    # One row per person who ever answered, holding their last word.
    rows = dict(Position.objects.filter(proposal=proposal).values_list("user_id", "stance"))
    assert rows == {people[p].pk: stance for p, stance in last.items()}
    index = {user.pk: n for n, user in enumerate(people)}
    counting = {
        index[pk] for pk in voters.positions_that_count(proposal).values_list("user_id", flat=True)
    }
    assert counting == {p for p in last if p in present}

    closed = services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    assert closed.status == _expected(rule, quorum, last, present), closed.result
