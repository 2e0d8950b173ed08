"""Answers sent at the same moment, on SQLite and PostgreSQL: one person
sending the form from several tabs at once keeps one answer, and many
people answering at once are all counted, one row each.

Each thread has its own database connection, as separate web processes
would (real transactions: transactional_db).
"""

import pytest
from django.test import Client
from django.urls import reverse

from copse.memberships.tests.test_concurrency import _in_parallel
from copse.pulses.models import Pulse, PulseAnswer, Respondent
from copse.pulses.tests.conftest import make_circle, open_pulse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pulse_and_circle(transactional_db):
    circle = make_circle()
    return open_pulse(circle), circle


def _send(person, pulse, score):
    def post():
        client = Client()
        client.force_login(person)
        response = client.post(
            reverse("pulses:answer", args=[pulse.community.slug, pulse.pk]),
            {**{f"statement_{n}": str(score) for n in range(1, 6)}, "open_answer": f"tab {score}"},
        )
        return response.status_code, response.get("Location", "")

    return post


def test_the_same_person_answering_from_several_tabs_keeps_one_answer(pulse_and_circle):
    pulse, circle = pulse_and_circle
    person = circle.members[0]
    results, errors = _in_parallel([_send(person, pulse, score) for score in (1, 2, 3, 4, 5, 3)])
    assert not errors, errors
    # Every tab comes back to the pulse: one with thanks, the others with
    # "You have already answered".
    assert results == [(302, pulse.get_absolute_url())] * 6
    assert Respondent.objects.filter(pulse=pulse, user=person).count() == 1
    assert PulseAnswer.objects.filter(pulse=pulse).count() == 1
    assert Pulse.objects.get(pk=pulse.pk).respondent_count == 1


def test_many_people_answering_at_once_are_all_counted(pulse_and_circle):
    pulse, circle = pulse_and_circle
    people = circle.seated
    results, errors = _in_parallel(
        [_send(person, pulse, n % 5 + 1) for n, person in enumerate(people)]
    )
    assert not errors, errors
    assert [status for status, _ in results] == [302] * len(people)
    assert Respondent.objects.filter(pulse=pulse).count() == len(people)
    assert PulseAnswer.objects.filter(pulse=pulse).count() == len(people)
    assert Pulse.objects.get(pk=pulse.pk).respondent_count == len(people)
