"""The library through the API: a community's items, one item with its
credit, and never a title, a community or an item the caller may not read.

The world is the library's own (copse/library/tests/test_reuse_with_credit.py):
Margaret wrote a template in the Vault (confidential, unlisted); Karen, in
the Vault and in Chemistry (members-only, unlisted), adapted it into
Chemistry and shared her adaptation with everyone signed in; Bob is in
Chemistry only; Dana is in an open community only.
"""

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.utils import timezone

from copse import testing
from copse.api.tests.helpers import (
    bearer,
    cache_in_memory,  # noqa: F401  (a fixture)
    token_for,
)
from copse.library import services
from copse.library.models import ItemAuthor, LibraryItem

pytestmark = pytest.mark.django_db

ORIGINAL = "Visiting speaker template"
VAULT = "The Vault"


@pytest.fixture
def world():
    vault = testing.make_community(
        slug="vault", name=VAULT, visibility="confidential", listed=False
    )
    chemistry = testing.make_community(
        slug="chemistry",
        name="Chemistry",
        visibility="members",
        listed=False,
        library_sharing_allowed=True,
    )
    commons = testing.make_community(slug="commons", name="Commons", visibility="open")
    president = testing.make_organisation("Office of the President", kind="unit")
    w = SimpleNamespace(
        vault=vault,
        chemistry=chemistry,
        margaret=testing.make_user(
            "margaret@example.com", name="Margaret Osei", organisation=president
        ),
        karen=testing.make_user("karen@example.com", name="Karen Liu"),
        bob=testing.make_user("bob@example.com", name="Bob Brown"),
        dana=testing.make_user("dana@example.com", name="Dana Designer"),
    )
    testing.seat(vault, w.margaret)
    testing.seat(vault, w.karen)
    testing.seat(chemistry, w.karen)
    testing.seat(chemistry, w.bob)
    testing.seat(commons, w.dana)
    w.original = services.create_item(
        actor=w.margaret,
        community=vault,
        kind="template",
        title=ORIGINAL,
        body="# Visiting speaker\n\n- Travel\n- Honoraria",
    )
    w.adapted = services.adapt_item(
        actor=w.karen, item=w.original, community=chemistry, title="Lab speaker template"
    )
    services.share_item(actor=w.karen, item=w.adapted, sharing="site", confirmed=True)
    return w


def _get(client, user, url):
    if not hasattr(user, "read_token"):
        user.read_token = token_for(user, scopes=["read"])
    return client.get(url, **bearer(user.read_token))


def test_a_reader_of_both_sees_what_the_adaptation_came_from(client, world):
    w = world
    item = _get(client, w.karen, f"/api/library/{w.adapted.pk}").json()
    assert item["adapted_from"]["id"] == w.original.pk
    assert item["adapted_from"]["title"] == ORIGINAL
    assert item["adapted_from"]["community"] == {"slug": "vault", "name": VAULT}
    assert item["adapted_credit"] is None
    assert item["community"] == {"slug": "chemistry", "name": "Chemistry"}
    assert item["authors"] == [{"name": "Karen Liu", "organisation": None}]
    assert "Honoraria" in item["current_version"]["text"]
    assert "<li>Honoraria</li>" in item["current_version"]["html"]


def test_someone_shared_with_reads_the_item_but_not_its_origin_nor_its_community(client, world):
    w = world
    response = _get(client, w.dana, f"/api/library/{w.adapted.pk}")
    assert response.status_code == 200
    item = response.json()
    assert item["adapted_from"] is None
    assert item["adapted_credit"] == "Margaret Osei, Office of the President"
    assert item["community"] is None
    assert item["reads_community"] is False
    for hidden in (ORIGINAL, VAULT, "Chemistry", f"/library/{w.original.pk}/", "chemistry"):
        assert hidden not in response.content.decode()
    # Nor the original, nor the library it was shared from.
    assert _get(client, w.dana, f"/api/library/{w.original.pk}").status_code == 404
    assert _get(client, w.dana, "/api/communities/chemistry/library").status_code == 404


def test_a_withdrawn_share_or_a_removed_item_answers_404(client, world):
    w = world
    url = f"/api/library/{w.adapted.pk}"
    services.withdraw_sharing(actor=w.karen, item=w.adapted)
    assert _get(client, w.dana, url).status_code == 404
    assert _get(client, w.bob, url).status_code == 200
    services.remove_item(actor=w.karen, item=LibraryItem.objects.get(pk=w.adapted.pk))
    assert _get(client, w.bob, url).status_code == 404


def test_the_list_is_paged_and_filtered_by_kind(client, world):
    w = world
    now = timezone.now()
    LibraryItem.objects.bulk_create(
        LibraryItem(
            community=w.chemistry,
            kind="page" if i % 2 else "link",
            title=f"Item {i}",
            updated_at=now - timezone.timedelta(minutes=i),
        )
        for i in range(30)
    )
    seen, after = [], None
    for _ in range(3):
        query = f"?after={quote(after)}" if after else ""
        page = _get(client, w.bob, f"/api/communities/chemistry/library{query}").json()
        seen += [item["title"] for item in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert after is None
    assert len(seen) == len(set(seen)) == 31
    assert (seen[0], seen[-1]) == ("Item 0", "Item 29")

    pages = _get(client, w.bob, "/api/communities/chemistry/library?kind=page").json()
    assert {item["kind"] for item in pages["items"]} == {"page"}
    assert len(pages["items"]) == 15
    refused = _get(client, w.bob, "/api/communities/chemistry/library?kind=novel")
    assert refused.status_code == 422
    # A cursor someone edited starts from the beginning.
    again = _get(client, w.bob, "/api/communities/chemistry/library?after=yesterday|x").json()
    assert again["items"][0]["title"] == "Item 0"


# Every call costs the caller's 2: the token and the user (the rate count is
# kept in memory here). Then the list's 5 (the community, standings, items, authors, tags),
# and the item's 11 (the item, authors, tags, standings, versions, the chain
# of adaptations, its items and authors, the adaptations counted and listed,
# the re-uses), the same at both sizes.
CALLER = 2
LIST_QUERIES, ITEM_QUERIES = CALLER + 5, CALLER + 11


@pytest.mark.usefixtures("cache_in_memory")
@pytest.mark.parametrize("size", [2, 40])
def test_the_list_and_an_item_run_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries, size
):
    w = world
    now = timezone.now()
    items = LibraryItem.objects.bulk_create(
        LibraryItem(community=w.chemistry, kind="page", title=f"Item {i}", updated_at=now)
        for i in range(size)
    )
    ItemAuthor.objects.bulk_create(
        ItemAuthor(item=item, person=w.bob, name="Bob Brown") for item in items
    )
    for number in range(size):
        services.adapt_item(
            actor=w.karen, item=w.adapted, community=w.vault, title=f"Vault copy {number}"
        )
    headers = bearer(token_for(w.bob, scopes=["read"]))
    client.get("/api/me", **headers)  # the token's first use is noted once
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/api/communities/chemistry/library", **headers)
    assert len(response.json()["items"]) == min(size + 1, 25)
    with django_assert_max_num_queries(ITEM_QUERIES):
        item = client.get(f"/api/library/{w.adapted.pk}", **headers)
    assert item.status_code == 200
    assert "Vault copy" not in item.content.decode()
