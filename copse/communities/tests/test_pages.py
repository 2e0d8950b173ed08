"""Community pages render for the people who may see them, with fixed query counts."""

import pytest
from django.urls import reverse

from copse.core import testing


@pytest.fixture
def open_community(db):
    community = testing.make_community(
        slug="instructional-design", name="Instructional Designers", visibility="open", join_policy="open"
    )
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    return community


def test_directory_lists_listed_communities_for_anonymous(client, open_community):
    hidden = testing.make_community(slug="hidden", name="Hidden Circle", listed=False, visibility="confidential")
    response = client.get(reverse("communities:directory"))
    assert response.status_code == 200
    assert b"Instructional Designers" in response.content
    assert hidden.name.encode() not in response.content


def test_community_home_shows_purpose_and_join_button(client, open_community):
    user = testing.make_user()
    client.force_login(user)
    response = client.get(open_community.get_absolute_url())
    assert response.status_code == 200
    assert b"Join Instructional Designers" in response.content
