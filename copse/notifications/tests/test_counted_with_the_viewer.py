"""The unread count in the navigation, and the hints that spare the
standings' lookups, come with the request's load of the signed-in user
(`copse.core.viewer`). They must say exactly what the separate queries they
replace say, for every role, and change as soon as a seat does."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from copse import testing
from copse.accounts.backends import CopseAuthenticationBackend
from copse.core import permissions
from copse.core.tests.authorization import ROLES
from copse.notifications.models import Notification
from copse.notifications.selectors import unread_count

SIGNED_IN = [role for role in ROLES if role != "anonymous"]


def _as_the_request_loads(user):
    return CopseAuthenticationBackend().get_user(user.pk)


def _as_counted_alone(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def noticed(roles):
    """Every person holds unread notices about the confidential circle, an
    open community, and a presentation of their own; and one read notice."""
    community, people = roles
    open_one = testing.make_community(slug="open-one", visibility="open")
    about = ContentType.objects.get_for_model(community)
    for person in filter(None, people.values()):
        for where, kind in (
            (community, Notification.Kind.VISIBILITY_LOWERED),
            (open_one, Notification.Kind.ANNOUNCEMENT),
            (community, Notification.Kind.FEEDBACK_SHARED),
        ):
            Notification.objects.create(
                user=person, community=where, kind=kind, target_type=about, target_id=where.pk
            )
        Notification.objects.create(
            user=person,
            community=open_one,
            kind=Notification.Kind.REPLY,
            target_type=about,
            target_id=open_one.pk,
            read_at="2026-01-01T00:00:00Z",
        )
    return community, people


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_count_loaded_with_the_viewer_is_the_count_of_the_query_it_replaces(noticed, role):
    _, people = noticed
    loaded = _as_the_request_loads(people[role])
    alone = _as_counted_alone(people[role])

    assert loaded.copse_unread_notices == unread_count(alone)
    # Seated readers see all three; everyone else the open one and their own presentation.
    seated = role in ("member", "delegate", "facilitator")
    assert loaded.copse_unread_notices == (3 if seated else 2)
    assert loaded.copse_has_unread_notices is True


@pytest.mark.parametrize("role", SIGNED_IN)
def test_standings_from_the_hints_are_the_standings_found_by_looking(noticed, role):
    community, people = noticed
    loaded = _as_the_request_loads(people[role])
    alone = _as_counted_alone(people[role])

    assert permissions.standing(loaded, community) == permissions.standing(alone, community)
    assert loaded.copse_may_have_request is (role == "requester")
    assert loaded.copse_may_have_invitation is (role == "invitee")


def test_leaving_takes_the_community_s_notices_out_of_the_count_at_once(noticed, client):
    community, people = noticed
    member = people["member"]
    client.force_login(member)
    assert client.get("/home/").context["unread_notifications"] == 3

    member.memberships.filter(community=community).update(status="left")

    assert client.get("/home/").context["unread_notifications"] == 2


def test_an_invitation_sent_after_sign_in_is_seen_on_the_next_page(roles, client):
    community, people = roles
    outsider = people["non_member"]
    client.force_login(outsider)
    client.get("/home/")

    testing.invite_email(community, outsider.email)

    loaded = _as_the_request_loads(outsider)
    assert permissions.standing(loaded, community).pending_invitation is True
