"""`copse bench-data`: the batches benchmarks grow."""

import io


def test_bench_data_grows_a_big_community_and_keeps_member_counts_right(db):
    from copse.communities.models import Community
    from copse.demo.bench_communities import grow
    from copse.memberships.models import JoinRequest, Membership

    first = grow(community_count=20, person_count=150, big_community_members=100)
    second = grow(community_count=20, person_count=150, big_community_members=100)
    assert first["big_community"] != second["big_community"]
    assert Community.objects.count() == 40
    big = Community.objects.get(slug=first["big_community"])
    assert big.member_count == 100
    assert JoinRequest.objects.filter(community=big, status="pending").count() == 25
    for community in Community.objects.all():
        seated = Membership.objects.filter(
            community=community, status="active", role__in=["member", "facilitator"]
        ).count()
        assert community.member_count == seated, community.slug


def test_bench_data_grows_conversations_with_a_long_thread_and_an_index(db):
    from django.core.management import call_command

    from copse.conversations.models import Post, Thread
    from copse.search.selectors import SearchFilters, search

    call_command(
        "bench_data", scale=1, posts=600, expertise=0, library_items=0, stdout=io.StringIO()
    )
    assert Post.objects.count() >= 600
    longest = Thread.objects.order_by("-reply_count").first()
    assert longest.reply_count == 300
    assert Post.objects.filter(thread=longest).count() == 301
    member = longest.community.memberships.filter(role="member").first().user
    assert search(member, "telecom", SearchFilters()).count > 0


def test_bench_data_grows_expertise_entries_every_member_may_see_in_their_community(db):
    from django.core.management import call_command

    from copse.expertise import selectors
    from copse.expertise.models import Experience, ExperienceShown, Expertise
    from copse.memberships.models import Membership

    out = io.StringIO()
    call_command("bench_data", scale=1, posts=0, expertise=2_000, library_items=0, stdout=out)
    assert "1,600 expertise and 400 experience entries" in out.getvalue()
    assert Expertise.objects.count() == 1_600
    assert Experience.objects.count() == ExperienceShown.objects.count() == 400
    entry = Expertise.objects.select_related("community").first()
    neighbour = (
        Membership.objects.filter(community=entry.community, status="active")
        .exclude(user_id=entry.person_id)
        .first()
        .user
    )
    assert selectors.visible_expertise(neighbour).filter(pk=entry.pk).exists()


def test_bench_data_grows_a_library_with_versions_credit_and_an_index(db):
    from django.core.management import call_command

    from copse.library.models import ItemAuthor, ItemVersion, LibraryItem
    from copse.search.selectors import SearchFilters, search_everywhere

    call_command(
        "bench_data", scale=1, posts=0, library_items=300, expertise=0, stdout=io.StringIO()
    )
    assert LibraryItem.objects.count() == 300
    links = LibraryItem.objects.filter(kind="link")
    assert not ItemVersion.objects.filter(item__in=links).exists()
    for item in LibraryItem.objects.exclude(kind="link")[:50]:
        assert item.versions.count() == item.version_count >= 1
        assert ItemAuthor.objects.filter(item=item).exists()
    assert ItemVersion.objects.filter(text_status="extracted").exclude(extracted_text="").exists()
    item = LibraryItem.objects.exclude(kind="link").filter(sharing="community").first()
    member = item.community.memberships.filter(role="member").first().user
    word = item.title.split()[0]
    found = search_everywhere(member, word, SearchFilters(), only="library")
    assert found.groups[0].found.count > 0
