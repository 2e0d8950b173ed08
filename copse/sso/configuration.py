"""Sign-in providers, read from the environment when the settings load.

`COPSE_OIDC_PROVIDERS` is a JSON list, one object per institution's OpenID
Connect provider:

    [{"id": "stateu", "name": "State University",
      "server_url": "https://login.stateu.example/realms/staff",
      "client_id": "copse", "secret": "…",
      "trusted_email_domains": ["stateu.example"]}]

The secret may instead be in `COPSE_OIDC_SECRET_<ID>` (the id in capitals,
anything but letters and digits as "_"), so the list itself holds nothing
secret. `COPSE_SAML_PROVIDERS` is the same idea for SAML (docs/single-sign-on.md).

Anything wrong stops the settings from loading, with a message that names
the provider and the key and never a secret: a sign-in button that fails for
everyone, or a provider trusted further than its operator meant, is worse
than a site that does not start.

This module is read by `copse/settings.py`, before Django is set up: it
imports nothing of Django's but the exception.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from copse.organisations.domains import normalise_domain

OIDC_VARIABLE = "COPSE_OIDC_PROVIDERS"
SAML_VARIABLE = "COPSE_SAML_PROVIDERS"

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Ids allauth gives its own providers: a sub-provider named like one would be
# looked up as that provider instead.
_RESERVED_IDS = {"openid_connect", "openid", "saml"}
_LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
_OIDC_KEYS = {
    "id",
    "name",
    "server_url",
    "client_id",
    "secret",
    "trusted_email_domains",
    "token_auth_method",
}
_SAML_KEYS = {"id", "name", "idp", "sp", "attribute_mapping", "advanced", "trusted_email_domains"}
_TOKEN_AUTH_METHODS = {"client_secret_basic", "client_secret_post"}


def secret_variable(provider_id: str) -> str:
    return "COPSE_OIDC_SECRET_" + re.sub(r"[^A-Z0-9]", "_", provider_id.upper())


def saml_installed() -> bool:
    """allauth's SAML provider needs python3-saml (the `onelogin` package),
    which needs the xmlsec C library; neither is a Copse dependency."""
    return importlib.util.find_spec("onelogin") is not None


def _fail(where: str, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{where}: {message} (see docs/single-sign-on.md)")


def _entries(environ: Mapping[str, str], variable: str) -> list[dict]:
    raw = environ.get(variable, "").strip()
    if not raw:
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        # The position, not the text: the text may hold a secret.
        raise _fail(
            variable, f"is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _fail(variable, "must be a JSON list of objects, one per provider")
    return entries


def _text(entry: dict, key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise _fail(where, f'"{key}" must be a string')
    value = value.strip()
    if required and not value:
        raise _fail(where, f'"{key}" is missing')
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise _fail(where, f'"{key}" must be one line without control characters')
    return value


def _provider_id(entry: dict, where: str, seen: set[str]) -> str:
    provider_id = _text(entry, "id", where)
    if not _ID.match(provider_id) or provider_id in _RESERVED_IDS:
        raise _fail(
            where,
            f'"id" {provider_id!r} must be 1 to 40 lower-case letters, digits, "-" or "_", '
            "starting with a letter or digit, and not openid_connect, openid or saml",
        )
    if provider_id in seen:
        raise _fail(where, f"the id {provider_id!r} is used twice; each provider needs its own")
    seen.add(provider_id)
    return provider_id


def _name(entry: dict, where: str) -> str:
    name = _text(entry, "name", where)
    if len(name) > 80:
        raise _fail(where, '"name" is longer than 80 characters')
    return name


def _trusted_domains(entry: dict, where: str) -> list[str]:
    domains = entry.get("trusted_email_domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        raise _fail(where, '"trusted_email_domains" must be a list of domains')
    try:
        return sorted({normalise_domain(d) for d in domains})
    except ValueError as error:
        raise _fail(where, f'"trusted_email_domains": {error}') from None


def _server_url(entry: dict, where: str) -> str:
    url = _text(entry, "server_url", where)
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK_HOSTS
    # allauth takes the ID token from the token endpoint without checking its
    # signature, as the specification allows over TLS; over plain HTTP anyone
    # on the path could hand Copse an identity of their choosing.
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise _fail(where, '"server_url" must be an https:// address')
    if parts.query or parts.fragment or parts.username or parts.password:
        raise _fail(where, '"server_url" must be the issuer address, without query or user')
    return url.rstrip("/")


def _common_app_settings(trusted: list[str]) -> dict:
    return {
        # Never sign in to an existing account because the provider says it
        # holds that account's address (docs/single-sign-on.md).
        "email_authentication": False,
        # allauth takes True for "every address this provider gives is
        # verified"; Copse allows only a list of the institution's domains.
        "verified_email": trusted or False,
    }


def oidc_apps(environ: Mapping[str, str], seen: set[str]) -> list[dict]:
    apps = []
    for number, entry in enumerate(_entries(environ, OIDC_VARIABLE), start=1):
        where = f"{OIDC_VARIABLE}, provider {number}"
        unknown = set(entry) - _OIDC_KEYS
        if unknown:
            raise _fail(where, f"unknown keys {sorted(unknown)}")
        provider_id = _provider_id(entry, where, seen)
        where = f"{OIDC_VARIABLE}, provider {provider_id!r}"
        inline = _text(entry, "secret", where, required=False)
        variable = secret_variable(provider_id)
        separate = environ.get(variable, "").strip()
        if inline and separate:
            raise _fail(where, f"the secret is given twice, in the list and in {variable}")
        if not (inline or separate):
            raise _fail(where, f'no secret: give "secret" or set {variable}')
        app_settings = {
            "server_url": _server_url(entry, where),
            # PKCE: a code caught on its way back is useless without the
            # verifier that stayed in this person's session.
            "oauth_pkce_enabled": True,
            **_common_app_settings(_trusted_domains(entry, where)),
        }
        method = _text(entry, "token_auth_method", where, required=False)
        if method:
            if method not in _TOKEN_AUTH_METHODS:
                raise _fail(
                    where, f'"token_auth_method" must be one of {sorted(_TOKEN_AUTH_METHODS)}'
                )
            app_settings["token_auth_method"] = method
        apps.append(
            {
                "provider_id": provider_id,
                "name": _name(entry, where),
                "client_id": _text(entry, "client_id", where),
                "secret": inline or separate,
                "settings": app_settings,
            }
        )
    return apps


def saml_apps(environ: Mapping[str, str], seen: set[str]) -> list[dict]:
    apps = []
    for number, entry in enumerate(_entries(environ, SAML_VARIABLE), start=1):
        where = f"{SAML_VARIABLE}, provider {number}"
        unknown = set(entry) - _SAML_KEYS
        if unknown:
            raise _fail(where, f"unknown keys {sorted(unknown)}")
        provider_id = _provider_id(entry, where, seen)
        where = f"{SAML_VARIABLE}, provider {provider_id!r}"
        idp = entry.get("idp")
        if not isinstance(idp, dict) or not idp.get("entity_id"):
            raise _fail(where, '"idp" must be an object with at least "entity_id"')
        app_settings = {"idp": idp, **_common_app_settings(_trusted_domains(entry, where))}
        for key in ("sp", "attribute_mapping", "advanced"):
            if key in entry:
                if not isinstance(entry[key], dict):
                    raise _fail(where, f'"{key}" must be an object')
                app_settings[key] = entry[key]
        apps.append(
            {
                "provider_id": provider_id,
                # allauth's SAML URLs carry the client id: /accounts/saml/<id>/…
                "client_id": provider_id,
                "name": _name(entry, where),
                "settings": app_settings,
            }
        )
    if apps and not saml_installed():
        raise _fail(
            SAML_VARIABLE,
            "SAML needs the python3-saml package and the xmlsec library, which are not "
            "installed; install them or leave this variable unset",
        )
    return apps


def _origin(url) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def sign_in_origins(providers: dict) -> list[str]:
    """Where a sign-in form sends the browser: the Content-Security-Policy's
    form-action must allow these, or the browser stops at the redirect that
    follows the POST. For OpenID Connect, the issuer's origin (where every
    common provider keeps its authorize page); for SAML, that of the
    identity provider's sign-in address when it is given."""
    origins: set[str] = set()
    for app in providers.get("openid_connect", {}).get("APPS", []):
        origins.add(_origin(app["settings"]["server_url"]))
    for app in providers.get("saml", {}).get("APPS", []):
        idp = app["settings"]["idp"]
        origins.update({_origin(idp.get("sso_url")), _origin(idp.get("metadata_url"))})
    return sorted(o for o in origins if o)


def sign_in_providers(environ: Mapping[str, str]) -> dict:
    """`SOCIALACCOUNT_PROVIDERS` for allauth: an empty dict when none is set."""
    seen: set[str] = set()
    providers: dict = {}
    oidc = oidc_apps(environ, seen)
    if oidc:
        providers["openid_connect"] = {"APPS": oidc, "OAUTH_PKCE_ENABLED": True}
    saml = saml_apps(environ, seen)
    if saml:
        providers["saml"] = {"APPS": saml}
    return providers
