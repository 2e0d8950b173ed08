"""Seat attacks through orders of operations and side roads.

The community under attack is the `roles` fixture's confidential circle
(join by request), where one thread holds a secret.
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from copse import testing
from copse.core import permissions
from copse.memberships import links, services
from copse.memberships.models import Invitation, Membership
from copse.memberships.tests.conftest import SECRET
from copse.memberships.tests.conftest import reads as _reads


def test_a_delegate_stops_reading_when_their_principal_becomes_a_guest_presenter(client, circle):
    community, people, thread = circle
    principal = Membership.objects.get(community=community, user=people["member"])
    services.change_role(actor=people["facilitator"], membership=principal, role="guest_presenter")

    delegate = people["delegate"]
    assert not _reads(delegate, community)
    client.force_login(delegate)
    assert SECRET.encode() not in client.get(thread.get_absolute_url()).content


def test_a_guest_presenter_cannot_be_named_a_principal(circle):
    community, people, thread = circle
    guest = Membership.objects.get(community=community, user=people["guest_presenter"])
    with pytest.raises(services.NotAllowed):
        services.invite_delegate(
            actor=people["facilitator"],
            community=community,
            email="proxy@example.com",
            principal=guest,
        )


def test_a_delegate_invitation_gives_nothing_once_the_principal_is_a_guest_presenter(circle):
    community, people, thread = circle
    principal = Membership.objects.get(community=community, user=people["member"])
    invitation = services.invite_delegate(
        actor=people["facilitator"],
        community=community,
        email="proxy@example.com",
        principal=principal,
    )
    services.change_role(actor=people["facilitator"], membership=principal, role="guest_presenter")
    proxy = testing.make_user("proxy@example.com", name="Pat Proxy")
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(actor=proxy, invitation=invitation, accepted_norms_version=0)
    assert not _reads(proxy, community)


def test_invited_then_removed_then_accepting_gives_nothing(client, circle):
    community, people, thread = circle
    member = people["member"]
    # An invitation (as facilitator, say) reaches a member, who is then removed.
    invitation = Invitation.objects.create(
        community=community,
        email=member.email,
        role="facilitator",
        invited_by=people["facilitator"],
    )
    services.remove_member(
        actor=people["facilitator"],
        membership=Membership.objects.get(community=community, user=member),
        reason="Shared the agenda outside.",
    )
    client.force_login(member)
    url = reverse("memberships:invitation", args=[links.invitation_token(invitation)])
    client.post(url, {"norms_version": community.norms_version})
    client.post(reverse("memberships:join", args=[community.slug]), {"norms_version": 0})
    assert not _reads(member, community)


def test_an_invitation_to_an_address_added_later_as_a_secondary_one_seats_nobody(client, circle):
    community, people, thread = circle
    outsider = people["non_member"]
    invitation = Invitation.objects.create(
        community=community,
        email="newcomer@example.com",
        role="member",
        invited_by=people["facilitator"],
    )
    # The outsider claims the invited address on their own account, unconfirmed.
    EmailAddress.objects.create(
        user=outsider, email="newcomer@example.com", verified=False, primary=False
    )
    client.force_login(outsider)
    url = reverse("memberships:invitation", args=[links.invitation_token(invitation)])
    client.post(url, {"norms_version": community.norms_version})
    client.post(reverse("memberships:join", args=[community.slug]), {"norms_version": 0})
    assert not _reads(outsider, community)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_two_invitations_to_one_address_seat_once_in_the_newest_role(circle):
    community, people, thread = circle
    facilitator = people["facilitator"]
    first = services.invite(
        actor=facilitator, community=community, email="two@example.com", role="facilitator"
    )
    services.invite(
        actor=facilitator, community=community, email="two@example.com", role="guest_presenter"
    )
    two = testing.make_user("two@example.com", name="Tess Two")
    first.refresh_from_db()
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(actor=two, invitation=first, accepted_norms_version=0)
    assert not _reads(two, community)


@pytest.mark.parametrize("visibility", ["confidential", "members", "open"])
def test_a_removed_member_cannot_walk_back_in_through_an_open_door(client, db, visibility):
    community = testing.make_community(
        slug="door", visibility=visibility, listed=True, join_policy="open"
    )
    facilitator = testing.make_user("fay@example.com", name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    troll = testing.make_user("troll@example.com", name="Tom Troll")
    services.join_community(actor=troll, community=community, accepted_norms_version=0)
    services.remove_member(
        actor=facilitator,
        membership=Membership.objects.get(community=community, user=troll),
        reason="Harassed a member.",
    )
    client.force_login(troll)
    response = client.post(reverse("memberships:join", args=[community.slug]), {"norms_version": 0})
    assert response.status_code in (403, 404)
    assert Membership.objects.get(community=community, user=troll).status == "removed"
    # An invitation from a facilitator still brings them back.
    services.invite(actor=facilitator, community=community, email=troll.email)
    permissions.forget_standings(troll)
    services.join_community(actor=troll, community=community, accepted_norms_version=0)
    assert Membership.objects.get(community=community, user=troll).status == "active"


def test_someone_who_left_may_rejoin_an_open_door_community(db):
    community = testing.make_community(slug="door", visibility="members", join_policy="open")
    leaver = testing.make_user("leaver@example.com", name="Lee Leaver")
    testing.seat(community, leaver, status="left")
    services.join_community(actor=leaver, community=community, accepted_norms_version=0)
    assert _reads(leaver, community)


def test_a_delegate_made_member_takes_a_counted_seat_only_if_the_cap_allows(circle):
    community, people, thread = circle
    community.size_cap = community.member_count
    community.save(update_fields=["size_cap"])
    delegate = Membership.objects.get(community=community, user=people["delegate"])
    with pytest.raises(services.CommunityFull):
        services.change_role(actor=people["facilitator"], membership=delegate, role="member")
    delegate.refresh_from_db()
    assert delegate.role == "delegate"


def test_a_delegate_with_no_verified_organisation_is_not_promoted_past_an_organisation_cap(
    circle,
):
    from copse.communities import services as community_services

    community, people, thread = circle
    community.per_organisation_cap = 5
    community.save(update_fields=["per_organisation_cap"])
    with pytest.raises(services.OrganisationNotVerified):
        community_services.appoint_facilitator(
            actor=people["site_admin"], community=community, user=people["delegate"]
        )
    assert Membership.objects.get(community=community, user=people["delegate"]).role == "delegate"


def test_a_request_left_waiting_ends_with_the_removal(db):
    community = testing.make_community(visibility="confidential", join_policy="request")
    facilitator = testing.make_user(name="Fay")
    testing.seat(community, facilitator, role="facilitator")
    guest = testing.make_user(name="Gus Guest")
    seat = testing.seat(community, guest, role="guest_presenter")
    waiting = services.request_to_join(actor=guest, community=community, note="Let me stay")
    services.remove_member(actor=facilitator, membership=seat, reason="The talk is over.")
    waiting.refresh_from_db()
    assert waiting.status == "declined"
    with pytest.raises(services.NotAllowed):
        services.decide_request(actor=facilitator, join_request=waiting, approve=True)
    permissions.forget_standings(guest)
    assert not permissions.can(guest, "community.read", community)
