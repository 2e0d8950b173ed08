"""Facilitators asking at the same moment, on SQLite and PostgreSQL: one
export of a community is made at a time, however many ask at once (the
database's unique constraint decides, not a check before the write).

Each thread has its own database connection, as separate web processes
would (real transactions). The queue only keeps the work here, so that
the race is about asking, not about making.
"""

import pytest
from django.test import Client
from django.urls import reverse

from copse import testing
from copse.exports.models import Export
from copse.memberships.tests.test_concurrency import _in_parallel

pytestmark = pytest.mark.django_db(transaction=True)

KEEP_IN_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _ask(person, url):
    def post():
        client = Client()
        client.force_login(person)
        return client.post(url).status_code

    return post


def test_six_facilitators_asking_at_once_start_one_export(settings):
    settings.TASKS = KEEP_IN_QUEUE
    community = testing.make_community(slug="race", visibility="confidential")
    facilitators = [testing.make_user(name=f"Facilitator {n}") for n in range(6)]
    for person in facilitators:
        testing.seat(community, person, role="facilitator")
    url = reverse("exports:community_new", args=[community.slug])
    results, errors = _in_parallel([_ask(person, url) for person in facilitators])
    assert not errors, errors
    assert sorted(results) == [302] + [409] * 5
    assert Export.objects.filter(community=community).count() == 1


def test_one_person_asking_from_several_tabs_starts_one_copy(settings):
    settings.TASKS = KEEP_IN_QUEUE
    person = testing.make_user(name="Dev Tabs")
    url = reverse("exports:personal_new")
    results, errors = _in_parallel([_ask(person, url) for _ in range(4)])
    assert not errors, errors
    assert sorted(results) == [302] + [409] * 3
    assert Export.objects.filter(requested_by=person).count() == 1
