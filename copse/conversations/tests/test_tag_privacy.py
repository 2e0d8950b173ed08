"""Tags of a community the viewer cannot read are invisible, attacks first.

A confidential community tags a thread with a spelling only its members know
("Project NIGHTJAR-7"). Nobody outside it (a member of another community who
types the same tag, a site admin keeping the catalogue) ever sees that
spelling come back, nor learns that the tag exists.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from copse import testing
from copse.conversations import selectors, services
from copse.conversations.models import Tag, Thread

HIDDEN = "Project NIGHTJAR-7"
TYPED = "project nightjar 7"
SLUG = "project-nightjar-7"


@pytest.fixture
def hidden_and_open(db):
    hidden = testing.make_community(slug="hidden", visibility="confidential", listed=False)
    insider = testing.make_user(name="Ines Insider")
    testing.seat(hidden, insider)
    services.start_thread(
        actor=insider,
        community=hidden,
        kind="discussion",
        title="The plan",
        body="Secret plan.",
        tag_names=[HIDDEN],
    )
    public = testing.make_community(slug="public", visibility="open")
    outsider = testing.make_user(name="Otto Outsider")
    testing.seat(public, outsider)
    return hidden, insider, public, outsider


def _pages_as(client, user, thread):
    client.force_login(user)
    urls = [
        thread.get_absolute_url(),
        reverse("conversations:list", args=[thread.community.slug]),
        reverse("conversations:catalogue"),
        reverse("conversations:tag", args=[SLUG]),
    ]
    return {url: client.get(url) for url in urls}


def test_typing_a_hidden_communitys_tag_gives_back_your_own_spelling(client, hidden_and_open):
    hidden, insider, public, outsider = hidden_and_open
    thread = services.start_thread(
        actor=outsider,
        community=public,
        kind="discussion",
        title="Anyone heard of this?",
        body="Rumours.",
        tag_names=[TYPED],
    )
    (tag,) = thread.tags.all()
    assert tag.name == TYPED
    assert tag.community == public
    for url, response in _pages_as(client, outsider, thread).items():
        assert response.status_code == 200, url
        assert HIDDEN.encode() not in response.content, url
        assert TYPED.encode() in response.content, url
    # The tag page counts the outsider's thread only, not the hidden one.
    page = client.get(reverse("conversations:tag", args=[SLUG]))
    assert b"1 thread you can read" in page.content
    # The insider still sees the spelling their community chose on their thread.
    client.force_login(insider)
    mine = Thread.objects.get(community=hidden)
    assert HIDDEN.encode() in client.get(mine.get_absolute_url()).content


def test_a_tag_used_only_where_you_cannot_read_does_not_exist_for_you(client, hidden_and_open):
    _, _, _, outsider = hidden_and_open
    client.force_login(outsider)
    assert client.get(reverse("conversations:tag", args=[SLUG])).status_code == 404
    missing = client.get(reverse("conversations:tag", args=["no-such-tag-anywhere"]))
    assert missing.status_code == 404
    catalogue = client.get(reverse("conversations:catalogue"))
    assert HIDDEN.encode() not in catalogue.content
    assert b"nightjar" not in catalogue.content.lower()


def test_site_admin_catalogue_never_shows_a_hidden_communitys_tags(client, hidden_and_open):
    _, _, _, _ = hidden_and_open
    admin = testing.make_site_admin()
    client.force_login(admin)
    for url in (reverse("conversations:catalogue_manage"), reverse("conversations:catalogue")):
        response = client.get(url)
        assert response.status_code == 200
        assert b"nightjar" not in response.content.lower(), url
    # Adding an entry with the same name gives the admin's own spelling back,
    # and leaves the community's topic alone.
    response = client.post(
        reverse("conversations:catalogue_manage"), {"name": TYPED, "kind": "product"}, follow=True
    )
    assert response.status_code == 200
    assert HIDDEN.encode() not in response.content
    assert TYPED.encode() in response.content
    assert Tag.objects.get(slug=SLUG, community__isnull=True).name == TYPED
    assert Tag.objects.get(slug=SLUG, community__slug="hidden").name == HIDDEN
    # The tag page of the new entry shows no thread to the admin: 404, as missing.
    assert client.get(reverse("conversations:tag", args=[SLUG])).status_code == 404


def test_a_catalogue_entry_is_shared_and_gathers_readable_threads(hidden_and_open):
    hidden, insider, public, outsider = hidden_and_open
    admin = testing.make_site_admin()
    entry = services.add_to_catalogue(actor=admin, name="Vendor Networks", kind="vendor")
    for actor, community in ((insider, hidden), (outsider, public)):
        thread = services.start_thread(
            actor=actor,
            community=community,
            kind="ask",
            title="Vendor Networks renewal",
            body="Who renewed?",
            tag_names=["vendor NETWORKS"],
        )
        assert list(thread.tags.all()) == [entry]
    (listed,) = [t for t in selectors.catalogue(outsider) if t.slug == "vendor-networks"]
    assert (listed.name, listed.thread_count) == ("Vendor Networks", 1)
    # The insider reads both: the open community is open to every member.
    (listed,) = [t for t in selectors.catalogue(insider) if t.slug == "vendor-networks"]
    assert listed.thread_count == 2


def test_a_reader_of_two_communities_sees_one_entry_per_tag(hidden_and_open):
    hidden, insider, public, outsider = hidden_and_open
    testing.seat(public, insider)
    services.start_thread(
        actor=insider,
        community=public,
        kind="discussion",
        title="Out in the open",
        body="Hello.",
        tag_names=[TYPED],
    )
    entries = [t for t in selectors.catalogue(insider) if t.slug == SLUG]
    assert len(entries) == 1 and entries[0].thread_count == 2
    # Outsiders count only the open thread and see the open community's spelling.
    (entry,) = [t for t in selectors.catalogue(outsider) if t.slug == SLUG]
    assert (entry.name, entry.thread_count) == (TYPED, 1)


def test_a_moved_thread_takes_the_destinations_tags(hidden_and_open):
    hidden, insider, public, _ = hidden_and_open
    facilitator = testing.make_user()
    testing.seat(hidden, facilitator, role="facilitator")
    vault = testing.make_community(slug="vault", visibility="confidential")
    testing.seat(vault, facilitator, role="facilitator")
    testing.seat(vault, insider)
    services.start_thread(
        actor=insider,
        community=vault,
        kind="discussion",
        title="Already here",
        body="Hi.",
        tag_names=[TYPED],
    )
    thread = Thread.objects.get(community=hidden)
    services.move_thread(actor=facilitator, thread=thread, to_community=vault)
    (tag,) = Thread.objects.get(pk=thread.pk).tags.all()
    assert tag.community == vault and tag.name == TYPED


def test_old_shared_topics_are_split_per_community_without_a_spelling_from_elsewhere(
    hidden_and_open,
):
    """The migration: topic tags that several communities shared."""
    hidden, insider, public, outsider = hidden_and_open
    shared = Tag.objects.create(name="SECRET Spelling", slug="secret-spelling")
    unused = Tag.objects.create(name="Nobody Uses", slug="nobody-uses")
    vendor = Tag.objects.create(name="Vendor Co", slug="vendor-co", kind="vendor")
    threads = []
    for actor, community in ((insider, hidden), (outsider, public)):
        thread = services.start_thread(
            actor=actor, community=community, kind="discussion", title="t", body="b"
        )
        thread.tags.set([shared, vendor])
        threads.append(thread)
    migration = importlib.import_module(
        "copse.conversations.migrations.0007_tags_belong_to_their_community"
    )
    migration.give_topics_to_their_communities(apps, None)
    assert not Tag.objects.filter(pk=unused.pk).exists()
    for thread in threads:
        tags = {t.slug: t for t in Thread.objects.get(pk=thread.pk).tags.all()}
        assert tags["vendor-co"].pk == vendor.pk
        assert tags["secret-spelling"].community_id == thread.community_id
        assert tags["secret-spelling"].name == "secret spelling"
