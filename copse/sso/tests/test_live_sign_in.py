"""The same sign-in over real HTTP on both sides: Copse's live server and the
test provider, both on 127.0.0.1, a client following every redirect as a
browser would; then once in Chromium, without JavaScript."""

import re
from pathlib import Path

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from copse import testing
from copse.accounts.models import User
from copse.organisations.models import OrganisationProvider
from copse.sso.tests.conftest import PASSWORD, form_with_button

# The page audit's axe-core: the demo configures no provider, so its crawl
# never sees these pages.
AXE = Path(__file__).resolve().parents[3] / "page_audit" / "vendor" / "axe.min.js"
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter((v) => ['serious', 'critical'].includes(v.impact))
  .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)"""


def _copse(live_server) -> str:
    # The provider accepts any port on 127.0.0.1 for its loopback clients.
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def alpha():
    organisation = testing.make_organisation("Alpha University")
    OrganisationProvider.objects.create(organisation=organisation, provider_id="alpha")
    return organisation


@pytest.mark.django_db(transaction=True)
def test_signing_in_over_http_from_copse_to_the_provider_and_back(live_server, sso, alpha):
    copse = _copse(live_server)
    browser = requests.Session()
    sign_in = browser.get(f"{copse}/accounts/login/?next=/accounts/profile/", timeout=10)
    form = form_with_button(sign_in.text, "Sign in with Alpha University")
    at_provider = browser.post(copse + form["action"], form["inputs"], timeout=10)
    # Copse sent the browser to the provider's authorize page, which asked
    # it to sign in there first.
    assert at_provider.url.startswith(f"{sso.url.removesuffix('/o')}/login/")
    assert "Test provider: sign in" in at_provider.text
    assert any("/o/authorize/" in r.headers.get("Location", "") for r in at_provider.history)
    login = form_with_button(at_provider.text, "Sign in at the test provider")
    back = browser.post(
        at_provider.url,
        {**login["inputs"], "username": "ada", "password": PASSWORD},
        timeout=10,
    )
    # The provider sent the code to Copse's callback; Copse exchanged it at
    # the provider's token endpoint, checked the ID token and signed Ada in,
    # then followed `next`.
    assert any("/accounts/oidc/alpha/login/callback/" in r.url for r in back.history)
    assert back.status_code == 200
    assert back.url == f"{copse}/accounts/profile/"
    assert "ada@alpha.example" in back.text
    assert "verified by your sign-in through its identity provider" in back.text
    ada = User.objects.get(email="ada@alpha.example")
    assert (ada.organisation, ada.organisation_source) == (alpha, "provider")
    assert SocialAccount.objects.get(user=ada).provider == "alpha"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_signs_in_with_their_institution_in_a_browser_without_javascript(
    open_page, live_server, sso, alpha
):
    from playwright.sync_api import expect

    copse = _copse(live_server)
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 812}):
        audited = open_page(viewport=viewport)
        audited.context.add_init_script(path=str(AXE))
        for path in ("/accounts/login/", "/accounts/oidc/alpha/login/?process=login"):
            audited.goto(f"{copse}{path}")
            assert audited.evaluate(SERIOUS) == [], (path, viewport)

    page = open_page(javascript=False)
    page.goto(f"{copse}/accounts/login/")
    section = page.get_by_role("region", name="Or sign in through your institution")
    section.get_by_role("button", name="Sign in with Alpha University").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign in")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in at the test provider").click()
    expect(page).to_have_url(re.compile(re.escape(copse) + r"/home/$"))
    page.goto(f"{copse}/accounts/profile/")
    expect(page.locator("#organisation")).to_contain_text(
        "Alpha University, verified by your sign-in through its identity provider"
    )
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Institution sign-in"
    ).click()
    expect(page.get_by_role("group", name="Connected")).to_contain_text(
        "Alpha University as ada@alpha.example"
    )
    assert not page.csp_violations and not page.script_errors
    signed_in = open_page(user=User.objects.get(email="ada@alpha.example"))
    signed_in.context.add_init_script(path=str(AXE))
    signed_in.goto(f"{live_server.url}/accounts/3rdparty/")
    assert signed_in.evaluate(SERIOUS) == []
