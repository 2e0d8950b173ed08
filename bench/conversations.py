"""Benchmark: conversation and library pages, search and posting at
200,000 posts and 20,000 library items.

    python bench/conversations.py [--posts 200000] [--library-items 20000] [--seconds 3]
                                   [--database-url URL]

Builds (once) a SQLite database under var/bench-conversations/ with the
posts, one 10,000-reply thread and the library items, then measures in this
process, with Django's test client, requests per second of each page against
a trivial Django view, search latency percentiles (posts alone, the library
alone, and the search page's every-group search, each unconfined and
confined to the big community), and the CPU time of
creating a post. Nothing here asserts: it prints figures and ratios.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(directory: Path, database_url: str | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copse.settings")
    os.environ["COPSE_VAR_DIR"] = str(directory)
    # A database of its own whatever DATABASE_URL says, as bench/run.py:
    # building 200,000 posts into the development database would ruin it.
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["COPSE_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.conf import settings

    # Not setup_test_environment(): its template instrumentation would slow
    # every page; the test client only needs its host allowed.
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def build(posts: int, library_items: int) -> None:
    """`copse bench-data` once: communities, people, the posts and the library."""
    from django.core.management import call_command

    from copse.conversations.models import Post

    call_command("migrate", verbosity=0)
    if not Post.objects.exists():
        started = time.perf_counter()
        call_command("bench_data", scale=1, posts=posts, library_items=library_items)
        print(f"  built in {time.perf_counter() - started:.0f} s")
    from copse.meetings.models import AgendaItem

    if not AgendaItem.objects.exists():
        # Built before meetings had records for search: add them now.
        import random

        from copse.communities.models import Community
        from copse.demo.bench_activity import grow_meeting_records

        started = time.perf_counter()
        figures = grow_meeting_records(list(Community.objects.all()), random.Random(5))
        print(
            f"  {figures['records']:,} meeting records and {figures['topics']:,} topics "
            f"added in {time.perf_counter() - started:.0f} s"
        )


def rarer_words(rng: random.Random, sample: int = 2_000) -> list[str]:
    """Words of the data itself that are rare in it: those found once or
    twice in a random sample of posts. Drawn from the data, not from a
    vocabulary built again with some seed, so every one of them has matches
    (the figures print how many)."""
    from collections import Counter

    from django.db.models import Max

    from copse.conversations.models import Post
    from copse.demo.bench_conversations import WORDS

    top = Post.objects.aggregate(top=Max("pk"))["top"] or 0
    ids = [rng.randint(1, top) for _ in range(sample)]
    counts = Counter(
        word.strip(".,").lower()
        for body in Post.objects.filter(pk__in=ids).values_list("body", flat=True)
        for word in body.split()
    )
    common = {w.lower() for w in WORDS}
    words = sorted(w for w, n in counts.items() if n <= 2 and w.isalpha() and w not in common)
    return words or sorted(common)


def rate(client, url: str, seconds: float) -> float:
    client.get(url)  # warm caches and templates
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--library-items", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--searches", type=int, default=200, help="Searches per kind of query.")
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench-conversations"))
    parser.add_argument(
        "--database-url",
        help="Measure (and grow) this database instead of the one under --dir.",
    )
    args = parser.parse_args()
    configure(Path(args.dir), args.database_url)
    build(args.posts, args.library_items)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from copse.communities.models import Community
    from copse.conversations import services
    from copse.conversations.models import Post, Thread
    from copse.library.models import LibraryItem
    from copse.memberships.models import Membership
    from copse.search.query import parse
    from copse.search.selectors import SearchFilters, search, search_everywhere
    from copse.search.sources import source

    community = Community.objects.filter(slug__endswith="-big").order_by("pk").first()
    member = (
        Membership.objects.filter(community=community, role="member")
        .select_related("user")
        .first()
        .user
    )
    big = Thread.objects.filter(community=community).order_by("-reply_count").first()
    client = Client()
    client.force_login(member)
    item = (
        LibraryItem.objects.filter(community=community, removed_at__isnull=True)
        .order_by("-version_count", "pk")
        .first()
    )
    print(
        f"\n{Post.objects.count():,} posts; big thread has {big.reply_count:,} replies; "
        f"{LibraryItem.objects.count():,} library items "
        f"({LibraryItem.objects.filter(community=community).count():,} in the big community)\n"
    )

    pages = {
        "trivial view": "/bench/trivial/",
        "thread list": f"/c/{community.slug}/threads/",
        "thread, first page": big.get_absolute_url(),
        "thread, last page": big.get_absolute_url() + "?page=last",
        "search page": "/search/?q=telecom+renewal",
        "search page, confined": f"/search/?q=telecom+renewal&community={community.slug}",
        "search page, library": "/search/?q=telecom+renewal&type=library",
        "search page, meetings": "/search/?q=telecom+renewal&type=meetings",
    }
    if item is not None:
        pages["library list"] = f"/c/{community.slug}/library/"
        pages["library item"] = item.get_absolute_url()
    results = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: the captured list is read from the connection's log,
        # which every later request clears.
        count = len(queries)
        results[name] = (rate(client, url, args.seconds), count)
    trivial = results["trivial view"][0]
    print(f"{'page':<22}{'req/s':>10}{'ms/req':>9}{'ratio':>9}{'queries':>9}")
    for name, (rps, queries) in results.items():
        print(f"{name:<22}{rps:>10.0f}{1000 / rps:>9.2f}{rps / trivial:>9.3f}{queries:>9}")

    rng = random.Random(3)
    from copse.demo.bench_conversations import WORDS

    rarer = rarer_words(rng)
    print(
        f"rarer words: {len(rarer):,} drawn from the posts themselves, e.g. {', '.join(rarer[:5])}"
    )
    query_sets = {
        # Two of the most frequent words: tens of thousands of matches to rank.
        "two common words": lambda: " ".join(rng.sample(WORDS, 2)),
        # A domain word and a rarer one, like "telecom" plus a vendor's name.
        "common + rarer word": lambda: f"{rng.choice(WORDS)} {rng.choice(rarer)}",
        "one rarer word": lambda: rng.choice(rarer),
    }
    library = source("library")
    # Unconfined, and confined to the big community (the search form's
    # community filter): a confined plan must still start from the matches,
    # not walk the community's posts.
    scopes = {
        "unconfined": SearchFilters(),
        "confined": SearchFilters(community=community.slug),
    }

    def posts_only(text, filters):
        return search(member, text, filters).count

    def library_only(text, filters):
        return library.find(member, parse(text), filters=filters, limit=20).count

    def every_group(text, filters):
        found = search_everywhere(member, text, filters)
        return sum(group.found.count for group in found.groups)

    searches = {
        "posts": posts_only,
        "library": library_only,
        "every group": every_group,
    }
    for (what, run), (scope, filters) in itertools.product(searches.items(), scopes.items()):
        print(f"\nsearch of {what}, {scope}:")
        for label, make_query in query_sets.items():
            timings, cpu, matches = [], [], []
            for _ in range(args.searches):
                text = make_query()
                started, cpu_started = time.perf_counter(), time.process_time()
                matches.append(run(text, filters))
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            timings.sort()
            cpu.sort()
            at95 = max(0, int(len(timings) * 0.95) - 1)
            # CPU time is this process's, so SQLite's included: on a shared
            # machine it says more than wall time does.
            print(
                f"  {label:<20} p50 {statistics.median(timings):6.1f} ms   p95 {timings[at95]:6.1f} ms"
                f"   CPU p50 {statistics.median(cpu):5.1f} ms  p95 {cpu[at95]:5.1f} ms"
                f"   (median {statistics.median(matches):,.0f} readable matches, counted up to 500 a group)"
            )
    print()

    thread = Thread.objects.filter(community=community).exclude(pk=big.pk).first()
    count = 200
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    for n in range(count):
        services.post_reply(
            actor=member, thread=thread, body=f"Benchmark reply {n}: telecom renewal notes."
        )
    cpu = (time.process_time() - cpu_started) / count * 1000
    wall = (time.perf_counter() - wall_started) / count * 1000
    print(f"post creation (service, {count} replies): {cpu:.2f} ms CPU, {wall:.2f} ms wall each")
    started = time.perf_counter()
    for n in range(50):
        client.post(f"/c/{community.slug}/t/{thread.pk}/reply/", {"body": f"Via HTTP {n}"})
    http_rate = 50 / (time.perf_counter() - started)
    print(
        f"post creation over HTTP: {http_rate:.0f} req/s, ratio {http_rate / trivial:.2f} of the trivial view"
    )


if __name__ == "__main__":
    main()
