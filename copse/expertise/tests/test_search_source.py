"""Who knows what on the search page: an entry is found only by people who
share a community where its person chose to show it."""

import pytest

from copse.expertise.tests.conftest import experience


def _search(client, person, text):
    client.force_login(person)
    return client.get("/search/", {"q": text, "type": "expertise"}).content.decode()


@pytest.mark.django_db
def test_a_neighbour_finds_the_experience_where_it_is_shown(client, world):
    experience(world["expert"], world["vendor"], [world["cio"]])
    page = _search(client, world["asker"], "Vendor Networks")
    assert "Who knows what" in page
    assert "Eve Expert" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["outsider", "former", "guest", "site_admin", "other_facilitator", "designer"]
)
def test_nobody_outside_the_chosen_communities_finds_it(client, world, who):
    experience(world["expert"], world["vendor"], [world["cio"]])
    page = _search(client, world[who], "Vendor Networks")
    assert "Eve Expert" not in page
