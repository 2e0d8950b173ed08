"""Organisations are verified, not self-declared: attacks on caps and counts,
and the two honest ways an organisation is set (a domain, a site administrator)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from copse import testing
from copse.accounts.models import User
from copse.audit.models import AuditEntry
from copse.conversations import selectors as conversation_selectors
from copse.conversations import services as conversation_services
from copse.memberships import links
from copse.memberships import services as membership_services
from copse.memberships.models import Membership
from copse.organisations import services
from copse.organisations.models import OrganisationDomain, OrganisationRequest


@pytest.fixture
def capped(db):
    """An open community taking at most two people from each organisation."""
    community = testing.make_community(
        name="Applications Circle",
        visibility="members",
        join_policy="open",
        per_organisation_cap=2,
    )
    contoso = testing.make_organisation("Contoso")
    OrganisationDomain.objects.create(organisation=contoso, domain="contoso.example")
    fabrikam = testing.make_organisation("Fabrikam")
    OrganisationDomain.objects.create(organisation=fabrikam, domain="fabrikam.example")
    return community, contoso, fabrikam


def _join(client, user, community):
    client.force_login(user)
    return client.post(
        reverse("memberships:join", args=[community.slug]), {"norms_version": 0, "accept": "on"}
    )


def _fill_contoso(community, contoso):
    colleagues = [
        testing.make_user(name="Carol Colleague", organisation=contoso),
        testing.make_user(name="Chen Coworker", organisation=contoso),
    ]
    for colleague in colleagues:
        testing.seat(community, colleague)
    return colleagues


def _confirm_address(client, user, email):
    """Add an address on the allauth page and follow the link mailed to it."""
    client.force_login(user)
    mail.outbox.clear()
    cache.clear()  # allauth limits confirmation mail per address, across tests too
    response = client.post(reverse("account_email"), {"action_add": "", "email": email})
    assert response.status_code in (200, 302), response.content[:300]
    (message,) = [m for m in mail.outbox if email in m.to]
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)[1]
    return client.post(path)


# --- Picking an organisation does nothing ---------------------------------------


def test_picking_another_organisation_on_the_profile_changes_nothing(client, capped):
    community, contoso, fabrikam = capped
    _fill_contoso(community, contoso)
    dev = testing.make_user("dev@contoso.example", name="Dev Patel", organisation=contoso)
    client.force_login(dev)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Dev Patel",
            "job_title": "CIO",
            "time_zone": "UTC",
            "bio": "",
            "organisation": str(fabrikam.pk),
            "organisation_source": "admin",
        },
    )
    assert response.status_code == 302
    dev.refresh_from_db()
    assert (dev.organisation, dev.organisation_source) == (contoso, "admin")
    refused = _join(client, dev, community)
    assert refused.status_code == 409
    assert not Membership.objects.filter(community=community, user=dev).exists()


def test_having_no_organisation_does_not_get_round_a_cap(client, capped):
    community, contoso, _ = capped
    _fill_contoso(community, contoso)
    # A Contoso employee whose address is at a public mail service.
    sneaky = testing.make_user("dev.contoso@mail.example")
    response = _join(client, sneaky, community)
    assert response.status_code == 409
    assert b"your organisation is not verified yet; ask for it on your profile" in response.content
    assert not Membership.objects.filter(community=community, user=sneaky).exists()


def test_dropping_your_organisation_does_not_get_round_a_cap(client, capped):
    community, contoso, _ = capped
    _fill_contoso(community, contoso)
    dev = testing.make_user(organisation=contoso)
    client.force_login(dev)
    assert client.post(reverse("accounts:organisation_leave")).status_code == 302
    dev.refresh_from_db()
    assert dev.organisation is None
    assert _join(client, dev, community).status_code == 409
    assert not Membership.objects.filter(community=community, user=dev).exists()
    assert AuditEntry.objects.filter(action="organisation.left", subject=dev).exists()


def test_an_unverified_invitee_is_not_seated_in_a_capped_community(client, capped):
    community, _, _ = capped
    facilitator = testing.make_user(organisation=testing.make_organisation())
    testing.seat(community, facilitator, role="facilitator")
    invitation = membership_services.invite(
        actor=facilitator, community=community, email="newcomer@mail.example"
    )
    newcomer = testing.make_user("newcomer@mail.example")
    client.force_login(newcomer)
    path = links.invitation_url(invitation).split("/invitations/", 1)[1]
    response = client.post(f"/invitations/{path}", {"norms_version": 0, "accept": "on"})
    assert response.status_code == 409
    assert b"not verified yet" in response.content
    assert not Membership.objects.filter(community=community, user=newcomer).exists()


def test_a_verified_member_is_seated_with_the_organisation_fixed_at_joining(client, capped):
    community, contoso, fabrikam = capped
    dev = testing.make_user(organisation=contoso)
    assert _join(client, dev, community).status_code == 302
    # Moving on later does not move the seat to another organisation's count.
    services.set_organisation(actor=testing.make_site_admin(), user=dev, organisation=fabrikam)
    assert Membership.objects.get(community=community, user=dev).organisation == contoso


def test_cap_refusal_names_no_colleague_and_gives_no_count(client, capped):
    community, contoso, _ = capped
    colleagues = _fill_contoso(community, contoso)
    dev = testing.make_user(organisation=contoso)
    with pytest.raises(membership_services.OrganisationCapReached) as refused:
        membership_services.join_community(actor=dev, community=community, accepted_norms_version=0)
    assert not re.search(r"\d", refused.value.message), refused.value.message
    response = _join(client, dev, community)
    assert response.status_code == 409
    page = response.content.decode()
    assert "places in Applications Circle for people from your organisation are taken" in page
    for colleague in colleagues:
        assert colleague.name not in page and colleague.email not in page
    assert "Contoso" not in page


# --- A confirmed address in a claimed domain ------------------------------------


def test_a_confirmed_address_in_a_claimed_domain_sets_the_organisation(client, capped):
    community, contoso, _ = capped
    dev = testing.make_user("dev@mail.example")
    response = _confirm_address(client, dev, "dev@contoso.example")
    assert response.status_code == 302
    dev.refresh_from_db()
    assert (dev.organisation, dev.organisation_source) == (contoso, "domain")
    entry = AuditEntry.objects.get(action="organisation.verified_by_domain", subject=dev)
    assert entry.detail["domain"] == "contoso.example"
    assert _join(client, dev, community).status_code == 302
    assert Membership.objects.get(community=community, user=dev).organisation == contoso


def test_an_unconfirmed_address_in_the_domain_sets_nothing(client, capped):
    community, _, _ = capped
    dev = testing.make_user("dev@mail.example")
    client.force_login(dev)
    client.post(reverse("account_email"), {"action_add": "", "email": "dev@contoso.example"})
    assert EmailAddress.objects.filter(user=dev, email="dev@contoso.example").exists()
    dev.refresh_from_db()
    assert dev.organisation is None
    assert _join(client, dev, community).status_code == 409


@pytest.mark.parametrize(
    "address", ["dev@mail.contoso.example", "dev@evilcontoso.example", "dev@contoso.example.evil"]
)
def test_a_lookalike_domain_sets_nothing(client, capped, address):
    dev = testing.make_user("dev@mail.example")
    _confirm_address(client, dev, address)
    dev.refresh_from_db()
    assert dev.organisation is None


def test_a_site_administrators_decision_stands_against_an_address(client, capped):
    _, contoso, fabrikam = capped
    dev = testing.make_user("dev@mail.example")
    services.set_organisation(actor=testing.make_site_admin(), user=dev, organisation=fabrikam)
    _confirm_address(client, dev, "dev@contoso.example")
    dev.refresh_from_db()
    assert (dev.organisation, dev.organisation_source) == (fabrikam, "admin")


def test_removing_the_address_takes_the_domain_organisation_away(client, capped):
    _, contoso, _ = capped
    dev = testing.make_user("dev@mail.example")
    _confirm_address(client, dev, "dev@contoso.example")
    dev.refresh_from_db()
    assert dev.organisation == contoso
    EmailAddress.objects.get(user=dev, email="dev@contoso.example").delete()
    dev.refresh_from_db()
    assert dev.organisation is None and dev.organisation_source == ""
    assert AuditEntry.objects.filter(action="organisation.domain_lost", subject=dev).exists()


def test_claiming_a_domain_verifies_people_already_confirmed_there(client, db):
    admin = testing.make_site_admin()
    early = testing.make_user("early@litware.example")
    unconfirmed = testing.make_user("other@mail.example")
    EmailAddress.objects.create(user=unconfirmed, email="late@litware.example", verified=False)
    litware = testing.make_organisation("Litware")
    client.force_login(admin)
    response = client.post(
        reverse("organisations:edit", args=[litware.pk]),
        {
            "name": "Litware",
            "kind": "company",
            "parent_institution": "",
            "domains": "Litware.example",
        },
    )
    assert response.status_code == 302
    assert list(litware.domains.values_list("domain", flat=True)) == ["litware.example"]
    early.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert (early.organisation, early.organisation_source) == (litware, "domain")
    assert unconfirmed.organisation is None


def test_a_public_mail_domain_or_anothers_domain_cannot_be_claimed(client, capped):
    _, contoso, fabrikam = capped
    client.force_login(testing.make_site_admin())
    response = client.post(
        reverse("organisations:edit", args=[fabrikam.pk]),
        {
            "name": "Fabrikam",
            "kind": "company",
            "parent_institution": "",
            "domains": "fabrikam.example\ngmail.com\ncontoso.example",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "gmail.com is a public mail service" in page
    assert "fabrikam.example\ngmail.com\ncontoso.example" in page  # what was typed is kept
    assert contoso.domains.get().domain == "contoso.example"


# --- Asking a site administrator ------------------------------------------------


def test_a_person_asks_and_a_site_administrator_approves_in_the_open(client, capped):
    community, contoso, _ = capped
    admin = testing.make_site_admin(name="Ada Admin")
    dev = testing.make_user("dev@mail.example", name="Dev Patel")
    client.force_login(dev)
    response = client.post(
        reverse("accounts:organisation_request"),
        {"name": "  contoso ", "note": "I run IT at Contoso; my work address bounces."},
    )
    assert response.status_code == 302
    dev.refresh_from_db()
    assert dev.organisation is None  # asking sets nothing
    request = OrganisationRequest.objects.get(user=dev, status="pending")
    assert request.name == "contoso"
    assert (
        b"You asked for <strong>contoso</strong>" in client.get(reverse("accounts:profile")).content
    )

    client.force_login(admin)
    programme = client.get(reverse("communities:programme")).content.decode()
    assert reverse("organisations:requests") in programme
    page = client.get(reverse("organisations:requests")).content.decode()
    assert "Dev Patel" in page and "dev@mail.example" in page
    assert f'<option value="{contoso.pk}" selected>' in page  # the name matched
    response = client.post(
        reverse("organisations:request_decide", args=[request.pk]),
        {"decision": "approve", "organisation": contoso.pk},
    )
    assert response.status_code == 302
    dev.refresh_from_db()
    assert (dev.organisation, dev.organisation_source) == (contoso, "admin")
    assert dev.organisation_verified_by == admin
    entry = AuditEntry.objects.get(action="organisation.request_approved")
    assert (entry.actor, entry.subject) == (admin, dev)
    assert entry.detail["new"] == "Contoso" and entry.detail["requested"] == "contoso"
    assert _join(client, dev, community).status_code == 302


def test_a_declined_request_sets_nothing_and_is_audited(client, capped):
    admin = testing.make_site_admin()
    dev = testing.make_user()
    request = services.request_change(actor=dev, name="Contoso")
    client.force_login(admin)
    client.post(reverse("organisations:request_decide", args=[request.pk]), {"decision": "decline"})
    dev.refresh_from_db()
    assert dev.organisation is None
    assert AuditEntry.objects.filter(
        action="organisation.request_declined", actor=admin, subject=dev
    ).exists()
    client.force_login(dev)
    assert b"declined your request" in client.get(reverse("accounts:profile")).content


def test_approving_needs_an_organisation_and_a_decided_request_stays_decided(client, capped):
    _, contoso, fabrikam = capped
    admin = testing.make_site_admin()
    dev = testing.make_user()
    request = services.request_change(actor=dev, name="Contoso")
    client.force_login(admin)
    url = reverse("organisations:request_decide", args=[request.pk])
    missing = client.post(url, {"decision": "approve"})
    assert missing.status_code == 400 and b"Choose the organisation to approve" in missing.content
    client.post(url, {"decision": "approve", "organisation": contoso.pk})
    again = client.post(url, {"decision": "approve", "organisation": fabrikam.pk})
    assert again.status_code == 409
    dev.refresh_from_db()
    assert dev.organisation == contoso


def test_a_site_administrator_cannot_verify_their_own_organisation(client, capped):
    _, contoso, _ = capped
    admin = testing.make_site_admin()
    request = services.request_change(actor=admin, name="Contoso")
    client.force_login(admin)
    response = client.post(
        reverse("organisations:request_decide", args=[request.pk]),
        {"decision": "approve", "organisation": contoso.pk},
    )
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.organisation is None
    with pytest.raises(services.NotAllowed):
        services.set_organisation(actor=admin, user=admin, organisation=contoso)


def test_nobody_but_a_site_administrator_decides_requests(client, capped):
    _, contoso, _ = capped
    dev = testing.make_user()
    facilitator = testing.make_user()
    request = services.request_change(actor=dev, name="Contoso")
    for person in (dev, facilitator):
        client.force_login(person)
        response = client.post(
            reverse("organisations:request_decide", args=[request.pk]),
            {"decision": "approve", "organisation": contoso.pk},
        )
        assert response.status_code == 404
    dev.refresh_from_db()
    assert dev.organisation is None


def test_asking_says_the_same_whether_the_organisation_exists_or_not(client, capped):
    dev = testing.make_user()
    client.force_login(dev)
    answers = []
    for name in ("Fabrikam", "No Such Company"):
        response = client.post(
            reverse("accounts:organisation_request"), {"name": name}, follow=True
        )
        page = response.content.decode().replace(name, "NAME")
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        answers.append(re.sub(r"/request/\d+/withdraw/", "", page))
    assert answers[0] == answers[1]
    # The second request replaced the first.
    assert OrganisationRequest.objects.filter(user=dev, status="pending").count() == 1


# --- Nobody but a site administrator sees the list -------------------------------


def test_a_person_sees_only_their_own_organisation(client, capped):
    _, contoso, _ = capped
    testing.make_organisation("Globex Hidden Holdings")
    dev = testing.make_user(organisation=contoso)
    client.force_login(dev)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Contoso" in page
    assert "Globex Hidden Holdings" not in page and "Fabrikam" not in page
    assert "<select" not in page.split('id="organisation"', 1)[1]
    for name in ("organisations:list", "organisations:new", "organisations:requests"):
        assert client.get(reverse(name)).status_code == 404
    failed = client.post(reverse("accounts:organisation_request"), {"name": ""})
    assert failed.status_code == 400
    assert "Globex Hidden Holdings" not in failed.content.decode()


# --- Counts on asks --------------------------------------------------------------


def test_ask_counts_only_verified_organisations(client, capped):
    community, contoso, fabrikam = capped
    asker = testing.make_user(organisation=contoso)
    testing.seat(community, asker)
    thread = conversation_services.start_thread(
        actor=asker, community=community, kind="ask", title="Telecom costs?", body="Who switched?"
    )
    verified = [testing.make_user(organisation=org) for org in (contoso, fabrikam)]
    claimers = [testing.make_user() for _ in range(3)]
    for n, person in enumerate(claimers):
        services.request_change(actor=person, name=f"Claimed Company {n}")
        # Trying to pick an organisation on the profile as well.
        client.force_login(person)
        client.post(
            reverse("accounts:profile"),
            {
                "display_name": person.display_name,
                "time_zone": "UTC",
                "organisation": str(testing.make_organisation().pk),
            },
        )
    for person in (*verified, *claimers):
        testing.seat(community, person)
        conversation_services.post_reply(actor=person, thread=thread, body="We did.")
    stats = conversation_selectors.ask_stats(thread)
    assert (stats.peers, stats.organisations) == (5, 2)
    assert all(User.objects.get(pk=p.pk).organisation is None for p in claimers)


def test_a_facilitator_approving_an_unverified_person_is_told_what_they_can_do(client, capped):
    community, _, _ = capped
    community.join_policy = "request"
    community.save(update_fields=["join_policy"])
    facilitator = testing.make_user(organisation=testing.make_organisation())
    testing.seat(community, facilitator, role="facilitator")
    ana = testing.make_user(name="Ana Alvarez")
    join_request = membership_services.request_to_join(actor=ana, community=community, note="")
    client.force_login(facilitator)
    response = client.post(
        reverse("memberships:decide", args=[community.slug, join_request.pk]),
        {"decision": "approve"},
        follow=True,
    )
    page = response.content.decode()
    assert "the organisation of Ana Alvarez is not verified yet" in page
    assert "your organisation" not in page
    assert not Membership.objects.filter(community=community, user=ana).exists()
