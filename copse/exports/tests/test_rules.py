"""The permission core's export rules, for every role it knows: who may ask
for a community's export, who may read an export, and who may ask for their
own data. Asked of `can()` directly, so no page can hide a wrong answer."""

import pytest

from copse import testing
from copse.core import permissions
from copse.core.tests.authorization import ROLES, expected_for
from copse.exports.models import Export

#                                     an nm rq iv mb dl gp fc fm sa
EXPORT_ALL = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
# The facilitator's own export of the community.
READ_COMMUNITY_EXPORT = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
# The member's own copy of their data.
READ_PERSONAL_EXPORT = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
EXPORT_OWN_DATA = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]


@pytest.fixture
def exports(roles):
    community, people = roles
    made = Export.objects.create(
        kind="community", community=community, requested_by=people["facilitator"]
    )
    own = Export.objects.create(kind="personal", requested_by=people["member"])
    return community, people, made, own


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_answered_as_the_table_says(exports, role):
    community, people, made, own = exports
    user = people[role]
    assert permissions.can(user, "community.export_all", community) is bool(
        expected_for(EXPORT_ALL, role)
    )
    assert permissions.can(user, "export.read", made) is bool(
        expected_for(READ_COMMUNITY_EXPORT, role)
    )
    assert permissions.can(user, "export.read", own) is bool(
        expected_for(READ_PERSONAL_EXPORT, role)
    )
    assert permissions.can(user, "account.export_data") is bool(expected_for(EXPORT_OWN_DATA, role))


def test_a_facilitator_elsewhere_gets_nothing_of_this_community(exports):
    community, _, made, own = exports
    elsewhere = testing.make_community(slug="elsewhere", visibility="confidential")
    other = testing.make_user("other.facilitator@example.com")
    testing.seat(elsewhere, other, role="facilitator")
    assert not permissions.can(other, "community.export_all", community)
    assert not permissions.can(other, "export.read", made)
    assert not permissions.can(other, "export.read", own)


def test_another_facilitator_of_the_same_community_may_export_but_not_read_this_one(exports):
    community, _, made, _ = exports
    second = testing.make_user("second.facilitator@example.com")
    testing.seat(community, second, role="facilitator")
    assert permissions.can(second, "community.export_all", community)
    assert not permissions.can(second, "export.read", made)


def test_a_facilitator_on_leave_or_stepped_down_or_closed_reads_nothing(exports):
    community, people, made, _ = exports
    facilitator = people["facilitator"]
    for change in ({"status": "on_leave"}, {"role": "member"}, {"status": "left"}):
        membership = testing.seat(community, facilitator, role="facilitator")
        type(membership).objects.filter(pk=membership.pk).update(**change)
        permissions.forget_standings(facilitator)
        assert not permissions.can(facilitator, "export.read", made), change
        assert not permissions.can(facilitator, "community.export_all", community), change
    testing.seat(community, facilitator, role="facilitator")
    facilitator.is_active = False
    assert not permissions.can(facilitator, "export.read", made)


def test_an_open_community_gives_its_export_to_no_site_admin(exports):
    community, people, _, _ = exports
    community.visibility = "open"
    assert permissions.can(people["site_admin"], "community.read", community)
    assert not permissions.can(people["site_admin"], "community.export_all", community)
