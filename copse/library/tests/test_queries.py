"""Library pages run the same number of queries at any data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.library import search_index
from copse.library.models import ItemAuthor, ItemVersion, LibraryItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    community = testing.make_community(slug="cop", visibility="members")
    people = [testing.make_user(organisation=testing.make_organisation()) for _ in range(6)]
    for person in people:
        testing.seat(community, person)
    return community, people


def _grow(community, people, items: int, versions: int) -> LibraryItem:
    """Bulk-made items, each with `versions` versions and every person credited."""
    now = timezone.now()
    made = LibraryItem.objects.bulk_create(
        LibraryItem(
            community=community,
            kind="template" if n % 2 else "page",
            title=f"Salinity template {n}",
            description="A template to re-use.",
            created_by=people[0],
            version_count=versions,
            updated_at=now,
        )
        for n in range(items)
    )
    ItemAuthor.objects.bulk_create(
        ItemAuthor(item=item, person=person, name=person.display_name, position=p)
        for item in made
        for p, person in enumerate(people)
    )
    ItemVersion.objects.bulk_create(
        ItemVersion(
            item=item,
            number=number,
            change_note=f"Pass {number}",
            body_markdown="Salinity notes",
            body_html="<p>Salinity notes</p>",
            created_by=people[number % len(people)],
        )
        for item in made
        for number in range(1, versions + 1)
    )
    search_index.rebuild_all()
    return made[-1]


PAGES = {
    "list": lambda community, item: reverse("library:list", args=[community.slug]),
    "item": lambda community, item: item.get_absolute_url(),
    "search": lambda community, item: reverse("search:search") + "?q=salinity",
    "search-library": lambda community, item: reverse("search:search") + "?q=salinity&type=library",
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_data(client, world, django_assert_max_num_queries, page):
    community, people = world
    client.force_login(people[0])
    counts = []
    for items, versions in ((3, 1), (60, 12)):
        item = _grow(community, people, items, versions)
        url = PAGES[page](community, item)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        assert b"Salinity" in response.content
        counts.append(len(captured))
    assert counts[0] == counts[1], f"{page}: {counts}"
    # The search page runs each of its eight groups (conversations, meetings,
    # materials, topics, norms, library, projects, who knows what) at a fixed
    # cost; PostgreSQL sets the planner once for the page, and back at its
    # end inside a test's transaction: two more.
    search_limit = 30 if connection.vendor == "postgresql" else 28
    with django_assert_max_num_queries(search_limit if page.startswith("search") else 20):
        client.get(PAGES[page](community, item))
