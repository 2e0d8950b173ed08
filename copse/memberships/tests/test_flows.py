"""Joining, asking, inviting, leaving and removal, as members and facilitators live them."""

import pytest
from django.core import mail
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.core import permissions
from copse.memberships import links, services
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.norms.services import publish_norms


@pytest.fixture
def ao_cop(db):
    """Directors from at most two companies each; admission by request."""
    community = testing.make_community(
        slug="sv-ao-cop",
        name="Applications/Operations CoP",
        visibility="members",
        join_policy="request",
        per_organisation_cap=2,
    )
    facilitator = testing.make_user("fay@northwind.example", name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    publish_norms(
        actor=facilitator, community=community, body="What is said here stays here.", change_note=""
    )
    return community, facilitator


def test_request_is_approved_and_requester_is_told(
    client, ao_cop, django_capture_on_commit_callbacks
):
    community, facilitator = ao_cop
    fabrikam = testing.make_organisation("Fabrikam")
    ana = testing.make_user("ana@fabrikam.example", name="Ana Alvarez", organisation=fabrikam)
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("memberships:request", args=[community.slug]), {"note": "Director of apps"}
        )
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(community=community, user=ana)
    assert [m.to for m in mail.outbox] == [[facilitator.email]]

    client.force_login(facilitator)
    manage = client.get(reverse("memberships:manage", args=[community.slug]))
    assert b"Ana Alvarez" in manage.content and b"Director of apps" in manage.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("memberships:decide", args=[community.slug, join_request.pk]),
            {"decision": "approve", "note": "Welcome!"},
        )
    assert Membership.objects.get(community=community, user=ana).status == "active"
    told = mail.outbox[-1]
    assert told.to == [ana.email] and "approved" in told.body and "Welcome!" in told.body
    assert AuditEntry.objects.filter(
        community=community, action="membership.approved", subject=ana
    ).exists()


def test_declined_requester_is_told_and_gets_no_access(
    client, ao_cop, django_capture_on_commit_callbacks
):
    community, facilitator = ao_cop
    ana = testing.make_user("ana@fabrikam.example")
    join_request = services.request_to_join(actor=ana, community=community, note="")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_request(
            actor=facilitator, join_request=join_request, approve=False, note="Not a director"
        )
    assert "declined" in mail.outbox[-1].body and "Not a director" in mail.outbox[-1].body
    permissions.forget_standings(ana)
    assert not permissions.can(ana, "community.read", community)


def test_approval_over_the_organisation_cap_is_refused_with_a_clear_message(client, ao_cop):
    community, facilitator = ao_cop
    contoso = testing.make_organisation("Contoso")
    for _ in range(2):
        testing.seat(community, testing.make_user(organisation=contoso))
    third = testing.make_user(organisation=contoso)
    join_request = services.request_to_join(actor=third, community=community, note="")
    client.force_login(facilitator)
    response = client.post(
        reverse("memberships:decide", args=[community.slug, join_request.pk]),
        {"decision": "approve"},
        follow=True,
    )
    assert b"for people from the organisation of" in response.content
    assert not Membership.objects.filter(community=community, user=third).exists()
    assert JoinRequest.objects.get(pk=join_request.pk).status == "pending"


def test_joining_a_full_open_community_shows_a_clear_page(client, db):
    community = testing.make_community(visibility="open", join_policy="open", size_cap=2)
    testing.seat(community, testing.make_user())
    testing.seat(community, testing.make_user())
    latecomer = testing.make_user()
    client.force_login(latecomer)
    response = client.post(
        reverse("memberships:join", args=[community.slug]), {"norms_version": 0, "accept": "on"}
    )
    assert response.status_code == 409
    assert b"reached its limit of 2 members" in response.content


def test_join_requires_accepting_the_current_norms_and_keeps_the_form(client, db):
    community = testing.make_community(visibility="open", join_policy="open")
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    publish_norms(actor=facilitator, community=community, body="Be kind.", change_note="")
    newcomer = testing.make_user()
    client.force_login(newcomer)
    url = reverse("memberships:join", args=[community.slug])
    response = client.post(url, {"norms_version": 1})
    assert response.status_code == 400
    assert b"Please accept the norms to join." in response.content
    assert b"Be kind." in response.content
    # Norms changed between reading and accepting: refused, not silently accepted.
    publish_norms(
        actor=facilitator, community=community, body="Be kind.\nBe brief.", change_note="Brevity"
    )
    response = client.post(url, {"norms_version": 1, "accept": "on"})
    assert response.status_code == 400
    assert b"changed while you were reading" in response.content
    response = client.post(url, {"norms_version": 2, "accept": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(community=community, user=newcomer)
    assert membership.norms_accepted == 2


def test_invitation_is_single_use_and_expires(
    client, ao_cop, settings, django_capture_on_commit_callbacks
):
    community, facilitator = ao_cop
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            actor=facilitator, community=community, email="New.Person@Example.com"
        )
    assert invitation.email == "new.person@example.com"
    assert mail.outbox[-1].to == ["new.person@example.com"]
    link = links.invitation_url(invitation)
    assert link in mail.outbox[-1].body
    path = link.removeprefix(settings.BASE_URL)

    newcomer = testing.make_user(
        "new.person@example.com", organisation=testing.make_organisation("Contoso")
    )
    client.force_login(newcomer)
    response = client.post(path, {"norms_version": 1, "accept": "on"})
    assert response.status_code == 302
    assert Membership.objects.get(community=community, user=newcomer).status == "active"

    reused = client.get(path)
    assert reused.status_code == 410 and b"already been used" in reused.content

    settings.INVITATION_MAX_AGE_SECONDS = -1
    fresh = services.invite(actor=facilitator, community=community, email="late@example.com")
    expired = client.get(links.invitation_url(fresh).removeprefix(settings.BASE_URL))
    assert expired.status_code == 410 and b"expired" in expired.content

    forged = client.get(reverse("memberships:invitation", args=["not-a-token"]))
    assert forged.status_code == 410 and b"not a valid invitation" in forged.content


def test_invitation_for_another_address_is_refused(client, ao_cop, settings):
    community, facilitator = ao_cop
    invitation = services.invite(actor=facilitator, community=community, email="right@example.com")
    wrong = testing.make_user("wrong@example.com")
    client.force_login(wrong)
    response = client.post(
        links.invitation_url(invitation).removeprefix(settings.BASE_URL),
        {"norms_version": 1, "accept": "on"},
    )
    assert response.status_code == 410
    assert not Membership.objects.filter(community=community, user=wrong).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_former_member_loses_access_at_once_but_remains_in_history(client, ao_cop):
    community, facilitator = ao_cop
    member = testing.make_user(name="Mo Member")
    testing.seat(community, member)
    client.force_login(member)
    assert client.get(reverse("communities:members", args=[community.slug])).status_code == 200
    client.post(reverse("memberships:leave", args=[community.slug]))
    assert client.get(reverse("communities:members", args=[community.slug])).status_code == 404
    membership = Membership.objects.get(community=community, user=member)
    assert membership.status == "left" and membership.ended_at is not None
    community.refresh_from_db()
    assert community.member_count == 1


def test_removal_needs_a_reason_tells_the_member_and_is_audited(
    client, ao_cop, django_capture_on_commit_callbacks
):
    community, facilitator = ao_cop
    member = testing.make_user()
    membership = testing.seat(community, member)
    client.force_login(facilitator)
    url = reverse("memberships:remove", args=[community.slug, membership.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Shared a confidential summary outside"})
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).status == "removed"
    assert "Shared a confidential summary outside" in mail.outbox[-1].body
    entry = AuditEntry.objects.get(action="membership.removed")
    assert entry.actor == facilitator and entry.subject == member


def test_on_leave_member_reads_but_does_not_contribute(ao_cop):
    community, _ = ao_cop
    member = testing.make_user()
    testing.seat(community, member)
    services.set_on_leave(actor=member, community=community, on_leave=True)
    assert permissions.can(member, "community.read", community)
    assert not permissions.can(member, "community.contribute", community)
    services.set_on_leave(actor=member, community=community, on_leave=False)
    assert permissions.can(member, "community.contribute", community)


def test_delegate_reads_as_a_member_without_taking_a_seat(ao_cop):
    community, facilitator = ao_cop
    principal = testing.seat(community, testing.make_user())
    deputy = testing.make_user()
    before = community.member_count
    invitation = services.invite_delegate(
        actor=facilitator, community=community, email=deputy.email, principal=principal
    )
    assert not permissions.can(deputy, "community.read", community)  # not until they accept
    services.accept_invitation(
        actor=deputy, invitation=invitation, accepted_norms_version=community.norms_version
    )
    community.refresh_from_db()
    assert community.member_count == before
    assert permissions.can(deputy, "community.read", community)
    # The delegate's standing ends with the principal's.
    services.remove_member(actor=facilitator, membership=principal, reason="Moved on")
    permissions.forget_standings(deputy)
    assert not permissions.can(deputy, "community.read", community)


def test_last_facilitator_cannot_step_down_alone(ao_cop):
    community, facilitator = ao_cop
    membership = Membership.objects.get(community=community, user=facilitator)
    with pytest.raises(services.NotAllowed):
        services.change_role(actor=facilitator, membership=membership, role="member")


def test_facilitator_sees_size_band_and_who_is_waiting(client, ao_cop):
    community, facilitator = ao_cop
    services.request_to_join(
        actor=testing.make_user(name="Wendy Waiting"), community=community, note=""
    )
    client.force_login(facilitator)
    page = client.get(reverse("memberships:manage", args=[community.slug]))
    assert b"Fragile" in page.content
    assert b"Waiting to join (1)" in page.content and b"Wendy Waiting" in page.content


def test_invitee_without_an_account_signs_up_through_the_link_without_a_second_verification(
    client, ao_cop, settings, django_capture_on_commit_callbacks
):
    community, facilitator = ao_cop
    # The community is capped per organisation: the newcomer's address is in
    # a domain their organisation claims, so signing up verifies it.
    from copse.organisations.models import OrganisationDomain

    OrganisationDomain.objects.create(
        organisation=testing.make_organisation("Example Ltd"), domain="example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            actor=facilitator, community=community, email="newcomer@example.com"
        )
    path = links.invitation_url(invitation).removeprefix(settings.BASE_URL)
    landing = client.get(path)
    assert landing.status_code == 200 and b"Create an account" in landing.content
    mail.outbox.clear()
    signup = client.post(
        reverse("account_signup") + f"?next={path}",
        {
            "display_name": "Nina Newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert signup.status_code == 302, signup.content[:500]
    assert signup["Location"] == path
    assert not [m for m in mail.outbox if "confirm" in m.subject.lower()]
    accept = client.post(path, {"norms_version": 1, "accept": "on"})
    assert accept.status_code == 302 and accept["Location"] == community.get_absolute_url()
    assert (
        Membership.objects.get(community=community, user__email="newcomer@example.com").status
        == "active"
    )


def test_a_facilitator_appoints_a_delegate_by_two_addresses(client, db):
    community = testing.make_community()
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    principal = testing.make_user("cio@contoso.example")
    testing.seat(community, principal)
    deputy = testing.make_user("deputy@contoso.example")
    client.force_login(facilitator)
    url = reverse("memberships:appoint_delegate", args=[community.slug])
    response = client.post(url, {"email": deputy.email, "principal": "nobody@example.com"})
    assert response.status_code == 302
    assert not community.memberships.filter(user=deputy).exists()
    client.post(url, {"email": "DEPUTY@contoso.example", "principal": "CIO@contoso.example"})
    # The address is invited; the seat is theirs once they accept.
    assert not community.memberships.filter(user=deputy).exists()
    (invitation,) = Invitation.objects.filter(community=community, email="deputy@contoso.example")
    assert (invitation.role, invitation.principal.user) == ("delegate", principal)
    client.force_login(deputy)
    page = client.get(reverse("memberships:invitation", args=[links.invitation_token(invitation)]))
    assert f"to read on behalf of {principal.name}" in page.content.decode()
    client.post(
        reverse("memberships:invitation", args=[links.invitation_token(invitation)]),
        {"norms_version": 0, "accept": "on"},
    )
    delegate = community.memberships.get(user=deputy)
    assert delegate.role == "delegate" and delegate.principal.user == principal
    assert delegate.seated_by == facilitator


def test_the_delegate_form_answers_the_same_whether_or_not_the_address_has_an_account(client, db):
    community = testing.make_community()
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    principal = testing.make_user("cio@contoso.example")
    testing.seat(community, principal)
    testing.make_user("known@contoso.example")
    client.force_login(facilitator)
    url = reverse("memberships:appoint_delegate", args=[community.slug])
    answers = []
    for address in ("known@contoso.example", "unknown@contoso.example"):
        response = client.post(url, {"email": address, "principal": principal.email}, follow=True)
        told = [str(m).replace(address, "ADDRESS") for m in response.context["messages"]]
        answers.append((response.status_code, told))
    assert answers[0] == answers[1]
    assert answers[0][1] == [f"Invitation sent to ADDRESS to read on behalf of {principal.name}."]
