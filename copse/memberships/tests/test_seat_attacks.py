"""A seat is the only key, and it comes only through the front door.

Written as attacks: a guest presenter trying every path to a seat, a removed
member coming back with an old invitation, expired and withdrawn
invitations, and the last facilitator slipping out without a successor.
The community under attack is the `roles` fixture's confidential circle
(join by request), where one thread holds a secret.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.audit.models import AuditEntry
from copse.core import permissions
from copse.memberships import links, services
from copse.memberships.models import Invitation, Membership
from copse.memberships.tests.conftest import SECRET
from copse.memberships.tests.conftest import reads as _reads
from copse.notifications.models import Notification


def _invite(community, email, role, by):
    return Invitation.objects.create(community=community, email=email, role=role, invited_by=by)


def _join(client, community):
    return client.post(reverse("memberships:join", args=[community.slug]), {"norms_version": 0})


def _thread_page(client, thread):
    return client.get(thread.get_absolute_url())


# --- A guest presenter -------------------------------------------------------------


def test_guest_presenter_invitation_never_makes_a_member_through_the_join_url(client, circle):
    community, people, thread = circle
    vendor = testing.make_user("vendor@example.com", name="Vic Vendor")
    invitation = _invite(community, vendor.email, "guest_presenter", people["facilitator"])
    client.force_login(vendor)

    response = _join(client, community)

    assert response.status_code == 302
    membership = Membership.objects.get(community=community, user=vendor)
    assert membership.role == "guest_presenter"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == vendor
    assert membership.seated_by == people["facilitator"] and membership.seated_via == "invitation"
    assert not _reads(vendor, community)
    assert SECRET.encode() not in _thread_page(client, thread).content
    # Once used, the join URL is closed to them.
    assert client.get(reverse("memberships:join", args=[community.slug])).status_code == 404


def test_guest_presenter_invitation_gives_a_guest_presenter_through_the_link_too(client, circle):
    community, people, _ = circle
    vendor = testing.make_user("vendor@example.com")
    invitation = _invite(community, vendor.email, "guest_presenter", people["facilitator"])
    client.force_login(vendor)
    url = reverse("memberships:invitation", args=[links.invitation_token(invitation)])
    client.post(url, {"norms_version": 0})
    assert Membership.objects.get(community=community, user=vendor).role == "guest_presenter"
    assert not _reads(vendor, community)


def test_seated_guest_presenter_tries_every_path_to_a_seat(client, circle):
    community, people, thread = circle
    guest = people["guest_presenter"]
    client.force_login(guest)

    # The join URL.
    assert _join(client, community).status_code == 404
    # The request URL: the community is unlisted, so not even a request.
    response = client.post(reverse("memberships:request", args=[community.slug]), {"note": "In"})
    assert response.status_code == 404
    assert not _reads(guest, community)
    # Their used invitation, again.
    used = _invite(community, guest.email, "guest_presenter", people["facilitator"])
    used.accepted_at = timezone.now()
    used.save()
    url = reverse("memberships:invitation", args=[links.invitation_token(used)])
    assert client.post(url, {"norms_version": 0}).status_code == 410
    # Someone else's invitation link.
    theirs = Invitation.objects.get(community=community, email="invitee@example.com")
    other_url = reverse("memberships:invitation", args=[links.invitation_token(theirs)])
    assert client.post(other_url, {"norms_version": 0}).status_code == 410
    # A forged link.
    forged = reverse("memberships:invitation", args=[f"{links.invitation_token(used)}x"])
    assert client.post(forged, {"norms_version": 0}).status_code == 410
    # Raised by a role change: refused even to a facilitator.
    membership = Membership.objects.get(community=community, user=guest)
    with pytest.raises(services.NotAllowed):
        services.change_role(actor=people["facilitator"], membership=membership, role="member")

    membership.refresh_from_db()
    assert membership.role == "guest_presenter"
    assert not _reads(guest, community)
    assert SECRET.encode() not in _thread_page(client, thread).content


def test_a_guest_presenter_becomes_a_member_only_by_a_facilitators_approval(circle):
    community, people, _ = circle
    guest, facilitator = people["guest_presenter"], people["facilitator"]
    community.listed = True
    community.save()
    join_request = services.request_to_join(actor=guest, community=community, note="")
    assert not _reads(guest, community)
    services.decide_request(actor=facilitator, join_request=join_request, approve=True)
    membership = Membership.objects.get(community=community, user=guest)
    assert (membership.role, membership.seated_by, membership.seated_via) == (
        "member",
        facilitator,
        "approval",
    )
    assert _reads(guest, community)


# --- Used, withdrawn and expired invitations -----------------------------------------


def test_removed_member_cannot_rejoin_with_their_old_invitation(client, circle):
    community, people, thread = circle
    mallory = testing.make_user("mallory@example.com", name="Mallory")
    invitation = _invite(community, mallory.email, "member", people["facilitator"])
    services.accept_invitation(actor=mallory, invitation=invitation, accepted_norms_version=0)
    membership = Membership.objects.get(community=community, user=mallory)
    services.remove_member(actor=people["facilitator"], membership=membership, reason="Leaked.")

    client.force_login(mallory)
    url = reverse("memberships:invitation", args=[links.invitation_token(invitation)])
    assert client.get(url).status_code == 410
    assert client.post(url, {"norms_version": 0}).status_code == 410
    assert _join(client, community).status_code == 404
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(actor=mallory, invitation=invitation, accepted_norms_version=0)

    membership.refresh_from_db()
    assert membership.status == "removed"
    assert not _reads(mallory, community)
    assert SECRET.encode() not in _thread_page(client, thread).content


def test_an_invitation_left_open_beside_an_approved_request_is_used_up(client, circle):
    """Seated by approval while an invitation was waiting: once removed, that
    invitation must not bring them back."""
    community, people, _ = circle
    mallory = testing.make_user("mallory@example.com")
    waiting = _invite(community, mallory.email, "member", people["facilitator"])
    join_request = services.request_to_join(actor=mallory, community=community, note="")
    services.decide_request(actor=people["facilitator"], join_request=join_request, approve=True)
    waiting.refresh_from_db()
    assert not waiting.is_open

    membership = Membership.objects.get(community=community, user=mallory)
    services.remove_member(actor=people["facilitator"], membership=membership, reason="Gone.")
    client.force_login(mallory)
    url = reverse("memberships:invitation", args=[links.invitation_token(waiting)])
    assert client.post(url, {"norms_version": 0}).status_code == 410
    assert not _reads(mallory, community)


def test_removal_withdraws_an_invitation_sent_meanwhile(circle):
    community, people, _ = circle
    guest = people["guest_presenter"]
    member_invitation = services.invite(
        actor=people["facilitator"], community=community, email=guest.email, role="member"
    )
    membership = Membership.objects.get(community=community, user=guest)
    services.remove_member(actor=people["facilitator"], membership=membership, reason="No.")
    member_invitation.refresh_from_db()
    assert member_invitation.revoked_at is not None
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(
            actor=guest, invitation=member_invitation, accepted_norms_version=0
        )
    assert not _reads(guest, community)


def test_an_expired_invitation_counts_for_nothing_anywhere(client, circle):
    community, people, _ = circle
    invitee = people["invitee"]
    invitation = Invitation.objects.get(community=community, email=invitee.email)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS + 60)
    Invitation.objects.filter(pk=invitation.pk).update(created_at=long_ago)
    invitation.refresh_from_db()

    permissions.forget_standings(invitee)
    assert not permissions.standing(invitee, community).pending_invitation
    assert not permissions.can(invitee, "community.view", community)  # unlisted
    client.force_login(invitee)
    assert client.get(community.get_absolute_url()).status_code == 404
    assert _join(client, community).status_code == 404
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(actor=invitee, invitation=invitation, accepted_norms_version=0)
    assert not Membership.objects.filter(community=community, user=invitee).exists()


def test_a_withdrawn_invitation_gives_nothing(client, circle):
    community, people, _ = circle
    invitee = people["invitee"]
    invitation = Invitation.objects.get(community=community, email=invitee.email)
    services.revoke_invitation(actor=people["facilitator"], invitation=invitation)
    client.force_login(invitee)
    assert _join(client, community).status_code == 404
    url = reverse("memberships:invitation", args=[links.invitation_token(invitation)])
    assert client.post(url, {"norms_version": 0}).status_code == 410
    assert not Membership.objects.filter(community=community, user=invitee).exists()


def test_joining_an_open_community_as_an_invitee_takes_the_invitations_role(client, db):
    community = testing.make_community(join_policy="open", visibility="members")
    facilitator = testing.make_user("fay@example.com")
    testing.seat(community, facilitator, role="facilitator")
    vendor = testing.make_user("vendor@example.com")
    invitation = _invite(community, vendor.email, "guest_presenter", facilitator)
    client.force_login(vendor)
    _join(client, community)
    assert Membership.objects.get(community=community, user=vendor).role == "guest_presenter"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_open_join_records_that_the_person_came_in_themselves(client, db):
    community = testing.make_community(join_policy="open", visibility="members")
    ana = testing.make_user("ana@example.com", name="Ana")
    client.force_login(ana)
    _join(client, community)
    membership = Membership.objects.get(community=community, user=ana)
    assert (membership.seated_by, membership.seated_via) == (ana, "open_join")
    page = client.get(reverse("communities:members", args=[community.slug]))
    assert b"Joined themselves" in page.content


def test_nobody_joins_an_invitation_only_community_by_the_join_url(client, db):
    community = testing.make_community(join_policy="invitation", listed=True)
    outsider = testing.make_user("out@example.com")
    client.force_login(outsider)
    assert _join(client, community).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.join_community(actor=outsider, community=community, accepted_norms_version=0)


# --- The last facilitator ------------------------------------------------------------


def test_the_last_facilitator_cannot_leave_without_naming_a_successor(client, circle):
    community, people, _ = circle
    fay, mona = people["facilitator"], people["member"]
    client.force_login(fay)
    url = reverse("memberships:leave", args=[community.slug])
    page = client.get(url)
    assert b"Hand over to" in page.content and b"Mona Member" in page.content

    refused = client.post(url, {})
    assert refused.status_code == 400
    assert b"Choose who takes over" in refused.content
    assert Membership.objects.get(community=community, user=fay).status == "active"
    with pytest.raises(services.LastFacilitator):
        services.leave(actor=fay, community=community)

    mona_seat = Membership.objects.get(community=community, user=mona)
    response = client.post(url, {"successor": mona_seat.pk})
    assert response.status_code == 302
    assert Membership.objects.get(community=community, user=fay).status == "left"
    mona_seat.refresh_from_db()
    assert mona_seat.role == "facilitator"
    entry = AuditEntry.objects.get(
        community=community, action="membership.role_changed", subject=mona
    )
    assert entry.detail["handover"] is True


def test_a_successor_must_be_an_active_member_of_the_community(circle):
    community, people, _ = circle
    guest = Membership.objects.get(community=community, user=people["guest_presenter"])
    former = Membership.objects.get(community=community, user=people["former_member"])
    elsewhere = testing.seat(testing.make_community(), testing.make_user("x@example.com"))
    for candidate in (guest, former, elsewhere):
        with pytest.raises(services.LastFacilitator):
            services.leave(actor=people["facilitator"], community=community, successor=candidate)
    assert Membership.objects.get(community=community, user=people["facilitator"]).is_current


def test_a_lone_facilitator_is_told_to_invite_someone_first(client, db):
    community = testing.make_community()
    fay = testing.make_user("fay@example.com")
    testing.seat(community, fay, role="facilitator")
    client.force_login(fay)
    url = reverse("memberships:leave", args=[community.slug])
    assert b"no other member is active" in client.get(url).content
    assert client.post(url, {}).status_code == 400
    assert Membership.objects.get(community=community, user=fay).status == "active"


@pytest.mark.parametrize("who", ["facilitator", "site_admin"])
def test_nobody_removes_or_demotes_the_last_facilitator(circle, who):
    community, people, _ = circle
    actor = people[who]
    fay = Membership.objects.get(community=community, user=people["facilitator"])
    with pytest.raises(services.LastFacilitator):
        services.remove_member(actor=actor, membership=fay, reason="Bye")
    with pytest.raises(services.NotAllowed):
        services.change_role(actor=actor, membership=fay, role="member")
    fay.refresh_from_db()
    assert (fay.role, fay.status) == ("facilitator", "active")


def test_a_facilitator_may_step_down_once_another_facilitates(circle):
    community, people, _ = circle
    fay = Membership.objects.get(community=community, user=people["facilitator"])
    mona = Membership.objects.get(community=community, user=people["member"])
    services.change_role(actor=people["facilitator"], membership=mona, role="facilitator")
    permissions.forget_standings(people["facilitator"])
    services.change_role(actor=people["facilitator"], membership=fay, role="member")
    fay.refresh_from_db()
    assert fay.role == "member"


def test_a_member_cannot_raise_their_own_role(circle):
    community, people, _ = circle
    mona = Membership.objects.get(community=community, user=people["member"])
    with pytest.raises(services.NotAllowed):
        services.change_role(actor=people["member"], membership=mona, role="facilitator")
    mona.refresh_from_db()
    assert mona.role == "member"


# --- Announcements ---------------------------------------------------------------------


def test_a_role_change_is_announced_to_the_other_facilitators(
    circle, django_capture_on_commit_callbacks
):
    community, people, _ = circle
    second = testing.make_user("sam@example.com", name="Sam Second")
    testing.seat(community, second, role="facilitator")
    mona = Membership.objects.get(community=community, user=people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        services.change_role(actor=people["facilitator"], membership=mona, role="guest_presenter")
    told = Notification.objects.filter(kind="announcement")
    assert {n.user for n in told} == {second}  # never the person who did it
    (notification,) = told
    assert notification.target.action == "membership.role_changed"


def test_a_delegate_invitation_gives_nothing_once_the_principal_left(circle):
    community, people, _ = circle
    mona = Membership.objects.get(community=community, user=people["member"])
    olive = people["non_member"]
    invitation = services.invite_delegate(
        actor=people["facilitator"], community=community, email=olive.email, principal=mona
    )
    services.leave(actor=people["member"], community=community)
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(actor=olive, invitation=invitation, accepted_norms_version=0)
    assert not _reads(olive, community)


def test_a_delegate_cannot_come_in_through_the_plain_invitation_form(circle):
    community, people, _ = circle
    with pytest.raises(services.NotAllowed):
        services.invite(
            actor=people["facilitator"],
            community=community,
            email=people["non_member"].email,
            role="delegate",
        )


def test_delegate_appointments_come_from_facilitators_only(circle):
    community, people, _ = circle
    mona = Membership.objects.get(community=community, user=people["member"])
    olive = people["non_member"]
    with pytest.raises(services.NotAllowed):
        services.invite_delegate(
            actor=people["site_admin"], community=community, email=olive.email, principal=mona
        )
    with pytest.raises(services.NotAllowed):
        services.invite_delegate(
            actor=people["member"], community=community, email=olive.email, principal=mona
        )
    assert not _reads(olive, community)
    invitation = services.invite_delegate(
        actor=people["facilitator"], community=community, email=olive.email, principal=mona
    )
    assert not _reads(olive, community)  # a seat is taken by accepting, never handed over
    services.accept_invitation(actor=olive, invitation=invitation, accepted_norms_version=0)
    seat = Membership.objects.get(community=community, user=olive)
    assert (seat.role, seat.seated_by, seat.seated_via) == (
        "delegate",
        people["facilitator"],
        "delegate",
    )
