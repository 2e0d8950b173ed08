"""Organisations tied to sign-in providers: tying verifies everyone who signs
in through the provider, untying or disconnecting takes it away (and falls
back on what still holds), and only a site administrator ties anything.

A connection is allauth's `SocialAccount`, made here as a sign-in through
the provider would leave it (the sign-in itself is tested against a real
provider in copse/sso/tests)."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.organisations import services
from copse.organisations.models import OrganisationDomain, OrganisationProvider
from copse.sso.configuration import sign_in_providers


@pytest.fixture
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(
        {
            "COPSE_OIDC_PROVIDERS": json.dumps(
                [
                    {
                        "id": pid,
                        "name": name,
                        "server_url": f"https://login.{pid}.example/realms/staff",
                        "client_id": "copse",
                        "secret": "s3cret-value",
                    }
                    for pid, name in (("alpha", "Alpha University"), ("beta", "Beta Institute"))
                ]
            )
        }
    )


def _connected(user, provider_id):
    return SocialAccount.objects.create(user=user, provider=provider_id, uid=f"uid-{user.pk}")


def _edit(client, organisation, **changes):
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "parent_institution": "",
        "domains": "\n".join(organisation.domains.values_list("domain", flat=True)),
        **changes,
    }
    return client.post(reverse("organisations:edit", args=[organisation.pk]), data)


def test_the_form_offers_only_the_configured_providers(client, db, providers):
    alpha = testing.make_organisation("Alpha University")
    client.force_login(testing.make_site_admin())
    page = client.get(reverse("organisations:edit", args=[alpha.pk])).content.decode()
    assert "<legend>Sign-in providers</legend>" in page
    assert "Alpha University (alpha)" in page and "Beta Institute (beta)" in page


def test_without_providers_the_form_and_list_are_as_before(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    alpha = testing.make_organisation("Alpha University")
    client.force_login(testing.make_site_admin())
    page = client.get(reverse("organisations:edit", args=[alpha.pk])).content.decode()
    assert "Sign-in providers" not in page
    assert "Sign-in providers" not in client.get(reverse("organisations:list")).content.decode()


def test_tying_a_provider_verifies_everyone_who_signed_in_through_it(client, db, providers):
    admin = testing.make_site_admin()
    alpha = testing.make_organisation("Alpha University")
    ada = testing.make_user(name="Ada Lovelace")
    ben = testing.make_user(name="Ben Okafor")
    shut = testing.make_user(name="Shut Account", is_active=False)
    _connected(ada, "alpha")
    _connected(ben, "beta")
    _connected(shut, "alpha")
    client.force_login(admin)
    response = _edit(client, alpha, providers=["alpha"])
    assert response.status_code == 302
    assert list(alpha.providers.values_list("provider_id", flat=True)) == ["alpha"]
    for person in (ada, ben, shut):
        person.refresh_from_db()
    assert (ada.organisation, ada.organisation_source) == (alpha, "provider")
    assert ben.organisation is None and shut.organisation is None
    changed = AuditEntry.objects.get(action="organisation.changed", actor=admin)
    assert changed.detail["providers"] == ["alpha"]
    list_page = client.get(reverse("organisations:list")).content.decode()
    assert "Alpha University (alpha)" in list_page


def test_untying_takes_it_away_and_what_still_holds_applies(client, db, providers):
    admin = testing.make_site_admin()
    alpha = testing.make_organisation("Alpha University")
    by_domain = testing.make_organisation("Alpha Staff by address")
    OrganisationDomain.objects.create(organisation=by_domain, domain="alpha.example")
    OrganisationProvider.objects.create(organisation=alpha, provider_id="alpha")
    ada = testing.make_user("ada@alpha.example")
    uma = testing.make_user("uma@mail.example")
    for person in (ada, uma):
        _connected(person, "alpha")
        services.verify_from_provider(user_id=person.pk, provider_id="alpha")
        person.refresh_from_db()
        assert person.organisation == alpha
    client.force_login(admin)
    assert _edit(client, alpha, providers=[]).status_code == 302
    ada.refresh_from_db()
    uma.refresh_from_db()
    # Ada still holds a confirmed address in a claimed domain; Uma holds nothing.
    assert (ada.organisation, ada.organisation_source) == (by_domain, "domain")
    assert uma.organisation is None and uma.organisation_source == ""
    lost = AuditEntry.objects.filter(action="organisation.provider_lost")
    assert {(e.subject, e.actor) for e in lost} == {(ada, admin), (uma, admin)}


def test_disconnecting_the_provider_takes_its_organisation_away(client, db, providers):
    alpha = testing.make_organisation("Alpha University")
    OrganisationProvider.objects.create(organisation=alpha, provider_id="alpha")
    ada = testing.make_user(name="Ada Lovelace")
    account = _connected(ada, "alpha")
    services.verify_from_provider(user_id=ada.pk, provider_id="alpha")
    client.force_login(ada)
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Alpha University" in page
    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.filter(user=ada).exists()
    ada.refresh_from_db()
    assert ada.organisation is None
    assert AuditEntry.objects.filter(action="organisation.provider_lost", subject=ada).exists()
    assert AuditEntry.objects.filter(
        action="sign_in.provider_disconnected", actor=ada, detail__provider="alpha"
    ).exists()


def test_a_provider_tied_elsewhere_cannot_be_tied_again(client, db, providers):
    alpha = testing.make_organisation("Alpha University")
    other = testing.make_organisation("Other")
    OrganisationProvider.objects.create(organisation=alpha, provider_id="alpha")
    client.force_login(testing.make_site_admin())
    response = _edit(client, other, providers=["alpha", "beta"], domains="other.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "alpha is already tied to Alpha University" in page
    assert "other.example" in page  # what was typed is kept
    assert not other.providers.exists()


def test_a_provider_no_longer_configured_stays_listed_until_untied(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    alpha = testing.make_organisation("Alpha University")
    OrganisationProvider.objects.create(organisation=alpha, provider_id="gone")
    client.force_login(testing.make_site_admin())
    page = client.get(reverse("organisations:edit", args=[alpha.pk])).content.decode()
    assert "gone (no longer configured)" in page
    assert _edit(client, alpha, providers=[]).status_code == 302
    assert not alpha.providers.exists()


def test_nobody_but_a_site_administrator_ties_a_provider(client, db, providers):
    alpha = testing.make_organisation("Alpha University")
    for person in (testing.make_user(organisation=alpha), testing.make_user()):
        client.force_login(person)
        assert _edit(client, alpha, providers=["alpha"]).status_code == 404
    assert not alpha.providers.exists()
    with pytest.raises(services.NotAllowed):
        services.save_organisation(
            actor=testing.make_user(), organisation=alpha, providers=["alpha"]
        )


def test_an_address_never_overrides_a_provider_but_a_site_administrator_does(db, providers):
    alpha = testing.make_organisation("Alpha University")
    other = testing.make_organisation("Other")
    OrganisationProvider.objects.create(organisation=alpha, provider_id="alpha")
    OrganisationDomain.objects.create(organisation=other, domain="other.example")
    ada = testing.make_user("ada@mail.example")
    _connected(ada, "alpha")
    services.verify_from_provider(user_id=ada.pk, provider_id="alpha")
    address = EmailAddress.objects.create(user=ada, email="ada@other.example", verified=True)
    assert not services.verify_from_address(email_address=address)
    ada.refresh_from_db()
    assert (ada.organisation, ada.organisation_source) == (alpha, "provider")
    services.set_organisation(actor=testing.make_site_admin(), user=ada, organisation=other)
    assert not services.verify_from_provider(user_id=ada.pk, provider_id="alpha")
    ada.refresh_from_db()
    assert (ada.organisation, ada.organisation_source) == (other, "admin")


def test_the_organisation_list_runs_a_fixed_number_of_queries(
    client, db, providers, django_assert_max_num_queries
):
    admin = testing.make_site_admin()
    client.force_login(admin)

    def add(n):
        for _ in range(n):
            organisation = testing.make_organisation()
            OrganisationDomain.objects.create(
                organisation=organisation, domain=f"o{organisation.pk}.example"
            )
            OrganisationProvider.objects.create(
                organisation=organisation, provider_id=f"p{organisation.pk}"
            )

    add(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("organisations:list")).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("organisations:list")).status_code == 200


def test_deleting_an_account_reassesses_nothing_about_it(db, providers):
    """Its connections and addresses go first; no organisation is given to,
    and nothing is audited about, an account on its way out."""
    alpha = testing.make_organisation("Alpha University")
    other = testing.make_organisation("Other")
    OrganisationProvider.objects.create(organisation=alpha, provider_id="alpha")
    OrganisationDomain.objects.create(organisation=other, domain="other.example")
    leaving = testing.make_user("leaving@other.example")
    services.verify_from_address(email_address=EmailAddress.objects.get(user=leaving))
    leaving.refresh_from_db()
    assert (leaving.organisation, leaving.organisation_source) == (other, "domain")
    _connected(leaving, "alpha")
    AuditEntry.objects.all().delete()
    leaving.delete()
    assert not AuditEntry.objects.exists()
