"""Search finds library items the viewer may read, and counts nothing else.

Run on SQLite (FTS5) and PostgreSQL (tsvector with GIN): the permission rule
is raw SQL on both, inside the statement that matches.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversation_services
from copse.library import search_index, services
from copse.library.models import LibraryItem
from copse.library.tests import files
from copse.search.query import parse
from copse.search.selectors import SearchFilters, search_everywhere
from copse.search.sources import sources

pytestmark = pytest.mark.django_db

READERS = {"member", "delegate", "facilitator"}
SIGNED_IN = {
    "non_member",
    "requester",
    "invitee",
    "member",
    "delegate",
    "guest_presenter",
    "facilitator",
    "former_member",
    "site_admin",
}
ALL_ROLES = ["anonymous", *sorted(SIGNED_IN)]


def _viewer(people, role):
    return people[role] or AnonymousUser()


def library_count(viewer, text, **filters) -> int:
    found = search_everywhere(viewer, text, SearchFilters(**filters), only="library")
    return found.groups[0].found.count


def library_titles(viewer, text, **filters) -> list[str]:
    found = search_everywhere(viewer, text, SearchFilters(**filters), only="library")
    return [hit.title for hit in found.groups[0].found.hits]


@pytest.fixture
def circle_item(roles):
    """A page in the confidential circle, which does not allow sharing."""
    community, people = roles
    item = services.create_item(
        actor=people["member"],
        community=community,
        kind="page",
        title="Zebrafish husbandry protocol",
        description="How the lab keeps its fish.",
        body="Feed twice daily; check the water's salinity.",
    )
    return community, people, item


@pytest.mark.parametrize("role", ALL_ROLES)
def test_items_of_a_confidential_community_are_found_by_its_readers_only(circle_item, role):
    community, people, item = circle_item
    expected = 1 if role in READERS else 0
    viewer = _viewer(people, role)
    assert library_count(viewer, "salinity") == expected
    assert library_count(viewer, "zebrafish") == expected
    # The count in the everything view hides the same.
    everything = search_everywhere(viewer, "salinity", SearchFilters())
    library = next(g for g in everything.groups if g.source.key == "library")
    assert library.found.count == expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_items_of_an_open_community_are_found_by_everyone(roles, role):
    _, people = roles
    open_community = testing.make_community(slug="open-cop", visibility="open")
    testing.seat(open_community, people["member"])
    services.create_item(
        actor=people["member"],
        community=open_community,
        kind="page",
        title="Open notes",
        body="Salinity targets for everyone.",
    )
    assert library_count(_viewer(people, role), "salinity") == 1


@pytest.mark.parametrize("sharing", ["site", "public"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_shared_items_are_found_beyond_the_community_only_while_shared_and_allowed(
    circle_item, role, sharing
):
    community, people, item = circle_item
    viewer = _viewer(people, role)
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    item.refresh_from_db()
    services.share_item(actor=people["member"], item=item, sharing=sharing, confirmed=True)
    # Shared beyond the community: everyone signed in; a public link is for
    # those who hold it, so search stays for the signed in.
    shared = 1 if role in SIGNED_IN else 0
    assert library_count(viewer, "salinity") == shared
    # The facilitators closing the door closes every share at once.
    community.library_sharing_allowed = False
    community.save(update_fields=["library_sharing_allowed"])
    assert library_count(viewer, "salinity") == (1 if role in READERS else 0)
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    assert library_count(viewer, "salinity") == shared
    item.refresh_from_db()
    services.withdraw_sharing(actor=people["member"], item=item)
    assert library_count(viewer, "salinity") == (1 if role in READERS else 0)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_removed_items_are_never_found(circle_item, role):
    community, people, item = circle_item
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    item.refresh_from_db()
    services.share_item(actor=people["member"], item=item, sharing="site", confirmed=True)
    services.remove_item(actor=people["facilitator"], item=item)
    assert library_count(_viewer(people, role), "salinity") == 0
    # Not even when the index is rebuilt from the rows.
    search_index.rebuild_all()
    assert library_count(_viewer(people, role), "salinity") == 0


@pytest.mark.parametrize("role", ["member", "non_member"])
def test_an_item_removed_behind_the_index_back_is_not_found(circle_item, role):
    """Search checks removal itself, whatever the index still holds."""
    community, people, item = circle_item
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    item.refresh_from_db()
    services.share_item(actor=people["member"], item=item, sharing="site", confirmed=True)
    assert library_count(people[role], "salinity") == 1
    LibraryItem.objects.filter(pk=item.pk).update(removed_at=timezone.now())
    assert library_count(people[role], "salinity") == 0


def test_hidden_community_is_not_named_to_whom_an_item_is_shared(circle_item):
    community, people, item = circle_item
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    item.refresh_from_db()
    services.share_item(actor=people["member"], item=item, sharing="site", confirmed=True)
    [hit] = (
        search_everywhere(people["non_member"], "salinity", SearchFilters(), only="library")
        .groups[0]
        .found.hits
    )
    assert community.name not in hit.meta
    assert "Mona Member" in " ".join(hit.meta)
    [hit] = (
        search_everywhere(people["member"], "salinity", SearchFilters(), only="library")
        .groups[0]
        .found.hits
    )
    assert community.name in hit.meta


def test_the_index_follows_versions_details_and_extracted_text(
    circle_item, django_capture_on_commit_callbacks
):
    community, people, item = circle_item
    member = people["member"]
    services.add_version(
        actor=member, item=item, body="Feed once daily; test the ammonia.", change_note="Less food"
    )
    assert library_count(member, "ammonia") == 1
    assert library_count(member, "salinity") == 0  # an old version's words are not searched
    services.update_details(
        actor=member, item=item, title="Medaka husbandry protocol", description="Now medaka."
    )
    assert library_count(member, "medaka") == 1
    assert library_count(member, "zebrafish") == 0
    with django_capture_on_commit_callbacks(execute=True):
        document = services.create_item(
            actor=member,
            community=community,
            kind="document",
            title="Tank inventory",
            uploaded_file=SimpleUploadedFile(
                "tanks.xlsx", files.xlsx([["Tank", "Species"], ["T1", "Axolotl"]])
            ),
        )
    assert library_titles(member, "axolotl") == ["Tank inventory"]
    with django_capture_on_commit_callbacks(execute=True):
        services.add_version(
            actor=member,
            item=document,
            uploaded_file=SimpleUploadedFile("tanks.pdf", files.pdf(["T1 holds tetras now"])),
            change_note="New stock",
        )
    assert library_count(member, "axolotl") == 0
    assert library_titles(member, "tetras") == ["Tank inventory"]


def test_the_page_groups_results_and_shows_one_type_on_request(client, circle_item):
    community, people, item = circle_item
    conversation_services.start_thread(
        actor=people["member"],
        community=community,
        kind="discussion",
        title="Salinity meters",
        body="Which salinity meter do you use?",
    )
    client.force_login(people["member"])
    url = reverse("search:search")
    page = client.get(url, {"q": "salinity"}).content.decode()
    assert '<h2 id="results-conversations">Conversations</h2>' in page
    assert '<h2 id="results-library">Library</h2>' in page
    assert page.index("results-conversations") < page.index("results-library")
    assert "Zebrafish husbandry protocol" in page and "Salinity meters" in page
    only = client.get(url, {"q": "salinity", "type": "library"}).content.decode()
    assert "Zebrafish husbandry protocol" in only and "Salinity meters" not in only
    assert "results-conversations" not in only
    # A filter the library cannot apply leaves it out, and the page says so.
    asks = client.get(url, {"q": "salinity", "kind": "ask"}).content.decode()
    assert "Zebrafish husbandry protocol" not in asks
    assert "Not searched" in asks and "Kind of conversation" in asks
    bad = client.get(url, {"q": "salinity", "type": "nothing-like-this"})
    assert bad.status_code == 400


def test_library_filters_narrow_results(circle_item):
    community, people, item = circle_item
    member, facilitator = people["member"], people["facilitator"]
    other = testing.make_community(slug="other-cop", visibility="members")
    testing.seat(other, member)
    services.create_item(
        actor=member, community=other, kind="page", title="Elsewhere", body="Salinity too."
    )
    assert library_count(member, "salinity") == 2
    assert library_titles(member, "salinity", community="other-cop") == ["Elsewhere"]
    assert library_titles(member, "salinity", community=community.slug) == [item.title]
    assert library_count(member, "salinity", community="no-such-place") == 0
    # The index's community word is never one of the person's words.
    assert library_count(member, f"c{other.pk}") == 0
    assert library_count(member, "salinity", author=member.handle) == 2
    assert library_count(member, "salinity", author=facilitator.handle) == 0
    tomorrow = timezone.now() + timezone.timedelta(days=1)
    assert library_count(member, "salinity", since=tomorrow) == 0
    assert library_count(member, "salinity", until=tomorrow) == 2
    tag = conversation_services.tags_from_names(["aquaculture"], community=community)
    services.update_details(
        actor=member,
        item=item,
        title=item.title,
        description=item.description,
        tags=tag,
    )
    assert library_titles(member, "salinity", tag="aquaculture") == [item.title]
    # Tags are searched as words too.
    assert library_titles(member, "aquaculture") == [item.title]


def test_counts_are_capped_and_pages_bounded(circle_item):
    community, people, item = circle_item
    LibraryItem.objects.bulk_create(
        LibraryItem(
            community=community,
            kind="link",
            title=f"Salinity link {n}",
            link_url="https://example.com/",
            updated_at=timezone.now(),
        )
        for n in range(30)
    )
    search_index.rebuild_all()
    first = search_everywhere(people["member"], "salinity", SearchFilters(), only="library")
    assert first.groups[0].found.count == 31
    assert len(first.groups[0].found.hits) == 20 and first.has_next
    second = search_everywhere(
        people["member"], "salinity", SearchFilters(), only="library", page=2
    )
    assert len(second.groups[0].found.hits) == 11 and not second.has_next
    # Past the last result there is no row to carry the count; it is still told.
    past = search_everywhere(people["member"], "salinity", SearchFilters(), only="library", page=3)
    assert past.groups[0].found.hits == [] and past.groups[0].found.count == 31
    everything = search_everywhere(people["member"], "salinity", SearchFilters())
    library = next(g for g in everything.groups if g.source.key == "library")
    assert len(library.found.hits) == 5 and library.found.has_more


@pytest.mark.parametrize("query", ['"unterminated', "AND OR NOT", "NEAR(a b)", "*", "'; --"])
def test_any_input_is_a_valid_library_query(circle_item, query):
    community, people, item = circle_item
    search_everywhere(people["member"], query, SearchFilters(), only="library")


def test_excerpts_are_escaped(circle_item):
    community, people, item = circle_item
    services.add_version(
        actor=people["member"],
        item=item,
        body="salinity <script>alert(1)</script> <img src=x onerror=alert(1)>",
        change_note="Markup",
    )
    hits = search_everywhere(people["member"], "salinity", SearchFilters(), only="library")
    html = "".join(hit.excerpt for hit in hits.groups[0].found.hits)
    assert "<script" not in html and "<img" not in html and "<mark>" in html


def test_sources_are_registered_in_order():
    keys = [source.key for source in sources()]
    assert keys.index("conversations") < keys.index("library")
    library = next(source for source in sources() if source.key == "library")
    assert library.ignored_filters(SearchFilters(kind="ask", unanswered=True)) == [
        "Kind of conversation",
        "Unanswered asks only",
    ]
    assert library.ignored_filters(SearchFilters(tag="x", community="y")) == []
    assert parse("salinity").groups == [["salinity"]]


def test_counts_stop_at_what_can_be_paged_through(circle_item):
    from copse.search.sources import COUNT_CAP

    community, people, item = circle_item
    LibraryItem.objects.bulk_create(
        LibraryItem(
            community=community,
            kind="link",
            title=f"Salinity link {n}",
            link_url="https://example.com/",
            updated_at=timezone.now(),
        )
        for n in range(COUNT_CAP + 10)
    )
    search_index.rebuild_all()
    found = search_everywhere(people["member"], "salinity", SearchFilters(), only="library")
    assert found.groups[0].found.count == COUNT_CAP and found.groups[0].found.count_capped
    assert found.groups[0].found.hits[0].title.startswith("Salinity")
