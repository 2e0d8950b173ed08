"""Saves of one section at the same moment, each from its own connection as
separate web processes would: exactly one wins, every other writer gets 409
with their text back, and the history holds one revision (SQLite and
PostgreSQL alike)."""

import pytest
from django.test import Client
from django.urls import reverse

from copse import testing
from copse.memberships.tests.test_concurrency import _in_parallel
from copse.projects import services
from copse.projects.models import Section, SectionRevision


@pytest.mark.django_db(transaction=True)
def test_parallel_saves_on_the_same_revision_keep_one_and_give_the_rest_back():
    community = testing.make_community(visibility="members")
    people = [testing.make_user() for _ in range(6)]
    for person in people:
        testing.seat(community, person)
    project = services.start_project(
        actor=people[0], community=community, title="Runbook", section_titles=["Steps"]
    )
    section = project.sections.get()
    url = reverse("projects:edit_section", args=[community.slug, project.pk, section.pk])

    def save(n):
        def run():
            client = Client()
            client.force_login(people[n])
            response = client.post(url, {"body": f"Steps by writer {n}", "based_on": "0"})
            kept = f"Steps by writer {n}" in response.content.decode()
            return response.status_code, kept

        return run

    results, errors = _in_parallel([save(n) for n in range(len(people))])
    assert not errors, errors
    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [409] * (len(people) - 1)
    # Every refused writer saw their own words again.
    assert all(kept for status, kept in results if status == 409)
    assert SectionRevision.objects.filter(section=section).count() == 1
    assert Section.objects.get(pk=section.pk).revision == 1
