"""Site-wide security behaviour: headers, caching, sessions, sign-in, logging,
two-factor sign-in, the health check and Django's deployment checks.

The people are the CIO CoP's: Maria facilitates a confidential community,
Olive is a member of no community and must learn nothing about it.
"""

import os
import re
import secrets
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client, override_settings

from copse import testing
from copse.core.middleware import AUTH_AT, SEEN_AT

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
PROFILE_URL = "/accounts/profile/"
TOTP_ACTIVATE_URL = "/accounts/2fa/totp/activate/"
REAUTHENTICATE_URL = f"/accounts/reauthenticate/?next={TOTP_ACTIVATE_URL}"
SECRET_PURPOSE = "Renegotiating the carrier contract with Telco X before May."


@pytest.fixture
def cio(db):
    community = testing.make_community(
        slug="sv-cio-cop",
        name="Silicon Valley CIO CoP",
        purpose=SECRET_PURPOSE,
        visibility="confidential",
        listed=False,
    )
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    olive = testing.make_user("olive@example.com", name="Olive Outsider")
    testing.seat(community, maria, role="facilitator")
    return community, maria, olive


@pytest.fixture
def fresh_rate_limits():
    """allauth counts attempts in the cache; start and end each test with none."""
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def log_in(client: Client, email: str, password: str = testing.PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def reauthenticate(client: Client) -> None:
    """Changing two-factor settings asks for the password again, however
    recently the person signed in."""
    assert client.get(TOTP_ACTIVATE_URL)["Location"] == (
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    response = client.post(REAUTHENTICATE_URL, {"password": testing.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == TOTP_ACTIVATE_URL


# --- Headers -------------------------------------------------------------------


def test_authenticated_pages_are_never_stored_by_caches(cio):
    community, maria, _ = cio
    client = signed_in(maria)
    for url in ("/communities/", f"/c/{community.slug}/", PROFILE_URL):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, url
        assert "Expires" not in response.headers


def test_security_headers_on_every_kind_of_page(cio):
    community, maria, _ = cio
    anonymous_page = Client().get(LOGIN_URL)
    member_page = signed_in(maria).get(f"/c/{community.slug}/")
    not_found = Client().get("/c/no-such-community/")
    for response in (anonymous_page, member_page, not_found):
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        policy = csp_directives(response["Content-Security-Policy"])
        scripts = policy.get("script-src", policy.get("default-src"))
        assert scripts == ["'self'"]
        assert "'unsafe-inline'" not in scripts
        assert "'unsafe-eval'" not in scripts
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in policy.get("style-src", [])


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class ScriptsAndHandlers(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.inline_scripts, self.handlers, self.styles = 0, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.styles.append("<style>")
        self.handlers += [name for name in attributes if name.startswith("on")]
        if "style" in attributes:
            self.styles.append(f"<{tag} style=…>")
        for name in ("href", "action", "formaction"):
            if (attributes.get(name) or "").strip().lower().startswith("javascript:"):
                self.handlers.append(name)


def test_no_page_relies_on_inline_script(cio):
    """A strict CSP blocks inline script and handlers; none may be needed."""
    community, maria, _ = cio
    anonymous = Client()
    pages = {
        "login": anonymous.get(LOGIN_URL),
        "signup": anonymous.get("/accounts/signup/"),
        "password reset": anonymous.get("/accounts/password/reset/"),
        "directory (anonymous)": anonymous.get("/communities/"),
    }
    client = Client()
    assert log_in(client, maria.email).status_code == 302
    pages.update(
        {
            "directory": client.get("/communities/"),
            "community home": client.get(f"/c/{community.slug}/"),
            "profile": client.get(PROFILE_URL),
            "mfa index": client.get("/accounts/2fa/"),
            "reauthenticate": client.get(REAUTHENTICATE_URL),
            "not found": client.get("/c/no-such-community/"),
        }
    )
    reauthenticate(client)
    pages["totp activation"] = client.get(TOTP_ACTIVATE_URL)
    for name, response in pages.items():
        expected = 404 if name == "not found" else 200
        assert response.status_code == expected, name
        page = ScriptsAndHandlers(response.content.decode())
        assert page.inline_scripts == 0, name
        assert page.handlers == [], name
        assert page.styles == [], name


# --- 404, never 403 -------------------------------------------------------------


def _comparable(response) -> str:
    # The CSRF token is masked afresh on every response; everything else must match.
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"',
        'name="csrfmiddlewaretoken" value=""',
        response.content.decode(),
    )


@pytest.mark.parametrize("who", ["anonymous", "olive"])
@pytest.mark.parametrize("suffix", ["", "members/", "settings/", "audit/", "threads/"])
def test_missing_and_forbidden_are_the_same_page(cio, who, suffix):
    community, _, olive = cio
    client = Client() if who == "anonymous" else signed_in(olive)
    missing = client.get(f"/c/no-such-community/{suffix}")
    hidden = client.get(f"/c/{community.slug}/{suffix}")
    if who == "anonymous":
        # Signed out, a community's page one cannot see sends to the login form
        # and back (SignInFirstMiddleware), whether the community exists or not.
        assert missing.status_code == hidden.status_code == 302
        assert missing["Location"].replace("no-such-community", "X") == hidden["Location"].replace(
            community.slug, "X"
        )
        return
    assert missing.status_code == hidden.status_code == 404
    assert _comparable(missing) == _comparable(hidden)
    assert community.name not in hidden.content.decode()
    assert SECRET_PURPOSE not in hidden.content.decode()


# --- Sessions ---------------------------------------------------------------------


def test_session_key_changes_at_sign_in(cio, fresh_rate_limits):
    _, maria, _ = cio
    client = Client()
    before = client.session.session_key
    assert SessionStore().exists(before)
    response = log_in(client, maria.email)
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)
    assert client.get(PROFILE_URL).status_code == 200


def test_sign_out_ends_the_session_on_the_server(cio, fresh_rate_limits):
    _, maria, _ = cio
    client = Client()
    log_in(client, maria.email)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(LOGOUT_URL).status_code == 302
    assert not SessionStore().exists(old_key)
    # Someone who copied the cookie before sign-out gets nothing with it.
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = thief.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def _age_session(client: Client, *, auth_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[AUTH_AT] = now - auth_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


@override_settings(SESSION_IDLE_SECONDS=600, SESSION_ABSOLUTE_SECONDS=3600)
def test_an_active_session_within_both_limits_stays_signed_in(cio):
    _, maria, _ = cio
    client = signed_in(maria)
    _age_session(client, auth_ago=3000, seen_ago=500)
    assert client.get(PROFILE_URL).status_code == 200
    # The visit counts as activity: last-seen moves forward.
    assert int(time.time()) - client.session[SEEN_AT] < 5


@override_settings(SESSION_IDLE_SECONDS=600, SESSION_ABSOLUTE_SECONDS=3600)
def test_an_idle_session_ends(cio, caplog):
    _, maria, _ = cio
    client = signed_in(maria)
    old_key = client.session.session_key
    _age_session(client, auth_ago=700, seen_ago=601)
    with caplog.at_level("INFO", logger="copse.security"):
        response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not SessionStore().exists(old_key)
    assert f"session expired user={maria.pk}" in caplog.text


@override_settings(SESSION_IDLE_SECONDS=600, SESSION_ABSOLUTE_SECONDS=3600)
def test_a_busy_session_still_ends_at_the_absolute_limit(cio):
    _, maria, _ = cio
    client = signed_in(maria)
    _age_session(client, auth_ago=3601, seen_ago=10)
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_sign_in_records_when_the_session_started(cio, fresh_rate_limits):
    _, maria, _ = cio
    client = Client()
    log_in(client, maria.email)
    session = client.session
    assert abs(session[AUTH_AT] - int(time.time())) < 5
    assert session[SEEN_AT] == session[AUTH_AT]


# --- Security log -------------------------------------------------------------------


def test_failed_sign_in_is_logged_without_the_password(cio, caplog, fresh_rate_limits):
    _, maria, _ = cio
    wrong = "Correct-Horse-Battery-Wrong-7"
    with caplog.at_level("INFO", logger="copse.security"):
        response = log_in(Client(), maria.email, wrong)
    assert response.status_code == 200  # the form again, with an error
    failures = [
        r for r in caplog.records if r.name == "copse.security" and r.levelname == "WARNING"
    ]
    assert [r.getMessage() for r in failures] == ["login failed ip=127.0.0.1"]
    assert wrong not in caplog.text
    assert testing.PASSWORD not in caplog.text


def test_successful_sign_in_is_logged_without_the_password(cio, caplog, fresh_rate_limits):
    _, maria, _ = cio
    with caplog.at_level("INFO", logger="copse.security"):
        log_in(Client(), maria.email)
    assert f"login user={maria.pk} ip=127.0.0.1" in caplog.text
    assert testing.PASSWORD not in caplog.text


def test_authorization_denial_is_logged_without_content(cio, caplog):
    community, maria, olive = cio
    from copse.conversations import services

    thread = services.start_thread(
        actor=maria,
        community=community,
        kind="ask",
        title="Who has left Telco X?",
        body="Our renewal quote went up 40%.",
    )
    client = signed_in(olive)
    with caplog.at_level("INFO", logger="copse.security"):
        assert client.get(f"/c/{community.slug}/").status_code == 404
        assert client.get(f"/c/{community.slug}/t/{thread.pk}/").status_code == 404
    denials = [r.getMessage() for r in caplog.records if "authorization denied" in r.getMessage()]
    assert denials, caplog.text
    assert (
        f"authorization denied user={olive.pk} action=community.view "
        f"object=Community:{community.pk}" in denials
    )
    for secret in (community.name, community.slug, SECRET_PURPOSE, thread.title, "40%"):
        assert secret not in caplog.text


# --- Rate limiting -------------------------------------------------------------------


def test_repeated_failed_sign_ins_are_slowed_down(cio, fresh_rate_limits):
    """After five wrong passwords for one address, even the right one waits."""
    _, maria, _ = cio
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        response = log_in(client, maria.email, "wrong-password")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    blocked = log_in(client, maria.email)
    assert blocked.status_code == 200  # the form again, with the reason
    assert "Too many failed login attempts" in blocked.content.decode()
    assert client.get(PROFILE_URL).status_code == 302  # not signed in


def test_the_limit_is_per_address(cio, fresh_rate_limits):
    _, maria, olive = cio
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(5):
        log_in(client, maria.email, "wrong-password")
    assert log_in(client, olive.email).status_code == 302


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_one_client_cannot_lock_everyone_out(cio, fresh_rate_limits):
    """Every request reaches gunicorn from the proxy's address; the per-address
    limit must count the client's (X-Forwarded-For), not the proxy's."""
    _, maria, _ = cio
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    for n in range(11):
        log_in(attacker, f"guess{n}@example.com", "wrong-password")
    assert "Too many failed login attempts" in (
        log_in(attacker, "guess99@example.com", "wrong-password").content.decode()
    )
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert log_in(colleague, maria.email).status_code == 302


def test_production_settings_read_client_addresses_from_the_proxy(tmp_path):
    def proxy_count(**environment) -> str:
        code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
        env = {
            **{k: v for k, v in os.environ.items() if k != "COPSE_TRUSTED_PROXY_COUNT"},
            "COPSE_TESTING": "0",
            "COPSE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "copse.settings",
            **environment,
        }
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert proxy_count(COPSE_BASE_URL="https://copse.example.org") == "1"
    assert proxy_count(COPSE_BASE_URL="http://127.0.0.1:8000") == "0"
    assert proxy_count(COPSE_BASE_URL="https://x.example", COPSE_TRUSTED_PROXY_COUNT="2") == "2"


# --- Two-factor sign-in -------------------------------------------------------------


def test_totp_activation_gives_recovery_codes_that_sign_in(cio, fresh_rate_limits):
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    _, maria, _ = cio
    client = Client()
    log_in(client, maria.email)
    assert client.get("/accounts/2fa/").status_code == 200
    reauthenticate(client)
    page = client.get(TOTP_ACTIVATE_URL)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    # A code is good for one period (30 s); do not compute it at the very end of one.
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2.5)
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    response = client.post(TOTP_ACTIVATE_URL, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    types = set(Authenticator.objects.filter(user=maria).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    codes = RecoveryCodes(
        Authenticator.objects.get(user=maria, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) >= 8
    assert codes[0] in codes_page.content.decode()

    # Next time, the password alone is not enough...
    client.post(LOGOUT_URL)
    other = Client()
    response = log_in(other, maria.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert other.get(PROFILE_URL).status_code == 302
    # ...a wrong code is refused, and a recovery code completes the sign-in.
    assert other.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    assert other.get(PROFILE_URL).status_code == 302
    response = other.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert other.get(PROFILE_URL).status_code == 200


# --- Health check ----------------------------------------------------------------------


def test_health_check_needs_no_sign_in_and_says_little(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert isinstance(body["pending_tasks"], int)
    assert set(body) == {"status", "database", "pending_tasks", "checks"}
    assert set(body["checks"].values()) == {"ok"}
    assert len(response.content) < 300
    assert "no-cache" in response["Cache-Control"]


def test_health_check_counts_waiting_tasks(db):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    before = Client().get("/healthz").json()["pending_tasks"]
    DBTaskResult.objects.create(
        task_path="copse.memberships.tasks.send_invitation",
        args_kwargs={"args": [1], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=None,
        enqueued_at=timezone.now(),
        priority=0,
    )
    assert Client().get("/healthz").json()["pending_tasks"] == before + 1


def test_health_check_answers_get_only(db):
    assert Client().post("/healthz").status_code == 405


# --- Deployment checks --------------------------------------------------------------------


def run_deploy_check(tmp_path, **environment) -> subprocess.CompletedProcess:
    """`copse check --deploy` in a fresh process, as an operator would run it."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "COPSE_SECRET_KEY"},
        "COPSE_DEBUG": "0",
        "COPSE_TESTING": "0",
        "COPSE_ALLOWED_HOSTS": "copse.example.org",
        "COPSE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "copse.settings",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-m", "copse.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_djangos_deployment_checks(tmp_path):
    result = run_deploy_check(
        tmp_path,
        COPSE_SECRET_KEY=secrets.token_urlsafe(64),
        COPSE_BASE_URL="https://copse.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployment_checks_do_catch_an_insecure_set_up(tmp_path):
    # The test above proves something only if the same command can fail:
    # debug on and plain HTTP give several security warnings.
    result = run_deploy_check(tmp_path, COPSE_BASE_URL="http://copse.example.org", COPSE_DEBUG="1")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "security.W018" in output  # debug on
    assert "security.W009" in output  # debug's public development secret key
    assert "security.W012" in output  # session cookie not secure


def test_without_a_configured_key_debug_off_generates_one_and_keeps_it(tmp_path):
    """`make run` needs no set-up: with debug off and no COPSE_SECRET_KEY a key
    is made in var/secret_key (owner-only), and every later process reads it."""
    result = run_deploy_check(tmp_path, COPSE_BASE_URL="http://copse.example.org")
    assert "security.W009" not in result.stdout + result.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50 and not key.startswith("django-insecure")
    assert key_file.stat().st_mode & 0o077 == 0
    run_deploy_check(tmp_path, COPSE_BASE_URL="http://copse.example.org")
    assert key_file.read_text() == key
