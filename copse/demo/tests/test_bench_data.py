"""`copse bench-data`: the batches benchmarks grow."""

import io

from django.db.models import F
from django.utils import timezone


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
        "bench_data",
        scale=1,
        posts=600,
        expertise=0,
        library_items=0,
        activity=False,
        stdout=io.StringIO(),
    )
    assert Post.objects.count() >= 600
    longest = Thread.objects.order_by("-reply_count").first()
    assert longest.reply_count == 300
    assert Post.objects.filter(thread=longest).count() == 301
    member = longest.community.memberships.filter(role="member").first().user
    assert search(member, "telecom", SearchFilters()).count > 0
    from django.db import connection

    if connection.vendor == "postgresql":
        # ANALYZEd at the end: the planner knows the tables' new sizes.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'conversations_post'")
            assert cursor.fetchone()[0] == Post.objects.count()


def test_bench_data_grows_expertise_entries_every_member_may_see_in_their_community(db):
    from django.core.management import call_command

    from copse.expertise import selectors
    from copse.expertise.models import Experience, ExperienceShown, Expertise
    from copse.memberships.models import Membership

    out = io.StringIO()
    call_command(
        "bench_data",
        scale=1,
        posts=0,
        expertise=2_000,
        library_items=0,
        activity=False,
        stdout=out,
    )
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
        "bench_data",
        scale=1,
        posts=0,
        library_items=300,
        expertise=0,
        activity=False,
        stdout=io.StringIO(),
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


def test_bench_data_grows_a_year_of_activity_and_pulses_that_stay_anonymous(db):
    from django.core.management import call_command

    from copse.conversations.models import Post, Thread
    from copse.meetings.models import Meeting, Rsvp
    from copse.pulses.models import Pulse, PulseAnswer, Respondent
    from copse.value.models import ValueStory

    out = io.StringIO()
    call_command("bench_data", scale=1, posts=2_000, library_items=0, expertise=0, stdout=out)
    assert "the sponsor is bench1-sponsor@bench.example" in out.getvalue()
    big = Meeting.objects.values_list("community_id", flat=True).order_by("community_id").first()
    assert Meeting.objects.filter(community_id=big).count() == 13
    past = Rsvp.objects.filter(meeting__starts_at__lt=timezone.now())
    assert past.filter(attended=True).exists() and past.filter(attended=False).exists()
    assert not Rsvp.objects.filter(meeting__starts_at__gt=timezone.now(), attended__isnull=False)
    for meeting in Meeting.objects.all()[:30]:
        assert meeting.going_count == meeting.rsvps.filter(place="going").count()
    helpful = Post.objects.filter(helpful=True)
    assert helpful.exists() and not helpful.filter(helpful_at__isnull=True).exists()
    assert not helpful.filter(helpful_at__lt=F("created_at")).exists()
    assert Thread.objects.filter(ask_state="answered").count() == helpful.count()
    assert ValueStory.objects.filter(cycle="realised", money_saved__gt=0, currency="USD").exists()
    assert ValueStory.objects.filter(sharing="report").exists()
    pulses = Pulse.objects.all()
    assert pulses.exists() and all(p.results_shown for p in pulses)
    for pulse in pulses:
        assert pulse.respondent_count >= 5
        assert pulse.respondents.count() == pulse.answers.count() == pulse.respondent_count
    # An answer names nobody: its only relation is its pulse.
    assert {f.name for f in PulseAnswer._meta.concrete_fields} == {
        "id",
        "pulse",
        "statement_1",
        "statement_2",
        "statement_3",
        "statement_4",
        "statement_5",
        "open_answer",
    }
    assert Respondent.objects.count() == PulseAnswer.objects.count()
    from copse.accounts.models import User

    sponsor = User.objects.get(email="bench1-sponsor@bench.example")
    assert sponsor.is_sponsor and not sponsor.memberships.exists()
