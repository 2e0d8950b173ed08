"""The `copse` console script and the benchmark data generator."""

import io

from copse.cli import command_name


def test_hyphenated_command_names_reach_the_underscored_commands():
    assert command_name(["copse", "bench-data", "--scale", "2"]) == [
        "copse",
        "bench_data",
        "--scale",
        "2",
    ]
    assert command_name(["copse", "help", "bench-data"]) == ["copse", "help", "bench_data"]
    assert command_name(["copse", "demo", "--if-empty"]) == ["copse", "demo", "--if-empty"]
    assert command_name(["copse", "--version"]) == ["copse", "--version"]
    assert command_name(["copse"]) == ["copse"]


def test_bench_data_grows_a_big_community_and_keeps_member_counts_right(db):
    from copse.communities.models import Community
    from copse.core.management.commands.bench_data import grow
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

    call_command("bench_data", scale=1, posts=600, stdout=io.StringIO())
    assert Post.objects.count() >= 600
    longest = Thread.objects.order_by("-reply_count").first()
    assert longest.reply_count == 300
    assert Post.objects.filter(thread=longest).count() == 301
    member = longest.community.memberships.filter(role="member").first().user
    assert search(member, "telecom", SearchFilters()).count > 0


def test_demo_can_leave_printing_the_logins_to_serve(db):
    from io import StringIO

    from django.core.management import call_command

    quiet, loud = StringIO(), StringIO()
    call_command("demo", "--no-logins", stdout=quiet)
    call_command("demo", stdout=loud)
    assert "maria@northwind.example" not in quiet.getvalue()
    assert "maria@northwind.example" in loud.getvalue()
