"""COPSE_OIDC_PROVIDERS and COPSE_SAML_PROVIDERS: what a site writes, what
allauth gets, and a clear refusal (naming no secret) for everything else."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from copse.sso.configuration import saml_installed, secret_variable, sign_in_providers

REPO = Path(__file__).resolve().parents[3]
SECRET = "do-not-print-me-0123456789"


def _oidc(*entries, **environ):
    return sign_in_providers({"COPSE_OIDC_PROVIDERS": json.dumps(list(entries)), **environ})


def _entry(**changes):
    entry = {
        "id": "stateu",
        "name": "State University",
        "server_url": "https://login.stateu.example/realms/staff/",
        "client_id": "copse",
        "secret": SECRET,
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def test_nothing_set_means_no_provider():
    assert sign_in_providers({}) == {}
    assert sign_in_providers({"COPSE_OIDC_PROVIDERS": "  "}) == {}


def test_a_provider_becomes_an_allauth_app_with_the_safe_settings():
    providers = _oidc(_entry(trusted_email_domains=["StateU.example"]))
    (app,) = providers["openid_connect"]["APPS"]
    assert app == {
        "provider_id": "stateu",
        "name": "State University",
        "client_id": "copse",
        "secret": SECRET,
        "settings": {
            "server_url": "https://login.stateu.example/realms/staff",
            "oauth_pkce_enabled": True,
            "email_authentication": False,
            "verified_email": ["stateu.example"],
        },
    }


def test_the_secret_may_live_in_its_own_variable():
    assert secret_variable("state-u") == "COPSE_OIDC_SECRET_STATE_U"
    providers = _oidc(_entry(id="state-u", secret=None), COPSE_OIDC_SECRET_STATE_U=SECRET)
    assert providers["openid_connect"]["APPS"][0]["secret"] == SECRET


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[{", "is not valid JSON (line 1, column 3)"),
        ('{"id": "x"}', "must be a JSON list of objects"),
        (
            json.dumps([_entry(secret=None)]),
            'no secret: give "secret" or set COPSE_OIDC_SECRET_STATEU',
        ),
        (
            json.dumps([_entry(server_url="http://login.stateu.example/")]),
            "must be an https:// address",
        ),
        (json.dumps([_entry(server_url="https://u:p@login.example/")]), "without query or user"),
        (json.dumps([_entry(id="State U")]), "lower-case letters"),
        (json.dumps([_entry(id="saml")]), "not openid_connect, openid or saml"),
        (json.dumps([_entry(), _entry()]), "the id 'stateu' is used twice"),
        (json.dumps([_entry(client_id="")]), '"client_id" is missing'),
        (json.dumps([_entry(name="State\nUniversity")]), "one line without control characters"),
        (json.dumps([_entry(email_authentication=True)]), "unknown keys ['email_authentication']"),
        (json.dumps([_entry(trusted_email_domains=["gmail.com"])]), "gmail.com is a public mail"),
        (json.dumps([_entry(trusted_email_domains="stateu.example")]), "must be a list of domains"),
        (json.dumps([_entry(token_auth_method="none")]), '"token_auth_method" must be one of'),
    ],
)
def test_a_mistake_stops_the_settings_with_a_message_that_names_no_secret(raw, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        sign_in_providers({"COPSE_OIDC_PROVIDERS": raw})
    assert message in str(refused.value)
    assert SECRET not in str(refused.value)
    assert "docs/single-sign-on.md" in str(refused.value)


def test_a_secret_given_twice_is_refused():
    with pytest.raises(ImproperlyConfigured, match="the secret is given twice"):
        _oidc(_entry(), COPSE_OIDC_SECRET_STATEU="other")


def test_plain_http_is_allowed_only_on_loopback():
    for url in ("http://127.0.0.1:8080/o", "http://localhost/o", "http://[::1]:9000/o"):
        assert _oidc(_entry(server_url=url))["openid_connect"]["APPS"][0]["settings"]["server_url"]


def test_saml_without_its_package_is_refused_clearly():
    if saml_installed():
        pytest.skip("python3-saml is installed here")
    raw = json.dumps(
        [{"id": "stateu-saml", "name": "State University", "idp": {"entity_id": "https://idp"}}]
    )
    with pytest.raises(ImproperlyConfigured, match="python3-saml package and the xmlsec library"):
        sign_in_providers({"COPSE_SAML_PROVIDERS": raw})


def test_saml_ids_share_the_oidc_ids_space():
    raw = json.dumps([{"id": "stateu", "name": "State University", "idp": {"entity_id": "x"}}])
    with pytest.raises(ImproperlyConfigured, match="used twice"):
        sign_in_providers(
            {"COPSE_OIDC_PROVIDERS": json.dumps([_entry()]), "COPSE_SAML_PROVIDERS": raw}
        )


def test_the_settings_read_the_variable():
    """Copse's own settings module, in a fresh process, with the variable set."""
    env = {
        **os.environ,
        "COPSE_OIDC_PROVIDERS": json.dumps([_entry(secret=None)]),
        "COPSE_OIDC_SECRET_STATEU": SECRET,
        "DJANGO_SETTINGS_MODULE": "copse.test_settings",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.SOCIALACCOUNT_PROVIDERS, "
        "settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION, settings.SOCIALACCOUNT_LOGIN_ON_GET, "
        "'allauth.socialaccount.providers.saml' in settings.INSTALLED_APPS, "
        "[str(s) for s in settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    providers, email_authentication, login_on_get, saml, form_action = json.loads(
        out.stdout.splitlines()[-1]
    )
    (app,) = providers["openid_connect"]["APPS"]
    assert (app["provider_id"], app["secret"]) == ("stateu", SECRET)
    assert (email_authentication, login_on_get, saml) == (False, False, False)
    # The sign-in button's form may lead to the provider, and nowhere else.
    assert form_action == ["'self'", "https://login.stateu.example"]


def test_a_broken_variable_stops_copse_from_starting():
    env = {
        **os.environ,
        "COPSE_OIDC_PROVIDERS": "[{not json " + SECRET,
        "DJANGO_SETTINGS_MODULE": "copse.test_settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "COPSE_OIDC_PROVIDERS: is not valid JSON" in out.stderr
    assert SECRET not in out.stderr
