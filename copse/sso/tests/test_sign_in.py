"""Signing in through an institution's provider, for real: Copse's sign-in
page, the provider's authorize and sign-in pages, the callback, the code
exchanged at the provider's token endpoint and the ID token checked, in the
test provider started by conftest.py. Then the attacks."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from copse import testing
from copse.accounts.models import User
from copse.audit.models import AuditEntry
from copse.organisations.models import OrganisationDomain, OrganisationProvider
from copse.sso.tests.conftest import CLIENTS, Journey, configure, form_with_button


@pytest.fixture
def journey(client, sso):
    return Journey(client, sso)


@pytest.fixture
def alpha(db):
    """Alpha University, tied to the "alpha" provider and claiming alpha.example."""
    organisation = testing.make_organisation("Alpha University", kind="company")
    OrganisationProvider.objects.create(organisation=organisation, provider_id="alpha")
    return organisation


@pytest.fixture
def beta(db):
    organisation = testing.make_organisation("Beta Institute")
    OrganisationProvider.objects.create(organisation=organisation, provider_id="beta")
    return organisation


def _signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


# --- The sign-in page -------------------------------------------------------------


def test_without_a_configured_provider_the_sign_in_page_is_as_before(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with" not in page
    assert "institution" not in page
    assert "/accounts/oidc/" not in page


def test_the_sign_in_page_has_a_button_for_each_provider_in_a_csrf_protected_form(client, sso):
    page = client.get(reverse("account_login")).content.decode()
    for provider_id, provider in CLIENTS.items():
        assert f"Sign in with {provider['name']}" in page
        form = re.search(
            rf'<form method="post" action="(/accounts/oidc/{provider_id}/login/[^"]*)">\s*'
            r'<input type="hidden" name="csrfmiddlewaretoken"',
            page,
        )
        assert form, f"no POST form for {provider_id}"
    # Headings in order: the page's h1, then this section's h2.
    assert page.index("<h1") < page.index('<h2 id="sign-in-providers-h"')


def test_a_link_from_elsewhere_starts_nothing(client, sso):
    """GET shows a page with a button; only its POST goes to the provider."""
    response = client.get("/accounts/oidc/alpha/login/?process=login")
    assert response.status_code == 200
    assert b"Continue to Alpha University" in response.content


def test_starting_a_sign_in_without_the_csrf_token_is_refused(sso):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/oidc/alpha/login/?process=login")
    assert response.status_code == 403
    assert "Location" not in response


# --- The whole way through -----------------------------------------------------------


def test_a_person_signs_in_through_their_institution_and_gets_its_organisation(
    client, journey, alpha
):
    answer = journey.sign_in("alpha", "ada")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("home:index")
    ada = _signed_in_user(client)
    assert ada is not None
    assert (ada.email, ada.display_name) == ("ada@alpha.example", "Ada Lovelace")
    assert (ada.organisation, ada.organisation_source) == (alpha, "provider")
    assert ada.organisation_verified_by is None and ada.organisation_verified_at is not None
    assert not ada.has_usable_password()
    assert EmailAddress.objects.get(user=ada).verified
    account = SocialAccount.objects.get(user=ada)
    assert account.provider == "alpha"
    # The ID token came from the provider's token endpoint and was checked
    # against its issuer and this client; allauth keeps its claims.
    claims = account.extra_data["id_token"]
    assert claims["iss"] == journey.provider.url and claims["aud"] == "alpha"
    entry = AuditEntry.objects.get(action="organisation.verified_by_provider", subject=ada)
    assert entry.detail == {"organisation": "Alpha University", "provider": "alpha"}
    # The provider's pages were used: authorize, its sign-in, authorize again.
    assert any("/o/authorize/" in page for page in journey.provider_pages)
    assert client.get(reverse("home:index")).status_code == 200


def test_signing_in_again_opens_the_same_account(client, sso, alpha):
    Journey(client, sso).sign_in("alpha", "ada")
    first = _signed_in_user(client)
    client.logout()
    answer = Journey(client, sso).sign_in("alpha", "ada")
    assert answer.status_code == 302
    assert _signed_in_user(client) == first
    assert User.objects.filter(email="ada@alpha.example").count() == 1


def test_a_verified_address_from_the_provider_verifies_a_domain_organisation(client, journey):
    """No tie to the provider: the address it vouches for does the work."""
    alpha_domain = testing.make_organisation("Alpha by its domain")
    OrganisationDomain.objects.create(organisation=alpha_domain, domain="alpha.example")
    journey.sign_in("alpha", "ada")
    ada = _signed_in_user(client)
    assert (ada.organisation, ada.organisation_source) == (alpha_domain, "domain")


def test_the_provider_outranks_a_domain_and_a_site_administrator_outranks_both(client, sso, alpha):
    other = testing.make_organisation("Other by its domain")
    OrganisationDomain.objects.create(organisation=other, domain="alpha.example")
    Journey(client, sso).sign_in("alpha", "ada")
    ada = _signed_in_user(client)
    assert (ada.organisation, ada.organisation_source) == (alpha, "provider")

    from copse.organisations import services

    chosen = testing.make_organisation("Chosen by an administrator")
    services.set_organisation(actor=testing.make_site_admin(), user=ada, organisation=chosen)
    client.logout()
    Journey(client, sso).sign_in("alpha", "ada")
    ada.refresh_from_db()
    assert (ada.organisation, ada.organisation_source) == (chosen, "admin")


def test_a_name_copse_refuses_is_asked_for_on_a_form(client, journey, alpha):
    testing.make_user("maria@elsewhere.example", name="Maria Lopez")
    answer = journey.sign_in("alpha", "ann")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("socialaccount_signup")
    assert _signed_in_user(client) is None
    form = client.get(answer["Location"])
    page = form.content.decode()
    assert form.status_code == 200 and "One more step" in page
    assert 'value="Mаria Lopez"' in page  # suggested, to be corrected
    refused = client.post(
        reverse("socialaccount_signup"),
        {"display_name": "Mаria Lopez", "email": "ann@alpha.example"},
    )
    assert refused.status_code == 200
    assert "already has this name or one that looks the same" in refused.content.decode()
    done = client.post(
        reverse("socialaccount_signup"),
        {"display_name": "Ann Moreau", "email": "ann@alpha.example"},
    )
    assert done.status_code == 302
    ann = _signed_in_user(client)
    assert ann.display_name == "Ann Moreau"
    assert (ann.organisation, ann.organisation_source) == (alpha, "provider")


def test_a_name_on_several_lines_becomes_one_line(client, journey):
    journey.sign_in("alpha", "ned")
    assert _signed_in_user(client).display_name == "Ned Bcc: x"


def test_a_name_with_a_control_character_is_asked_for_again(client, journey):
    answer = journey.sign_in("alpha", "zed")
    assert answer["Location"] == reverse("socialaccount_signup")
    assert _signed_in_user(client) is None
    assert not User.objects.filter(email="zed@alpha.example").exists()


def test_a_person_with_a_password_connects_their_institution_then_signs_in_through_it(
    client, sso, alpha
):
    vic = testing.make_user("vic@alpha.example", name="Victoria Diaz")
    refused = Journey(client, sso).sign_in("alpha", "vic")
    assert _signed_in_user(client) is None  # the address alone opens nothing
    assert refused["Location"] == reverse("account_email_verification_sent")

    client.force_login(vic)
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "not connected to any institution" in page
    form = form_with_button(page, "Connect Alpha University")
    started = client.post(form["action"], form["inputs"])
    connected = Journey(client, sso).through_provider(started, "vic")
    assert connected["Location"] == reverse("socialaccount_connections")
    assert SocialAccount.objects.get(user=vic).provider == "alpha"
    entry = AuditEntry.objects.get(action="sign_in.provider_connected")
    assert (entry.actor, entry.subject, entry.detail) == (vic, vic, {"provider": "alpha"})
    vic.refresh_from_db()
    assert (vic.organisation, vic.organisation_source) == (alpha, "provider")
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Alpha University" in page and "as vic@alpha.example" in page

    client.logout()
    Journey(client, sso).sign_in("alpha", "vic")
    assert _signed_in_user(client) == vic
    vic.refresh_from_db()
    assert vic.has_usable_password()


def test_signing_in_through_a_provider_still_asks_for_the_second_factor(client, sso, alpha):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    Journey(client, sso).sign_in("alpha", "ada")
    ada = _signed_in_user(client)
    TOTP.activate(ada, generate_totp_secret())
    client.logout()
    answer = Journey(client, sso).sign_in("alpha", "ada")
    assert answer["Location"] == reverse("mfa_authenticate")
    assert _signed_in_user(client) is None


# --- Attacks ------------------------------------------------------------------------


def test_a_providers_address_does_not_open_the_local_account_with_that_address(
    client, journey, alpha
):
    """Eve's provider says she holds victim@alpha.example, verified. The
    local account with that address stays closed to her."""
    victim = testing.make_user("victim@alpha.example", name="Victor Victim")
    mail.outbox.clear()
    answer = journey.sign_in("alpha", "eve")
    assert _signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert User.objects.filter(email="victim@alpha.example").count() == 1
    victim.refresh_from_db()
    assert victim.has_usable_password()  # not wiped, not taken over
    assert victim.organisation is None
    # The page says what it says for any new address (nothing about the
    # account); the account's owner is told by mail that someone tried.
    assert answer.status_code == 302
    assert answer["Location"] == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["victim@alpha.example"]]


def test_the_sign_up_form_after_a_provider_does_not_open_the_local_account_either(
    client, journey, alpha
):
    """The provider's name for Eve looks like the local account's owner's, so
    she is asked for a name; the form then goes the same way as above."""
    victim = testing.make_user("victim@alpha.example", name="Eve Ng")
    answer = journey.sign_in("alpha", "eve")
    assert answer["Location"] == reverse("socialaccount_signup")
    mail.outbox.clear()
    done = client.post(
        reverse("socialaccount_signup"),
        {"display_name": "Eve Ng-Other", "email": "victim@alpha.example"},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email="victim@alpha.example").get() == victim
    assert [m.to for m in mail.outbox] == [["victim@alpha.example"]]


def test_an_unverified_address_from_the_provider_gets_no_organisation(client, journey, alpha):
    OrganisationDomain.objects.create(organisation=alpha, domain="alpha.example")
    mail.outbox.clear()
    answer = journey.sign_in("alpha", "uma")
    assert answer["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user(client) is None
    uma = User.objects.get(email="uma@alpha.example")
    assert uma.organisation is None
    assert not EmailAddress.objects.get(user=uma).verified
    assert [m.to for m in mail.outbox] == [["uma@alpha.example"]]  # confirm it first


@pytest.mark.parametrize("username", ["sid", "noe"])
def test_the_string_false_or_no_claim_at_all_is_not_a_verified_address(
    client, journey, alpha, username
):
    """ "false" is a non-empty string, true to Python; a missing claim is no."""
    OrganisationDomain.objects.create(organisation=alpha, domain="alpha.example")
    journey.sign_in("alpha", username)
    assert _signed_in_user(client) is None
    person = User.objects.get(email=f"{username}@alpha.example")
    assert person.organisation is None
    assert not EmailAddress.objects.filter(user=person, verified=True).exists()


def test_a_trusted_domain_makes_the_providers_address_verified_for_that_provider_only(
    client, settings, sso, alpha
):
    configure(settings, sso.configuration(alpha={"trusted_email_domains": ["alpha.example"]}))
    Journey(client, sso).sign_in("alpha", "uma")
    uma = _signed_in_user(client)
    assert uma is not None and EmailAddress.objects.get(user=uma).verified
    assert (uma.organisation, uma.organisation_source) == (alpha, "provider")


def test_a_person_from_provider_a_does_not_get_organisation_b(client, sso, alpha, beta):
    Journey(client, sso).sign_in("alpha", "ada")
    ada = _signed_in_user(client)
    assert ada.organisation == alpha
    client.logout()
    Journey(client, sso).sign_in("beta", "ben")
    ben = _signed_in_user(client)
    assert ben.organisation == beta
    ada.refresh_from_db()
    assert ada.organisation == alpha
    # Ben's address is in Beta's domain; claiming it for Alpha changes nothing
    # for him while Beta's provider vouches for him.
    OrganisationDomain.objects.create(organisation=alpha, domain="beta.example")
    client.logout()
    Journey(client, sso).sign_in("beta", "ben")
    ben.refresh_from_db()
    assert ben.organisation == beta


def test_an_inactive_account_cannot_come_back_through_its_provider(client, sso, alpha):
    Journey(client, sso).sign_in("alpha", "ivy")
    ivy = _signed_in_user(client)
    client.logout()
    User.objects.filter(pk=ivy.pk).update(
        is_active=False, organisation=None, organisation_source=""
    )
    answer = Journey(client, sso).sign_in("alpha", "ivy")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("account_inactive")
    assert _signed_in_user(client) is None
    ivy.refresh_from_db()
    assert ivy.organisation is None  # no organisation for an account that is shut
    assert User.objects.filter(email="ivy@alpha.example").count() == 1


@pytest.mark.parametrize("address_kept", [True, False])
def test_a_deleted_account_does_not_come_back(client, sso, alpha, address_kept):
    """Deleting an account ends its connections and shuts the account (its
    row may stay, for what it wrote under "former member"). Signing in again
    through the provider never reaches it: with its address still on the
    shut account nobody is signed in, and with the address gone a new,
    empty account is made, as signing up again would."""
    Journey(client, sso).sign_in("alpha", "ivy")
    ivy = _signed_in_user(client)
    client.logout()
    SocialAccount.objects.filter(user=ivy).delete()
    ivy.refresh_from_db()
    assert ivy.organisation is None  # it came from the connection just ended
    ivy.is_active = False
    if not address_kept:
        ivy.email = f"deleted-{ivy.pk}@invalid"
        ivy.display_name = ""
        EmailAddress.objects.filter(user=ivy).delete()
    ivy.save()
    Journey(client, sso).sign_in("alpha", "ivy")
    again = _signed_in_user(client)
    if address_kept:
        assert again is None
    else:
        assert again is not None and again.pk != ivy.pk
    assert not SocialAccount.objects.filter(user=ivy).exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_cannot_send_anyone_off_site(client, journey, alpha, next_url):
    answer = journey.sign_in("alpha", "ada", next_url=next_url)
    assert _signed_in_user(client) is not None
    assert answer.status_code == 302
    assert answer["Location"] == reverse("home:index")


def test_next_on_this_site_is_kept(client, journey, alpha):
    answer = journey.sign_in("alpha", "ada", next_url="/accounts/profile/")
    assert answer["Location"] == "/accounts/profile/"


def test_a_callback_with_a_state_from_another_session_signs_nobody_in(client, sso, alpha):
    """The code and state came back to another browser (a login CSRF):
    allauth keeps the state in the session that started the sign-in."""
    from django.test import Client

    victim_browser = Client()
    started = client.post(
        "/accounts/oidc/alpha/login/?process=login",
    )
    journey = Journey(victim_browser, sso)
    answer = journey.through_provider(started, "ada")
    assert _signed_in_user(victim_browser) is None
    assert answer.status_code == 401
    assert b"did not work" in answer.content


def test_a_forged_code_signs_nobody_in(client, sso, alpha):
    started = client.post("/accounts/oidc/alpha/login/?process=login")
    state = re.search(r"state=([^&]+)", started["Location"])[1]
    answer = client.get(f"/accounts/oidc/alpha/login/callback/?code=forged&state={state}")
    assert answer.status_code == 401
    assert _signed_in_user(client) is None
    assert not User.objects.exists()


def test_an_unknown_provider_is_a_404(client, sso):
    assert client.post("/accounts/oidc/gamma/login/").status_code == 404
    assert client.get("/accounts/oidc/gamma/login/callback/?code=x&state=y").status_code == 404
