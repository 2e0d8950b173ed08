"""Names that go into mail headers (a person's, a community's, an
organisation's) refuse line breaks and control characters: in every form
that sets them, with a clear message beside what was typed, and in the
services and models, so nothing else can save them either."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from copse import testing
from copse.accounts.models import User
from copse.communities import services as communities
from copse.communities.models import Community
from copse.core.errors import UserFacingError
from copse.core.names import MESSAGE
from copse.organisations import services as organisations
from copse.organisations.models import Organisation

# A header injection, a bare CR, a tab, NUL, NEL and the Unicode separators.
BAD = [
    "Eve\nBcc: everyone@example.com",
    "Eve\rBcc: x",
    "Eve\tExample",
    "Eve\x00",
    "Eve\x85Next",
    "Eve\u2028Line",
    "Eve\u2029Para",
]
ESCAPED_MESSAGE = MESSAGE.replace("'", "&#x27;")


def _explains(response, name) -> bool:
    """Our message, or Django's own for NUL (which every form field refuses)."""
    expected = "Null characters are not allowed." if "\x00" in name else ESCAPED_MESSAGE
    return expected in response.content.decode()


def _profile(name):
    return {
        "display_name": name,
        "job_title": "CIO",
        "organisation": "",
        "time_zone": "UTC",
        "bio": "Kept as typed.",
    }


@pytest.mark.parametrize("name", BAD)
def test_a_display_name_with_a_line_break_is_refused_on_the_profile(client, db, name):
    person = testing.make_user(name="Eve Example")
    client.force_login(person)
    response = client.post(reverse("accounts:profile"), _profile(name))
    assert response.status_code == 400
    assert _explains(response, name)
    assert "Kept as typed." in response.content.decode()
    person.refresh_from_db()
    assert person.display_name == "Eve Example"


def test_a_plain_name_with_spaces_around_still_saves(client, db):
    person = testing.make_user(name="Eve Example")
    client.force_login(person)
    response = client.post(reverse("accounts:profile"), _profile("  Eve   Example-Okafor "))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Eve Example-Okafor"


def _community_form(name, **extra):
    return {
        "name": name,
        "purpose": "Learning together",
        "goals": "",
        "topic_areas": "People",
        "kind": "cross",
        "visibility": "members",
        "listed": "on",
        "join_policy": "request",
        "eligibility": "",
        "per_organisation_cap": "",
        "size_cap": "",
        "meeting_cadence": "",
        "who_may_propose": "contributors",
        "norms_review_months": "12",
        **extra,
    }


@pytest.mark.parametrize("name", BAD)
def test_a_community_name_with_a_line_break_is_refused_in_its_settings(client, db, name):
    community = testing.make_community(slug="circle", name="Circle")
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    client.force_login(facilitator)
    response = client.post(reverse("communities:settings", args=["circle"]), _community_form(name))
    assert response.status_code == 400
    assert _explains(response, name)
    community.refresh_from_db()
    assert community.name == "Circle"


@pytest.mark.parametrize("name", BAD[:3])
def test_a_new_community_with_a_line_break_in_its_name_is_refused(client, db, name):
    client.force_login(testing.make_site_admin())
    response = client.post(
        reverse("communities:programme_new"), _community_form(name, slug="new-circle")
    )
    assert response.status_code == 400
    assert ESCAPED_MESSAGE in response.content.decode()
    assert not Community.objects.filter(slug="new-circle").exists()


@pytest.mark.parametrize("name", BAD[:3])
def test_an_organisation_name_with_a_line_break_is_refused(client, db, name):
    client.force_login(testing.make_site_admin())
    response = client.post(
        reverse("organisations:new"), {"name": name, "kind": "company", "parent_institution": ""}
    )
    assert response.status_code == 400
    assert ESCAPED_MESSAGE in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("name", BAD)
def test_the_services_refuse_them_too(db, name):
    """The path forms do not take (the demo, scripts, other callers)."""
    admin = testing.make_site_admin()
    with pytest.raises(UserFacingError, match="one line"):
        communities.create_community(actor=admin, slug="x", name=name, purpose="p")
    community = testing.make_community(slug="circle", name="Circle")
    with pytest.raises(UserFacingError, match="one line"):
        communities.update_settings(actor=admin, community=community, name=name)
    with pytest.raises(UserFacingError, match="one line"):
        organisations.save_organisation(actor=admin, organisation=Organisation(name=name))
    assert not Community.objects.filter(slug="x").exists()
    assert Community.objects.get(slug="circle").name == "Circle"
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("name", BAD[:2])
def test_the_models_refuse_them_when_cleaned(db, name):
    for instance, field in (
        (User(email="eve@example.com", display_name=name), "display_name"),
        (Community(slug="c", name=name, purpose="p"), "name"),
        (Organisation(name=name), "name"),
    ):
        with pytest.raises(ValidationError) as caught:
            instance.full_clean()
        assert caught.value.message_dict[field] == [MESSAGE]
