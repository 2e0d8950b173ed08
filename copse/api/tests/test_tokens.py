"""Personal access tokens: made on the profile, shown once, kept hashed,
scoped, expiring, revocable; and the API's two ways in."""

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.api.models import PersonalAccessToken
from copse.api.services import TokenRefused, create_token, digest_of
from copse.api.tests.helpers import bearer, token_for
from copse.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_profile_page_makes_a_token_and_shows_it_once(client):
    person = testing.make_user(name="Tina Token")
    client.force_login(person)
    profile = client.get(reverse("accounts:profile"))
    assert reverse("api_tokens:list") in profile.content.decode()

    made = client.post(
        reverse("api_tokens:list"),
        {"name": "Report script", "scopes": ["read"], "lifetime_days": "30"},
    )
    assert made.status_code == 201
    secret = made.context["created"].secret
    assert secret in made.content.decode()

    stored = PersonalAccessToken.objects.get(user=person)
    # Only a fingerprint is kept, and the list page never shows the token again.
    assert secret not in json.dumps([stored.digest, stored.prefix, stored.name])
    assert stored.digest == digest_of(secret)
    again = client.get(reverse("api_tokens:list"))
    assert secret not in again.content.decode()
    assert stored.prefix in again.content.decode()
    assert AuditEntry.objects.filter(action="api_token.created", actor=person).exists()


def test_a_token_form_with_mistakes_keeps_what_was_typed(client):
    person = testing.make_user()
    client.force_login(person)
    response = client.post(
        reverse("api_tokens:list"), {"name": "Kept name", "scopes": [], "lifetime_days": "30"}
    )
    assert response.status_code == 400
    assert 'value="Kept name"' in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.parametrize("scopes", [["admin"], ["read", "admin"], ["owner"]])
def test_a_member_cannot_give_a_token_a_scope_they_do_not_hold(client, scopes):
    person = testing.make_user()
    with pytest.raises(TokenRefused):
        create_token(actor=person, name="x", scopes=scopes, lifetime_days=30)
    client.force_login(person)
    response = client.post(
        reverse("api_tokens:list"), {"name": "x", "scopes": scopes, "lifetime_days": "30"}
    )
    assert response.status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_a_site_admin_may_make_an_admin_token():
    admin = testing.make_site_admin()
    made = create_token(actor=admin, name="ops", scopes=["admin"], lifetime_days=7)
    assert made.token.scopes == ["admin"]


def test_a_lifetime_not_offered_is_refused():
    with pytest.raises(TokenRefused):
        create_token(actor=testing.make_user(), name="x", scopes=["read"], lifetime_days=10_000)


def test_the_api_answers_a_token_as_its_person(client):
    person = testing.make_user(name="Reading Rita")
    response = client.get("/api/me", **bearer(token_for(person, scopes=["read"])))
    assert response.status_code == 200
    assert response.json()["name"] == "Reading Rita"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer ",
        "Bearer copse_not-a-real-token",
        "Bearer " + "copse_" + "x" * 400,
        "Basic dXNlcjpwYXNz",
        "Token whatever",
    ],
)
def test_without_a_usable_token_or_session_the_api_answers_401(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/me", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_stops_at_once(client):
    person = testing.make_user()
    secret = token_for(person)
    assert client.get("/api/me", **bearer(secret)).status_code == 200
    client.force_login(person)
    token = PersonalAccessToken.objects.get(user=person)
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/me", **bearer(secret)).status_code == 401


def test_an_expired_token_stops(client):
    person = testing.make_user()
    secret = token_for(person)
    PersonalAccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/me", **bearer(secret)).status_code == 401


def test_a_deactivated_persons_token_stops(client):
    person = testing.make_user()
    secret = token_for(person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get("/api/me", **bearer(secret)).status_code == 401


def test_nobody_revokes_someone_elses_token(client):
    owner, other = testing.make_user(), testing.make_user()
    secret = token_for(owner)
    token = PersonalAccessToken.objects.get(user=owner)
    client.force_login(other)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    client.logout()
    assert client.get("/api/me", **bearer(secret)).status_code == 200


def test_a_read_token_cannot_write(client):
    person = testing.make_user()
    response = client.patch(
        "/api/me",
        data=json.dumps({"bio": "changed"}),
        content_type="application/json",
        **bearer(token_for(person, scopes=["read"])),
    )
    assert response.status_code == 403
    assert "write" in response.json()["detail"]
    person.refresh_from_db()
    assert person.bio != "changed"


def test_a_write_token_writes(client):
    person = testing.make_user()
    response = client.patch(
        "/api/me",
        data=json.dumps({"bio": "Runs the network team."}),
        content_type="application/json",
        **bearer(token_for(person, scopes=["read", "write"])),
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.bio == "Runs the network team."


def test_a_bad_profile_change_says_why(client):
    person = testing.make_user()
    response = client.patch(
        "/api/me",
        data=json.dumps({"time_zone": "Mars/Olympus"}),
        content_type="application/json",
        **bearer(token_for(person)),
    )
    assert response.status_code == 400
    assert "time_zone" in response.json()["detail"]


def test_a_session_writes_only_with_the_csrf_token():
    from django.test import Client

    person = testing.make_user()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    assert browser.get("/api/me").status_code == 200
    response = browser.patch(
        "/api/me", data=json.dumps({"bio": "forged"}), content_type="application/json"
    )
    assert response.status_code in (401, 403)
    person.refresh_from_db()
    assert person.bio != "forged"


@override_settings(COPSE_API_RATE_PER_MINUTE=3)
def test_each_token_has_its_own_rate_limit(client):
    from django.core.cache import cache

    cache.clear()
    first, second = testing.make_user(), testing.make_user()
    first_secret, second_secret = token_for(first), token_for(second)
    answers = [client.get("/api/me", **bearer(first_secret)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/me", **bearer(first_secret))
    assert 0 < int(limited["Retry-After"]) <= 60
    assert client.get("/api/me", **bearer(second_secret)).status_code == 200


def test_the_openapi_document_and_docs_are_served(client):
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert "/api/me" in paths
    assert "/api/communities/{slug}/threads" in paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    # Served from our own static files: the CSP allows no other origin.
    assert "cdn." not in docs.content.decode()
    # The page declares its language, as every page must.
    assert '<html lang="en">' in docs.content.decode()


def test_no_two_api_shapes_share_a_name():
    """The OpenAPI document names each shape once: two classes of one name in
    different areas would silently describe one with the other's fields."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    from copse.api import endpoints, schemas

    modules = [schemas] + [
        importlib.import_module(f"copse.api.endpoints.{info.name}")
        for info in pkgutil.iter_modules(endpoints.__path__)
    ]
    seen = {}
    for module in modules:
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                assert name not in seen, f"{name} is in {seen.get(name)} and {module.__name__}"
                seen[name] = module.__name__


def test_a_deleted_accounts_tokens_stop_with_it(client):
    from copse.departures.services import delete_account

    person = testing.make_user()
    secret = token_for(person)
    assert client.get("/api/me", **bearer(secret)).status_code == 200
    delete_account(actor=person, content="keep")
    assert client.get("/api/me", **bearer(secret)).status_code == 401
    assert PersonalAccessToken.objects.get().revoked_at is not None
