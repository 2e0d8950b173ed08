"""The library's pages run the same number of queries at two data sizes.

A world of `n` items (each with authors and tags) and one item with `n`
versions, `n` re-uses by `n` people, `n` adaptations (half in a community the
viewer cannot read) and a chain of adaptations `n` long (followed back
CHAIN_DEPTH steps). Rows are bulk-created; the pages are real requests.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.conversations.models import Tag
from copse.library import services
from copse.library.models import ItemAuthor, ItemVersion, LibraryItem, Reuse

pytestmark = pytest.mark.django_db

SIZES = (3, 40)
# The most each page may run at any size.
LIMITS = {"list": 11, "list filtered": 11, "item": 16, "chain": 16, "version": 10, "shared": 4}


def _world(n):
    community = testing.make_community(
        slug="admins", name="Administrators", visibility="members", topic_areas=["Records"]
    )
    elsewhere = testing.make_community(slug="elsewhere", visibility="members", listed=False)
    viewer = testing.make_user("viewer@example.com", name="Vera Viewer")
    author = testing.make_user("author@example.com", name="Ann Author")
    testing.seat(community, viewer)
    testing.seat(community, author)
    testing.seat(elsewhere, author)
    community.library_sharing_allowed = True
    community.save()
    tag = Tag.objects.create(community=community, name="speakers", slug="speakers")
    now = timezone.now()

    items = LibraryItem.objects.bulk_create(
        LibraryItem(
            community=community,
            kind="page",
            title=f"Item {i}",
            topic_areas=["Records"],
            updated_at=now,
            version_count=1,
        )
        for i in range(n)
    )
    ItemAuthor.objects.bulk_create(
        ItemAuthor(item=item, person=author, name="Ann Author") for item in items
    )
    LibraryItem.tags.through.objects.bulk_create(
        LibraryItem.tags.through(libraryitem=item, tag=tag) for item in items
    )

    main = services.create_item(
        actor=author, community=community, kind="page", title="Main", body="one\ntwo"
    )
    ItemVersion.objects.bulk_create(
        ItemVersion(item=main, number=k, body_markdown=f"line {k}", body_html=f"<p>line {k}</p>")
        for k in range(2, n + 2)
    )
    LibraryItem.objects.filter(pk=main.pk).update(version_count=n + 1)
    people = [testing.make_user(f"p{k}@example.com") for k in range(n)]
    for person in people[: n // 2]:
        testing.seat(community, person)
    Reuse.objects.bulk_create(
        Reuse(item=main, person=person, note="Used it", hours_saved=Decimal(1)) for person in people
    )
    LibraryItem.objects.bulk_create(
        LibraryItem(
            community=community if k % 2 else elsewhere,
            kind="page",
            title=f"Adaptation {k}",
            adapted_from=main,
            updated_at=now,
        )
        for k in range(n)
    )
    parent = main
    for k in range(n):
        parent = LibraryItem.objects.create(
            community=community if k % 2 or k == n - 1 else elsewhere,
            kind="page",
            title=f"Step {k}",
            adapted_from=parent,
            updated_at=now,
        )
    services.share_item(actor=author, item=main, sharing="public", confirmed=True)
    main.refresh_from_db()
    return community, viewer, main, parent


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _urls(community, main, last):
    return {
        "list": reverse("library:list", args=[community.slug]),
        "list filtered": reverse("library:list", args=[community.slug])
        + "?kind=page&area=Records&tag=speakers",
        "item": main.get_absolute_url(),
        "chain": last.get_absolute_url(),
        "version": reverse("library:version", args=[main.pk, 3]),
        "shared": reverse("library:shared", args=[main.public_token]),
    }


@pytest.mark.parametrize("page", ["list", "list filtered", "item", "chain", "version", "shared"])
def test_a_page_runs_the_same_queries_at_two_sizes(client, page):
    counts = []
    for n in SIZES:
        LibraryItem.objects.all().delete()
        from copse.accounts.models import User
        from copse.communities.models import Community

        Community.objects.all().delete()
        User.objects.all().delete()
        community, viewer, main, last = _world(n)
        client.force_login(viewer)
        if page == "shared":
            client.logout()
        url = _urls(community, main, last)[page]
        client.get(url)  # warm caches that are per process, not per request
        counts.append(_count(client, url))
    assert counts[0] == counts[1], f"{page}: {counts}"
    assert counts[1] <= LIMITS[page], f"{page}: {counts}"
