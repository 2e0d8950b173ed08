"""A real OpenID Connect provider for the single sign-on tests, and a person's
way through it and Copse.

The provider (`oidc_provider/`, django-oauth-toolkit in OIDC mode) runs in a
child process on a free port of 127.0.0.1 for the whole test session, with an
RSA key made here. Copse knows it as two providers, "alpha" and "beta" (two
clients of the one issuer), as a site would through COPSE_OIDC_PROVIDERS.
"""

from __future__ import annotations

import copy
import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from csp.constants import SELF

from copse.sso.configuration import sign_in_origins, sign_in_providers

REPO = Path(__file__).resolve().parents[3]
PASSWORD = "provider-password"
CLIENTS = {
    "alpha": {"name": "Alpha University", "secret": "alpha-secret-0123456789"},
    "beta": {"name": "Beta Institute", "secret": "beta-secret-0123456789"},
}
# The provider's people. `email_verified` is sent as given: "false" is a
# string some providers send, and must not count as a yes.
PEOPLE = [
    {
        "username": "ada",
        "email": "ada@alpha.example",
        "email_verified": True,
        "name": "Ada Lovelace",
    },
    {"username": "ben", "email": "ben@beta.example", "email_verified": True, "name": "Ben Okafor"},
    {"username": "uma", "email": "uma@alpha.example", "email_verified": False, "name": "Uma Ito"},
    {"username": "sid", "email": "sid@alpha.example", "email_verified": "false", "name": "Sid Roy"},
    {"username": "noe", "email": "noe@alpha.example", "name": "Noé Martin"},
    # Claims the address of an account made with a password in Copse.
    {"username": "eve", "email": "victim@alpha.example", "email_verified": True, "name": "Eve Ng"},
    {"username": "ivy", "email": "ivy@alpha.example", "email_verified": True, "name": "Ivy Chen"},
    # Has an account in Copse already, made with a password.
    {"username": "vic", "email": "vic@alpha.example", "email_verified": True, "name": "Vic Diaz"},
    # A name Copse refuses: a look-alike of someone already here.
    {
        "username": "ann",
        "email": "ann@alpha.example",
        "email_verified": True,
        "name": "Mаria Lopez",
    },
    {
        "username": "ned",
        "email": "ned@alpha.example",
        "email_verified": True,
        "name": "Ned\nBcc: x",
    },
    {
        "username": "zed",
        "email": "zed@alpha.example",
        "email_verified": True,
        "name": "Zed\u0007Bell",
    },
]


@dataclass
class Provider:
    url: str  # the issuer, as Copse's configuration names it
    process: subprocess.Popen

    def configuration(self, **extra) -> str:
        """COPSE_OIDC_PROVIDERS for this provider, as a site would write it."""
        return json.dumps(
            [
                {
                    "id": provider_id,
                    "name": client["name"],
                    "server_url": self.url,
                    "client_id": provider_id,
                    "secret": client["secret"],
                    **extra.get(provider_id, {}),
                }
                for provider_id, client in CLIENTS.items()
            ]
        )


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _callbacks(base: str) -> list[str]:
    return [f"{base}/accounts/oidc/{provider_id}/login/callback/" for provider_id in CLIENTS]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    spec = folder / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "database": str(folder / "provider.sqlite3"),
                "private_key": _private_key_pem(),
                "people": [{**person, "password": PASSWORD} for person in PEOPLE],
                "clients": [
                    {
                        "client_id": provider_id,
                        "secret": client["secret"],
                        # The test client's Copse, and a live server's on
                        # 127.0.0.1, whatever its port (RFC 8252, 7.3).
                        "redirect_uris": _callbacks("http://testserver")
                        + _callbacks("http://127.0.0.1"),
                    }
                    for provider_id, client in CLIENTS.items()
                ],
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["COPSE_TEST_IDP_SPEC"] = str(spec)
    process = subprocess.Popen(
        [sys.executable, "-m", "copse.sso.tests.oidc_provider.serve"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("listening "):
            pytest.fail(f"The test OpenID Connect provider did not start: {line!r}", pytrace=False)
        url = f"http://127.0.0.1:{int(line.split()[1])}/o"
        # The discovery document answers once the provider is really up.
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(
                    f"{url}/.well-known/openid-configuration", timeout=5
                ).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Provider(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def configure(settings, configuration: str) -> None:
    """What copse/settings.py does with COPSE_OIDC_PROVIDERS, on a running site."""
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers({"COPSE_OIDC_PROVIDERS": configuration})
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [
        SELF,
        *sign_in_origins(settings.SOCIALACCOUNT_PROVIDERS),
    ]
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.fixture
def sso(db, settings, oidc_provider):
    """Copse configured with the provider as "alpha" and "beta", through the
    same reading of COPSE_OIDC_PROVIDERS the settings do."""
    configure(settings, oidc_provider.configuration())
    return oidc_provider


class _Forms(HTMLParser):
    """The forms of a page: action, and the names and values of their inputs
    (buttons included, by their text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "inputs": {}, "buttons": []})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "button" and self.forms:
            self._button = {"text": ""}
            self.forms[-1]["buttons"].append(self._button)

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        form["buttons"] = [" ".join(b["text"].split()) for b in form["buttons"]]
    return parser.forms


def form_with_button(html: str, text: str) -> dict:
    for form in forms_of(html):
        if text in form["buttons"]:
            return form
    raise AssertionError(f"No form with a button {text!r} on the page")


class Journey:
    """A person going through Copse (Django's test client, in this process)
    and the provider (over HTTP, in its own process). Redirects are followed
    by hand, each to the side it points at, so a test sees every step."""

    def __init__(self, client, provider: Provider):
        self.client = client
        self.provider = provider
        self.at_provider = requests.Session()
        self.provider_pages: list[str] = []

    def sign_in(self, provider_id: str, username: str, *, next_url: str | None = None):
        """From Copse's sign-in page, through the provider, back to Copse.
        Returns Copse's last answer (not followed further)."""
        login = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
        page = self.client.get(login)
        assert page.status_code == 200
        name = CLIENTS[provider_id]["name"]
        form = form_with_button(page.content.decode(), f"Sign in with {name}")
        started = self.client.post(form["action"], form["inputs"])
        return self.through_provider(started, username)

    def through_provider(self, started, username: str):
        assert started.status_code == 302, started.content[:500]
        location = started["Location"]
        assert location.startswith(self.provider.url), location
        while True:
            answer = self.at_provider.get(location, allow_redirects=False, timeout=10)
            self.provider_pages.append(location)
            if answer.status_code == 200 and "Test provider: sign in" in answer.text:
                form = form_with_button(answer.text, "Sign in at the test provider")
                answer = self.at_provider.post(
                    urljoin(location, form["action"]),
                    {**form["inputs"], "username": username, "password": PASSWORD},
                    allow_redirects=False,
                    timeout=10,
                )
            assert answer.status_code == 302, (location, answer.status_code, answer.text[:500])
            location = urljoin(location, answer.headers["Location"])
            if not location.startswith("http://127.0.0.1"):
                break
        back = urlsplit(location)
        assert back.netloc == "testserver", location
        return self.client.get(f"{back.path}?{back.query}")
