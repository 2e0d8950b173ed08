"""The permission core's rules for each kind of community, role by role."""

import pytest

from copse import testing
from copse.core import permissions


@pytest.mark.parametrize(
    ("visibility", "listed", "anonymous_sees", "outsider_reads"),
    [
        ("open", True, True, True),
        ("open", False, True, True),
        ("members", True, True, False),
        ("members", False, False, False),
        ("confidential", True, True, False),
        ("confidential", False, False, False),
    ],
)
def test_visibility_rules(db, visibility, listed, anonymous_sees, outsider_reads):
    from django.contrib.auth.models import AnonymousUser

    community = testing.make_community(visibility=visibility, listed=listed)
    outsider = testing.make_user()
    anonymous = AnonymousUser()
    assert permissions.can(anonymous, "community.view", community) is anonymous_sees
    assert permissions.can(outsider, "community.read", community) is outsider_reads
    assert permissions.can(anonymous, "community.read", community) is outsider_reads
    assert (community in permissions.visible_communities(outsider)) is anonymous_sees
    assert (community in permissions.readable_communities(outsider)) is outsider_reads


def test_unknown_action_is_denied_even_to_site_admins(db):
    community = testing.make_community()
    admin = testing.make_site_admin()
    assert not permissions.can(admin, "community.delete_everything", community)
    assert not permissions.can(admin, "community.view")  # no object: denied


def test_deactivated_account_can_do_nothing(db):
    community = testing.make_community(visibility="open")
    user = testing.make_user()
    testing.seat(community, user, role="facilitator")
    user.is_active = False
    user.save()
    assert not permissions.can(user, "community.manage", community)
    assert not permissions.can(user, "community.read", community)


def test_readable_q_matches_the_read_rule_for_every_role(roles):

    community, people = roles
    for role, user in people.items():
        if user is None:
            continue
        permissions.forget_standings(user)
        expected = permissions.can(user, "community.read", community)
        from copse.memberships.models import Membership

        rows = Membership.objects.filter(community=community).filter(permissions.readable_q(user))
        in_query = rows.exists()
        assert in_query is expected, role


def test_guest_presenter_is_scoped_to_nothing(roles):
    community, people = roles
    guest = people["guest_presenter"]
    for action in (
        "community.view",
        "community.read",
        "community.view_members",
        "community.contribute",
    ):
        assert not permissions.can(guest, action, community), action
