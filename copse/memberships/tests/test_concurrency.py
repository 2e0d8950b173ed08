"""Caps hold when many people join at the same moment, on SQLite and PostgreSQL.

Each thread is a separate client with its own database connection, as separate
web processes would be. These tests use real transactions (transactional_db).
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from copse import testing
from copse.memberships.models import Membership


def _in_parallel(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def _join_as(user, community):
    def join():
        client = Client()
        client.force_login(user)
        response = client.post(
            reverse("memberships:join", args=[community.slug]), {"norms_version": 0, "accept": "on"}
        )
        return response.status_code

    return join


@pytest.mark.django_db(transaction=True)
def test_hard_size_cap_holds_under_parallel_joins():
    community = testing.make_community(visibility="open", join_policy="open", size_cap=5)
    people = [testing.make_user() for _ in range(12)]
    statuses, errors = _in_parallel([_join_as(p, community) for p in people])
    assert not errors, errors
    assert sorted(statuses).count(302) == 5
    assert statuses.count(409) == 7
    seated = Membership.objects.filter(community=community, status="active").count()
    assert seated == 5
    community.refresh_from_db()
    assert community.member_count == 5


@pytest.mark.django_db(transaction=True)
def test_per_organisation_cap_holds_under_parallel_joins():
    community = testing.make_community(
        visibility="open", join_policy="open", per_organisation_cap=2
    )
    contoso = testing.make_organisation("Contoso")
    people = [testing.make_user(organisation=contoso) for _ in range(8)]
    statuses, errors = _in_parallel([_join_as(p, community) for p in people])
    assert not errors, errors
    assert statuses.count(302) == 2
    assert Membership.objects.filter(community=community, organisation=contoso).count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_never_see_database_is_locked():
    """SQLite in WAL with IMMEDIATE transactions queues writers on busy_timeout;
    on PostgreSQL the same test shows row locks keep counts right."""
    from copse.audit.services import record
    from copse.memberships import services

    community = testing.make_community(visibility="open", join_policy="open")
    people = [testing.make_user() for _ in range(20)]

    def writer(person):
        def write():
            for round_number in range(5):
                record(actor=person, action="test.write", community=community, round=round_number)
            services.join_community(actor=person, community=community, accepted_norms_version=0)
            services.set_on_leave(actor=person, community=community, on_leave=True)
            return True

        return write

    results, errors = _in_parallel([writer(p) for p in people])
    assert not errors, errors
    assert all(results)
    assert Membership.objects.filter(community=community, status="on_leave").count() == 20
    community.refresh_from_db()
    assert community.member_count == 20
