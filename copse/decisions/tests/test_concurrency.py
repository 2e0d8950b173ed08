"""Positions saved at the same moment, on SQLite and PostgreSQL: each person
keeps one position, nobody's is lost, and an answer racing the closing at the
deadline is either counted before the proposal closes or refused after it,
never saved on a closed proposal.

Each thread has its own database connection, as separate web processes and
the worker would (real transactions: transactional_db).
"""

import datetime as dt
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.accounts.models import User
from copse.decisions import services
from copse.decisions.models import Position, Proposal
from copse.memberships.tests.test_concurrency import _in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def question(transactional_db):
    community = testing.make_community(visibility="members")
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    people = [testing.make_user() for _ in range(8)]
    for person in people:
        testing.seat(community, person)
    proposal = services.create_proposal(
        actor=facilitator,
        community=community,
        title="Meet quarterly in person",
        body="Monthly online, quarterly in person, hosted in turn.",
        deadline=timezone.now() + dt.timedelta(days=2),
    )
    return community, people, proposal


def _post_position(user, proposal, stance, reason=""):
    def post():
        client = Client()
        client.force_login(user)
        response = client.post(
            reverse("decisions:position", args=[proposal.community.slug, proposal.pk]),
            {"stance": stance, "reason": reason},
        )
        return response.status_code

    return post


def test_positions_saved_at_once_are_all_kept_one_row_each(question):
    community, people, proposal = question
    stances = ["agree", "disagree", "abstain", "block"] * 2
    statuses, errors = _in_parallel(
        [
            _post_position(person, proposal, stance, reason="Travel is hard for us.")
            for person, stance in zip(people, stances, strict=True)
        ]
    )
    assert not errors, errors
    assert statuses == [302] * len(people)
    saved = dict(Position.objects.filter(proposal=proposal).values_list("user_id", "stance"))
    assert saved == {person.pk: stance for person, stance in zip(people, stances, strict=True)}


def test_the_same_person_answering_from_several_tabs_keeps_one_position(question):
    community, people, proposal = question
    person = people[0]
    tried = ["agree", "disagree", "abstain", "agree", "disagree", "abstain"]
    statuses, errors = _in_parallel([_post_position(person, proposal, s) for s in tried])
    assert not errors, errors
    assert statuses == [302] * len(tried)
    rows = Position.objects.filter(proposal=proposal, user=person)
    assert rows.count() == 1
    assert rows.get().stance in tried


def _numbers(result: str) -> dict:
    found = re.search(r"(\d+) agree, (\d+) abstain, (\d+) disagree, (\d+) block", result)
    assert found, result
    return dict(zip(("agree", "abstain", "disagree", "block"), map(int, found.groups())))


def test_closing_at_the_deadline_while_people_answer_counts_or_refuses_each_answer(question):
    community, people, proposal = question
    # The test moves the deadline close, so the closing and the answers race.
    deadline = timezone.now() + dt.timedelta(seconds=1.5)
    Proposal.objects.filter(pk=proposal.pk).update(deadline=deadline)
    last_saved: dict[int, str] = {}
    refused_after_closing = []

    def answerer(person_id, stances):
        def run():
            user = User.objects.get(pk=person_id)
            fresh = Proposal.objects.get(pk=proposal.pk)
            for n in range(10_000):
                stance = stances[n % len(stances)]
                try:
                    services.take_position(actor=user, proposal=fresh, stance=stance)
                except services.ProposalError as error:
                    assert "has closed" in error.message
                    refused_after_closing.append(person_id)
                    return n
                last_saved[person_id] = stance
            return n

        return run

    def closer():
        while timezone.now() < deadline:
            time.sleep(0.02)
        while True:
            closed = services.close_if_due(proposal.pk)
            if closed is not None:
                return closed.status
            time.sleep(0.01)

    answers = [
        answerer(person.pk, ["agree", "disagree"] if n % 2 else ["disagree", "agree", "abstain"])
        for n, person in enumerate(people[:4])
    ]
    results, errors = _in_parallel([*answers, closer])
    assert not errors, errors
    assert results[-1] in ("passed", "not_passed")
    assert sorted(refused_after_closing) == sorted(p.pk for p in people[:4])

    proposal.refresh_from_db()
    rows = list(Position.objects.filter(proposal=proposal))
    # What is stored is each person's last accepted answer, and nothing was
    # written after the proposal closed.
    assert {row.user_id: row.stance for row in rows} == last_saved
    assert all(row.updated_at <= proposal.closed_at for row in rows)
    # The closing counted exactly what is stored.
    counted = _numbers(proposal.result)
    for stance in ("agree", "abstain", "disagree", "block"):
        assert counted[stance] == sum(1 for row in rows if row.stance == stance)
