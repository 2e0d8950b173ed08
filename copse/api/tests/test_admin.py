"""The site administration endpoints: an `admin` token of a site admin."""

import json

import pytest

from copse import testing
from copse.api.tests.helpers import bearer, token_for
from copse.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _post(client, secret, body):
    return client.post(
        "/api/admin/organisations",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(secret),
    )


def test_adding_an_organisation_verifies_the_people_in_its_domain(client):
    admin = testing.make_site_admin()
    person = testing.make_user("dev@contoso.example")
    response = _post(
        client,
        token_for(admin, scopes=["admin"]),
        {"name": "Contoso", "kind": "company", "domains": ["Contoso.Example"]},
    )
    assert response.status_code == 201
    assert response.json()["domains"] == ["contoso.example"]
    person.refresh_from_db()
    assert person.organisation.name == "Contoso"
    listed = client.get("/api/admin/organisations", **bearer(token_for(admin, scopes=["admin"])))
    assert [row["name"] for row in listed.json()["items"]] == ["Contoso"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"name": "Free mail", "domains": ["gmail.com"]}, "domains"),
        ({"name": "Taken", "domains": ["northwind.example"]}, "domains"),
        ({"name": "Northwind"}, "name"),
    ],
)
def test_an_organisation_the_page_would_refuse_is_refused_with_its_reason(client, body, word):
    admin = testing.make_site_admin()
    _post(
        client,
        token_for(admin, scopes=["admin"]),
        {"name": "Northwind", "domains": ["northwind.example"]},
    )
    response = _post(client, token_for(admin, scopes=["admin"]), body)
    assert response.status_code == 400
    assert word in response.json()["detail"]
    assert Organisation.objects.count() == 1


def test_the_programme_shows_sizes_and_never_content(client, roles):
    community, people = roles
    admin = people["site_admin"]
    response = client.get("/api/admin/communities", **bearer(token_for(admin, scopes=["admin"])))
    assert response.status_code == 200
    row = next(row for row in response.json() if row["slug"] == community.slug)
    assert row["member_count"] == community.member_count
    assert [f["name"] for f in row["facilitators"]] == ["Fay Facilitator"]
    # The same admin, with every scope, still reads none of the community.
    everything = token_for(admin, scopes=["read", "write", "admin"])
    assert (
        client.get(f"/api/communities/{community.slug}/threads", **bearer(everything)).status_code
        == 404
    )


def test_a_site_admins_session_reaches_the_administration_and_a_members_does_not(client):
    client.force_login(testing.make_site_admin())
    assert client.get("/api/admin/communities").status_code == 200
    client.force_login(testing.make_user())
    assert client.get("/api/admin/communities").status_code == 403
