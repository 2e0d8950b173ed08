"""A site admin founding a community with mangled facilitator ids gets the form back."""

import pytest
from django.urls import reverse

from copse import testing
from copse.communities.models import Community


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "abc", "-1"])
def test_founding_a_community_with_a_mangled_facilitator_id_keeps_the_form(client, db, value):
    client.force_login(testing.make_site_admin())
    response = client.post(
        reverse("communities:programme_new"),
        {
            "slug": "mangled",
            "name": "Mangled Circle",
            "purpose": "Testing",
            "topic_areas": "People",
            "kind": "cross",
            "visibility": "confidential",
            "join_policy": "invitation",
            "size_cap": "25",
            "facilitators": [value],
        },
    )
    assert response.status_code == 400
    assert b"Mangled Circle" in response.content
    assert not Community.objects.filter(slug="mangled").exists()
