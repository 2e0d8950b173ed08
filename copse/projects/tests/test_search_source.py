"""Documentation projects on the search page: found by the community's
readers only, in their own labelled group."""

import pytest

from copse import testing
from copse.projects import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle():
    community = testing.make_community(slug="circle", visibility="confidential")
    people = {
        "member": testing.make_user("member@example.com"),
        "former": testing.make_user("former@example.com"),
        "outsider": testing.make_user("outsider@example.com"),
        "admin": testing.make_site_admin(email="admin@example.com"),
        "guest": testing.make_user("guest@example.com"),
    }
    testing.seat(community, people["member"])
    testing.seat(community, people["former"], status="left")
    testing.seat(community, people["guest"], role="guest_presenter")
    services.start_project(
        actor=people["member"],
        community=community,
        title="Procurement escalation SOP",
        goal="How we escalate a stalled purchase order.",
        section_titles=["Before you start"],
    )
    return people


def _search(client, person, text):
    client.force_login(person)
    return client.get("/search/", {"q": text, "type": "projects"}).content.decode()


def test_a_reader_finds_the_project_in_its_own_group(client, circle):
    page = _search(client, circle["member"], "escalation")
    assert "Documentation projects" in page
    assert "Procurement escalation SOP" in page


@pytest.mark.parametrize("who", ["former", "outsider", "admin", "guest"])
def test_nobody_else_finds_it_or_its_count(client, circle, who):
    page = _search(client, circle[who], "escalation")
    assert "Procurement escalation" not in page
    assert "stalled purchase" not in page
