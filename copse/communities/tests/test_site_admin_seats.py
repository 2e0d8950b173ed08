"""Site admins never seat themselves, and every key they give is given in the open.

Written as attacks: a site admin tries every path to a seat in (or to the
content of) a confidential community they run the programme for. Each
attempt is refused with a message, leaves no seat, and reads nothing. What
they may do (seat a first facilitator, invite someone else, list the
community) is announced to the community's facilitators, in the app and by
mail, with no content.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.communities import services
from copse.communities.models import Community
from copse.conversations import services as conversations
from copse.core import permissions
from copse.mailing.models import OutgoingMessage
from copse.memberships import links
from copse.memberships import services as memberships
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.notifications.models import Notification

SECRET = "Telecom costs are out of control"


@pytest.fixture
def circle(roles):
    community, people = roles
    conversations.start_thread(
        actor=people["facilitator"],
        community=community,
        kind="discussion",
        title=SECRET,
        body="Ours doubled.",
    )
    return community, people


def _has_no_seat(admin, community) -> bool:
    permissions.forget_standings(admin)
    seated = Membership.objects.filter(
        community=community,
        user=admin,
        status__in=Membership.SEATED,
        role__in=permissions.READING_ROLES,
    ).exists()
    return not seated and not permissions.can(admin, "community.read", community)


def _no_secret_anywhere(client, community):
    for url in (
        community.get_absolute_url(),
        reverse("conversations:list", args=[community.slug]),
        reverse("search:search") + f"?q={SECRET.split()[0]}",
    ):
        assert SECRET.encode() not in client.get(url).content, url


# --- Every path to a seat --------------------------------------------------------------


def test_site_admin_cannot_appoint_themselves_facilitator(client, circle):
    community, people = circle
    admin = people["site_admin"]
    client.force_login(admin)
    response = client.post(
        reverse("communities:appoint_facilitator", args=[community.slug]), {"email": admin.email}
    )
    assert response.status_code == 400
    assert b"You cannot appoint yourself" in response.content
    with pytest.raises(services.CommunityError):
        services.appoint_facilitator(actor=admin, community=community, user=admin)
    assert _has_no_seat(admin, community)
    _no_secret_anywhere(client, community)


def test_site_admin_cannot_appoint_themselves_even_where_there_is_no_facilitator(db):
    community = testing.make_community(visibility="confidential")
    admin = testing.make_site_admin()
    with pytest.raises(services.CommunityError):
        services.appoint_facilitator(actor=admin, community=community, user=admin)
    assert _has_no_seat(admin, community)


def test_site_admin_cannot_found_a_community_with_themselves_as_facilitator(client, db):
    admin = testing.make_site_admin()
    client.force_login(admin)
    response = client.post(
        reverse("communities:programme_new"),
        {
            "slug": "mine",
            "name": "Mine",
            "purpose": "Mine",
            "kind": "cross",
            "visibility": "confidential",
            "join_policy": "invitation",
            "topic_areas": "People",
            "facilitators": [admin.pk],
        },
    )
    assert response.status_code == 400
    assert b"never seats" in response.content
    assert not Community.objects.filter(slug="mine").exists()


def test_site_admin_seats_a_first_facilitator_only_where_there_is_none(circle):
    community, people = circle
    admin, olive = people["site_admin"], people["non_member"]
    with pytest.raises(services.CommunityError, match="already has a facilitator"):
        services.appoint_facilitator(actor=admin, community=community, user=olive)
    assert not Membership.objects.filter(community=community, user=olive).exists()

    empty = testing.make_community(visibility="confidential")
    seat = services.appoint_facilitator(actor=admin, community=empty, user=olive)
    assert (seat.role, seat.seated_by, seat.seated_via) == (
        "facilitator",
        admin,
        "first_facilitator",
    )


def test_a_facilitator_cannot_seat_a_non_member_as_facilitator(circle):
    community, people = circle
    olive = people["non_member"]
    with pytest.raises(services.CommunityError, match="Invite them"):
        services.appoint_facilitator(actor=people["facilitator"], community=community, user=olive)
    assert not Membership.objects.filter(community=community, user=olive).exists()


def test_site_admin_cannot_appoint_themselves_delegate(client, circle):
    community, people = circle
    admin = people["site_admin"]
    client.force_login(admin)
    client.post(
        reverse("memberships:appoint_delegate", args=[community.slug]),
        {"email": admin.email, "principal": people["member"].email},
    )
    principal = Membership.objects.get(community=community, user=people["member"])
    with pytest.raises(memberships.NotAllowed):
        memberships.invite_delegate(
            actor=admin, community=community, email=admin.email, principal=principal
        )
    assert _has_no_seat(admin, community)


@pytest.mark.parametrize("which", ["primary", "secondary"])
def test_site_admin_cannot_invite_an_address_of_their_own(client, circle, which):
    community, people = circle
    admin = people["site_admin"]
    address = admin.email
    if which == "secondary":
        address = "ada.private@example.org"
        EmailAddress.objects.create(user=admin, email=address, verified=True, primary=False)
    client.force_login(admin)
    response = client.post(
        reverse("memberships:invite", args=[community.slug]),
        {"email": address.upper(), "role": "facilitator", "message": ""},
    )
    assert response.status_code == 400
    assert b"You cannot invite yourself" in response.content
    assert not Invitation.objects.filter(community=community, email=address).exists()
    assert _has_no_seat(admin, community)


def test_site_admin_cannot_join_through_an_invitation_they_made(client, circle):
    """They invite an address, then make it theirs: still no seat."""
    community, people = circle
    admin = people["site_admin"]
    invitation = memberships.invite(
        actor=admin, community=community, email="ada.other@example.org", role="member"
    )
    admin.email = "ada.other@example.org"
    admin.save()
    client.force_login(admin)
    url = reverse("memberships:invitation", args=[links.invitation_token(invitation)])
    assert client.post(url, {"norms_version": 0}).status_code == 410
    assert client.post(
        reverse("memberships:join", args=[community.slug]), {"norms_version": 0}
    ).status_code in (404, 410)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert _has_no_seat(admin, community)
    _no_secret_anywhere(client, community)


def test_site_admin_cannot_approve_their_own_request(client, circle):
    community, people = circle
    admin = people["site_admin"]
    join_request = memberships.request_to_join(actor=admin, community=community, note="")
    client.force_login(admin)
    response = client.post(
        reverse("memberships:decide", args=[community.slug, join_request.pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert b"cannot decide on your own request" in response.content
    with pytest.raises(memberships.NotAllowed):
        memberships.decide_request(actor=admin, join_request=join_request, approve=True)
    assert JoinRequest.objects.get(pk=join_request.pk).status == "pending"
    assert _has_no_seat(admin, community)


def test_site_admin_cannot_change_their_own_role(client, circle):
    """Seated as a guest presenter (to present once), they try to become a member."""
    community, people = circle
    admin = people["site_admin"]
    seat = testing.seat(community, admin, role="guest_presenter")
    client.force_login(admin)
    client.post(
        reverse("memberships:role", args=[community.slug, seat.pk]), {"role": "facilitator"}
    )
    with pytest.raises(memberships.NotAllowed):
        memberships.change_role(actor=admin, membership=seat, role="member")
    seat.refresh_from_db()
    assert seat.role == "guest_presenter"
    assert _has_no_seat(admin, community)


def test_site_admin_who_is_a_member_cannot_make_themselves_facilitator(client, circle):
    community, people = circle
    admin = people["site_admin"]
    seat = testing.seat(community, admin, role="member")
    client.force_login(admin)
    response = client.post(
        reverse("memberships:role", args=[community.slug, seat.pk]),
        {"role": "facilitator"},
        follow=True,
    )
    assert b"You cannot change your own role" in response.content
    seat.refresh_from_db()
    assert seat.role == "member"
    assert not permissions.standing(admin, community).is_facilitator


@pytest.mark.parametrize(
    ("field", "value"),
    [("visibility", "members"), ("visibility", "open"), ("join_policy", "open")],
)
def test_site_admin_cannot_make_a_community_less_private(client, circle, field, value):
    community, people = circle
    admin = people["site_admin"]
    client.force_login(admin)
    url = reverse("communities:settings", args=[community.slug])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) for name in form.fields}
    data["topic_areas"] = "\n".join(data["topic_areas"])
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    data[field] = value
    response = client.post(url, data)
    assert response.status_code == 400
    refusal = (
        b"A site administrator never makes a community less private"
        if field == "visibility"
        else b"Only the community&#x27;s facilitators can make it easier to join"
    )
    assert refusal in response.content
    community.refresh_from_db()
    assert (community.visibility, community.join_policy) == ("confidential", "request")
    assert _has_no_seat(admin, community)
    _no_secret_anywhere(client, community)


def test_a_facilitator_makes_their_community_less_private_only_by_the_members_consent(circle):
    community, people = circle
    with pytest.raises(services.MembersDecide):
        services.update_settings(
            actor=people["facilitator"], community=community, visibility="members"
        )
    testing.members_open_up(community, people["facilitator"], visibility="members")
    assert community.visibility == "members"


def test_site_admin_cannot_list_a_community(circle):
    community, people = circle
    with pytest.raises(services.MembersDecide):
        services.update_settings(actor=people["site_admin"], community=community, listed=True)
    community.refresh_from_db()
    assert not community.listed


def test_the_members_list_it_then_a_site_admin_tries_to_join(
    client, circle, django_capture_on_commit_callbacks
):
    community, people = circle
    admin = people["site_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        testing.members_open_up(community, people["facilitator"], listed=True)
    client.force_login(admin)
    join = client.post(reverse("memberships:join", args=[community.slug]), {"norms_version": 0})
    assert join.status_code == 404
    client.post(reverse("memberships:request", args=[community.slug]), {"note": "me"})
    (join_request,) = JoinRequest.objects.filter(community=community, user=admin)
    with pytest.raises(memberships.NotAllowed):
        memberships.decide_request(actor=admin, join_request=join_request, approve=True)
    assert _has_no_seat(admin, community)
    _no_secret_anywhere(client, community)
    # The listing is on record as the members' decision.
    decided = AuditEntry.objects.get(action="community.settings_decided")
    assert decided.detail["changes"]["listed"] == [False, True]


# --- Announcements ---------------------------------------------------------------------


def test_a_seat_given_by_a_site_admin_reaches_the_facilitators_without_content(
    client, circle, django_capture_on_commit_callbacks
):
    community, people = circle
    admin, fay = people["site_admin"], people["facilitator"]
    newcomer = testing.make_user("nora@example.com", name="Nora Newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = memberships.invite(
            actor=admin, community=community, email=newcomer.email, role="member"
        )
    with django_capture_on_commit_callbacks(execute=True):
        memberships.accept_invitation(
            actor=newcomer, invitation=invitation, accepted_norms_version=0
        )

    actions = [
        n.target.action
        for n in Notification.objects.filter(user=fay, kind="announcement").order_by("pk")
    ]
    assert actions == ["invitation.sent", "membership.invitation_accepted"]
    assert AuditEntry.objects.filter(
        community=community, action="membership.invitation_accepted", subject=newcomer
    ).exists()
    # In the app: who did what.
    client.force_login(fay)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Ada Admin invited nora@example.com as member." in inbox
    assert "Nora Newcomer joined as member through an invitation from Ada Admin." in inbox
    assert SECRET not in inbox
    # By mail: the community is confidential, so a link and no names.
    notices = OutgoingMessage.objects.filter(kind="notice", recipient=fay)
    assert notices.count() == 2
    to_fay = [m for m in mail.outbox if m.to == [fay.email]]
    assert len(to_fay) == 2
    for message in to_fay:
        raw = message.message().as_bytes()
        assert b"Telecom" not in raw and b"Nora" not in raw and b"Ada Admin" not in raw
        assert "/notifications/" in message.body
    # The notice leads to the audit log.
    notification = Notification.objects.filter(user=fay, kind="announcement").first()
    opened = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened.url == reverse("audit:community", args=[community.slug])
    # The member list shows who seated the newcomer, and how.
    members = client.get(reverse("communities:members", args=[community.slug])).content
    assert b"Ada Admin" in members and b"(invitation)" in members


def test_a_members_only_announcement_says_who_did_what_and_nothing_more(
    circle, django_capture_on_commit_callbacks
):
    community, people = circle
    community.visibility = "members"
    community.save()
    fay = people["facilitator"]
    mona = Membership.objects.get(community=community, user=people["member"])
    second = testing.make_user("sam@example.com", name="Sam Second")
    testing.seat(community, second, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        memberships.change_role(actor=second, membership=mona, role="facilitator")
    (message,) = [m for m in mail.outbox if m.to == [fay.email]]
    assert "Sam Second changed Mona Member's role from member to facilitator." in message.body
    assert SECRET not in message.body and "doubled" not in message.body
    assert message.subject == "[The Circle] Who can read changed"


def test_a_visibility_change_by_a_facilitator_is_announced(
    circle, django_capture_on_commit_callbacks
):
    community, people = circle
    second = testing.make_user("sam@example.com", name="Sam Second")
    testing.seat(community, second, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        testing.members_open_up(community, people["facilitator"], visibility="members")
    (told,) = Notification.objects.filter(kind="announcement")
    assert told.user == second
    entry = AuditEntry.objects.get(pk=told.target_id)
    assert entry.detail["changes"]["visibility"] == ["confidential", "members"]


def test_a_purpose_edit_is_audited_but_not_announced(circle, django_capture_on_commit_callbacks):
    community, people = circle
    second = testing.make_user("sam@example.com")
    testing.seat(community, second, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_settings(
            actor=people["facilitator"], community=community, purpose="A new purpose"
        )
    assert AuditEntry.objects.filter(action="community.settings_changed").exists()
    assert not Notification.objects.filter(kind="announcement").exists()


def test_a_former_facilitator_no_longer_reads_old_announcements(
    client, circle, django_capture_on_commit_callbacks
):
    community, people = circle
    admin, fay = people["site_admin"], people["facilitator"]
    with django_capture_on_commit_callbacks(execute=True):
        # Making it more private is announced, whoever does it.
        services.update_settings(actor=admin, community=community, join_policy="invitation")
    (told,) = Notification.objects.filter(user=fay, kind="announcement")
    mona = Membership.objects.get(community=community, user=people["member"])
    memberships.change_role(actor=fay, membership=mona, role="facilitator")
    permissions.forget_standings(fay)
    memberships.leave(actor=fay, community=community)
    client.force_login(fay)
    assert client.get(reverse("notifications:open", args=[told.pk])).status_code == 404
