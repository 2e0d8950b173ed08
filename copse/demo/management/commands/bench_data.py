"""`copse bench-data --scale N`: grow the database for benchmarks.

Each unit of scale adds 1,000 communities, 10,000 people and 200 organisations,
with memberships spread so that one community has 1,000 members and the others
3 to 25; 200,000 conversation posts and 20,000 library items with versions
go into the big community and 199 others, and 50,000 expertise and experience
entries spread over the batch. Those 200 communities also get a year of
activity: meetings with answers and attendance, helpful marks on asks, value
stories, time estimates and quarterly trust pulses; and the batch gets a
sponsor, `bench<N>-sponsor@bench.example`. Rows are bulk-inserted (the services would take minutes at this size
and send mail); every run adds a new, separately named batch, so the command
can be run again to grow the database further. Never run it on a real site.
"""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from copse.core.db import analyze
from copse.demo.bench_communities import grow
from copse.demo.bench_conversations import grow_conversations
from copse.demo.bench_expertise import grow_expertise


class Command(BaseCommand):
    help = (
        "Grow the database for benchmarks: per unit of scale, 1,000 communities and "
        "10,000 people; one community has 1,000 members. Adds a new batch each run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Units of 1,000 communities.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--posts",
            type=int,
            default=None,
            help="Conversation posts to add (default 200,000 per unit of scale; 0 for none). "
            "The big community also gets one thread of 10,000 replies.",
        )
        parser.add_argument(
            "--expertise",
            type=int,
            default=None,
            help="Expertise and experience entries to add (default 50,000 per unit of scale; "
            "0 for none).",
        )
        parser.add_argument(
            "--library-items",
            type=int,
            default=None,
            help="Library items to add, with versions (default 20,000 per unit of scale; "
            "0 for none).",
        )

        parser.add_argument(
            "--activity",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Add a year of meetings, helpful marks, value stories and trust pulses "
            "in the active communities, and a sponsor (default: yes).",
        )

    def handle(self, *args, **options):
        if options["scale"] < 1:
            raise CommandError("--scale must be 1 or more.")
        started = time.perf_counter()
        scale = options["scale"]
        figures = grow(
            community_count=1_000 * scale,
            person_count=10_000 * scale,
            organisation_count=200 * scale,
            seed=options["seed"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Batch {figures['batch']}: {figures['communities']:,} communities, "
                f"{figures['people']:,} people, {figures['memberships']:,} memberships "
                f"in {time.perf_counter() - started:.1f} s. "
                f"The 1,000-member community is /c/{figures['big_community']}/."
            )
        )
        posts = 200_000 * scale if options["posts"] is None else options["posts"]
        items = 20_000 * scale if options["library_items"] is None else options["library_items"]
        if posts > 0 or items > 0 or options["activity"]:
            communities, people = self._active_communities(figures["big_community"])
        if posts > 0:
            self._grow_conversations(
                figures["big_community"], communities, people, posts, options["seed"]
            )
        if items > 0:
            self._grow_library(communities, people, items, options["seed"])
        if options["activity"]:
            self._grow_activity(communities, posts > 0, options["seed"])
        entries = 50_000 * scale if options["expertise"] is None else options["expertise"]
        if entries > 0:
            self._grow_expertise(figures["big_community"], entries, options["seed"])
        # Bulk loads leave PostgreSQL's planner without statistics until
        # autovacuum comes round; a real site's tables have them.
        analyze()

    def _grow_expertise(self, big_slug: str, entries: int, seed: int) -> None:
        """Entries for the members of every community of the batch."""
        from copse.communities.models import Community

        started = time.perf_counter()
        prefix = big_slug.removesuffix("-big")
        figures = grow_expertise(
            communities=Community.objects.filter(slug__startswith=f"{prefix}-"),
            entries=entries,
            seed=seed,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{figures['expertise']:,} expertise and {figures['experience']:,} experience "
                f"entries in {time.perf_counter() - started:.1f} s."
            )
        )

    def _grow_activity(self, communities, with_posts: bool, seed: int) -> None:
        """Meetings, helpful marks, value stories and pulses in the active communities."""
        from copse.demo.bench_activity import grow_activity

        started = time.perf_counter()
        figures = grow_activity(
            communities=communities,
            posts=with_posts,
            seed=seed,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{figures['meetings']:,} meetings ({figures['rsvps']:,} answers), "
                f"{figures['helpful']:,} helpful marks, {figures['stories']:,} value stories, "
                f"{figures['pulses']:,} trust pulses ({figures['pulse_answers']:,} answers) in "
                f"{time.perf_counter() - started:.1f} s; the sponsor is {figures['sponsor']}."
            )
        )

    def _active_communities(self, big_slug: str):
        """The batch's big community and 199 others, with their members."""
        from copse.communities.models import Community
        from copse.memberships.models import Membership

        prefix = big_slug.removesuffix("-big")
        communities = [Community.objects.get(slug=big_slug)]
        communities += list(
            Community.objects.filter(slug__startswith=f"{prefix}-")
            .exclude(slug=big_slug)
            .order_by("pk")[:199]
        )
        people: dict[int, list] = {}
        for membership in Membership.objects.filter(community__in=communities).select_related(
            "user"
        ):
            people.setdefault(membership.community_id, []).append(membership.user)
        return communities, people

    def _progress(self, noun: str):
        def progress(done, total):
            self.stdout.write(f"\r  {done:,} / {total:,} {noun}", ending="")
            self.stdout.flush()

        return progress

    def _grow_library(self, communities, people, items: int, seed: int) -> None:
        """Items with versions in the same communities, then the library's index."""
        from copse.demo.bench_library import grow_library

        started = time.perf_counter()
        figures = grow_library(
            communities=communities,
            people_by_community=people,
            items=items,
            seed=seed,
            progress=self._progress("library items"),
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{figures['items']:,} library items with {figures['versions']:,} versions "
                f"({figures['indexed']:,} indexed) in {time.perf_counter() - started:.1f} s."
            )
        )

    def _grow_conversations(self, big_slug: str, communities, people, posts: int, seed: int):
        """Threads in the active communities, then the search index."""
        started = time.perf_counter()
        progress = self._progress("posts")

        figures = grow_conversations(
            communities=communities,
            people_by_community=people,
            posts=posts,
            big_thread_replies=min(10_000, posts // 2),
            seed=seed,
            progress=progress,
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{figures['posts']:,} posts ({figures['indexed']:,} indexed) in "
                f"{time.perf_counter() - started:.1f} s; the 10,000-reply thread is "
                f"/c/{big_slug}/t/{figures['big_thread']}/ ({min(10_000, posts // 2):,} replies)."
            )
        )
