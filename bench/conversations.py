"""Benchmark: the pages people read every day, conversations, the library,
search and posting, at 200,000 posts and 20,000 library items.

    python bench/conversations.py [--posts 200000] [--library-items 20000] [--seconds 3]
                                   [--database-url URL] [--profile] [--page NAME]
                                   [--pages-only]

Builds (once) a SQLite database under var/bench-conversations/ with the
posts, one 10,000-reply thread, the library items and a year of meetings,
then measures in this process, with Django's test client, signed in as a
member of the big community, requests per second of each page against the
trivial Django view requested anonymously, and each page's queries, counted
in a request of their own; then search latency percentiles (posts alone, the
library alone, and the search page's every-group search, each unconfined and
confined to the big community) and the CPU time of
creating a post. Nothing here asserts: it prints figures and ratios, and one
`BENCH {json}` line a figure for bench/all.py.
"""

import argparse
import itertools
import json
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
    # Production's settings whatever the shell says: a DEBUG or test settings
    # module left in the environment would slow every page and skew every ratio.
    os.environ["DJANGO_SETTINGS_MODULE"] = "copse.settings"
    os.environ["COPSE_DEBUG"] = "0"
    os.environ["COPSE_TESTING"] = "0"
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


# The issue's goal for every page people read daily: at least a tenth of the
# anonymous trivial view's requests per second, in at most 8 queries.
GOAL_RATIO = 0.1
GOAL_QUERIES = 8


FIGURES: list[dict] = []


def emit(**figure) -> None:
    """Keep a figure for the machine-readable lines printed at the end."""
    FIGURES.append({"bench": "conversations", **figure})


def print_figures() -> None:
    """One `BENCH {json}` line a figure, for bench/all.py's summary; after
    the tables, so that they stay readable."""
    for figure in FIGURES:
        print("BENCH " + json.dumps(figure))


def rate(client, url: str, seconds: float) -> float:
    client.get(url)  # warm caches and templates
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        count += 1
    return count / (time.perf_counter() - started)


def count_queries(client, url: str) -> int:
    """Queries of one request, in a pass of its own: after a warm-up request
    (so they are the steady state the timing measures), and read before any
    other request, because each request clears the connection's query log."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def profile(client, url: str, requests: int, lines: int = 10) -> str:
    """The `lines` functions of most cumulative time over `requests` requests
    of `url`, per request. Left out, because they sit at the top of every
    profile and explain nothing: frames that hold nearly the whole request
    (the test client, Django's handler, the middleware, the view itself), and
    a frame that only passes its time on to one shown beside it (render,
    then render_to_string, then the template's render)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = max(ct for _cc, _nc, _tt, ct, _callers in stats.values())
    # Whatever takes as long as Django's call of the view (the middleware
    # around it, the view's decorators) wraps the request.
    handler = [
        ct
        for (filename, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.items()
        if function == "_get_response" and filename.endswith("handlers/base.py")
    ]
    wrapping = 0.97 * handler[0] if handler else 0.9 * total
    shown: list[tuple] = []
    # Frames seen so far, shown or not: a chain of frames that pass the same
    # time on is shown once, by its outermost frame.
    seen: list[tuple] = []
    for where, (_cc, _nc, _tt, ct, callers) in sorted(
        stats.items(), key=lambda item: item[1][3], reverse=True
    ):
        if len(shown) == lines:
            break
        passing_on = any(passes_on(where, callers, other, stats, ct) for other in seen)
        seen.append(where)
        if ct < wrapping and not passing_on:
            shown.append(where)
    out = [
        f"{total / requests * 1000:.1f} ms a request under the profiler",
        f"{'cum ms':>9}{'own ms':>9}{'calls':>8}  function (per request)",
    ]
    for where in shown:
        _cc, nc, tt, ct, _callers = stats[where]
        filename, line, function = where
        out.append(
            f"{ct / requests * 1000:>9.2f}{tt / requests * 1000:>9.2f}{nc / requests:>8.0f}"
            f"  {function} ({short_path(filename)}:{line})"
        )
    return "\n".join(out)


def passes_on(where, callers, other, stats, ct) -> bool:
    """Whether `where` and `other` call one another and take the same time
    (within 3%): one of them only hands the work to the other."""
    other_ct = stats[other][3]
    if other_ct > 1.03 * ct:
        return False
    related = other in callers or where in stats[other][4]
    return related and abs(other_ct - ct) <= 0.03 * max(ct, other_ct)


def in_copse(filename: str) -> bool:
    return filename.startswith(str(ROOT / "copse"))


def short_path(filename: str) -> str:
    """copse/… for ours, django/… for a library's, as it would be imported."""
    if in_copse(filename):
        return str(Path(filename).relative_to(ROOT))
    _, found, rest = filename.partition("site-packages/")
    return rest if found else filename


def big_meeting(community):
    """A meeting of the big community with agenda items, the newest past one
    (its record, agenda, actions and files are what the page shows most of)."""
    from django.db.models import Count
    from django.utils import timezone

    from copse.meetings.models import Meeting

    meetings = Meeting.objects.filter(community=community).annotate(items=Count("agenda_items"))
    with_agenda = meetings.filter(items__gt=0)
    return (
        with_agenda.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
        or with_agenda.order_by("-starts_at").first()
    )


def issue_pages(community, big, member, anonymous):
    """(name, client, url or None, whether the goal applies) for each page
    measured; a page with no data to show is listed with no URL."""
    from django.urls import NoReverseMatch, reverse

    from copse.library.models import LibraryItem

    def url(name, *args):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    meeting = big_meeting(community)
    slug = community.slug
    pages = [
        ("trivial view, anonymous", anonymous, "/bench/trivial/", False),
        ("trivial view, signed in", member, "/bench/trivial/", False),
        ("thread list", member, url("conversations:list", slug), True),
        ("thread, first page", member, big.get_absolute_url(), True),
        ("thread, last page", member, big.get_absolute_url() + "?page=last", True),
        ("community home", member, url("communities:home", slug), True),
        ("directory", member, url("communities:directory"), True),
        ("meeting page", member, meeting.get_absolute_url() if meeting else None, True),
        ("topic backlog", member, url("topics:backlog", slug), True),
        ("Home", member, url("home:index"), True),
        ("search page", member, "/search/?q=telecom+renewal", False),
        (
            "search page, confined",
            member,
            f"/search/?q=telecom+renewal&community={community.slug}",
            False,
        ),
        ("search page, library", member, "/search/?q=telecom+renewal&type=library", False),
        ("search page, meetings", member, "/search/?q=telecom+renewal&type=meetings", False),
    ]
    item = (
        LibraryItem.objects.filter(community=community, removed_at__isnull=True)
        .order_by("-version_count", "pk")
        .first()
    )
    if item is not None:
        pages += [
            ("library list", member, url("library:list", slug), False),
            ("library item", member, item.get_absolute_url(), False),
        ]
    return pages


def measure_pages(pages, args) -> float:
    """Time and count each page, print one table (and the profiles when
    asked), and one BENCH line a page. Returns the anonymous trivial view's
    requests per second."""
    wanted = [w.lower() for w in args.page or []]
    results = []
    for name, client, url, goal in pages:
        # The trivial views are the yardstick, so they are always measured.
        if wanted and "trivial" not in name and not any(w in name.lower() for w in wanted):
            continue
        if url is None:
            results.append((name, None, None, goal, None))
            continue
        queries = count_queries(client, url)
        results.append((name, rate(client, url, args.seconds), queries, goal, url))
    trivial = results[0][1]
    print(
        f"{'page':<26}{'req/s':>9}{'ms/req':>9}{'ratio':>8}{'queries':>9}  "
        f"goal (ratio >= {GOAL_RATIO}, queries <= {GOAL_QUERIES})"
    )
    for name, rps, queries, goal, _url in results:
        if rps is None:
            print(f"{name:<26}{'no data':>9}")
            emit(kind="page", name=name, rps=None, ms=None, ratio=None, queries=None, goal=None)
            continue
        ratio = rps / trivial
        met = (ratio >= GOAL_RATIO and queries <= GOAL_QUERIES) if goal else None
        flag = {True: "met", False: "NOT met", None: ""}[met]
        print(f"{name:<26}{rps:>9.0f}{1000 / rps:>9.2f}{ratio:>8.3f}{queries:>9}  {flag}")
        emit(
            kind="page",
            name=name,
            rps=round(rps, 1),
            ms=round(1000 / rps, 2),
            ratio=round(ratio, 4),
            queries=queries,
            goal=met,
        )
    print(
        "\nratio: the page's requests per second over the anonymous trivial view's; "
        "queries: one request after a warm-up.\n"
    )
    if args.profile:
        for name, rps, _queries, _goal, url in results:
            if rps is None or "trivial" in name:
                continue
            print(f"profile of {name} ({url}), {args.profile_requests} requests:")
            print(profile(pages_client(pages, name), url, args.profile_requests))
            print()
    return trivial


def pages_client(pages, wanted: str):
    return next(client for name, client, _url, _goal in pages if name == wanted)


def main() -> None:
    try:
        measure()
    finally:
        print_figures()


def measure() -> None:
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
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Also print, for each page, the 10 functions of most cumulative time.",
    )
    parser.add_argument("--profile-requests", type=int, default=50)
    parser.add_argument(
        "--page",
        action="append",
        help="Measure only the pages whose name holds this (repeatable); "
        "the trivial views are always measured.",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="Skip the search latencies and post creation (which writes 250 replies).",
    )
    args = parser.parse_args()
    configure(Path(args.dir), args.database_url)
    build(args.posts, args.library_items)

    from django.db import connection
    from django.test import Client

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
        Membership.objects.filter(community=community, role="member", status="active")
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    big = Thread.objects.filter(community=community).order_by("-reply_count").first()
    client, anonymous = Client(), Client()
    client.force_login(member)
    print(
        f"\n{connection.vendor}: {Post.objects.count():,} posts; big thread has "
        f"{big.reply_count:,} replies; {LibraryItem.objects.count():,} library items "
        f"({LibraryItem.objects.filter(community=community).count():,} in the big community); "
        f"signed in as a member of /c/{community.slug}/; {args.seconds:g} s a page\n"
    )
    trivial = measure_pages(issue_pages(community, big, client, anonymous), args)
    if args.pages_only:
        return

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
            emit(
                kind="search",
                name=f"{what}, {scope}: {label}",
                p50=round(statistics.median(timings), 2),
                p95=round(timings[at95], 2),
                cpu_p50=round(statistics.median(cpu), 2),
                cpu_p95=round(cpu[at95], 2),
                matches=statistics.median(matches),
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
    emit(kind="write", name="post creation, service", ms=round(wall, 2), cpu_ms=round(cpu, 2))
    started = time.perf_counter()
    for n in range(50):
        response = client.post(
            f"/c/{community.slug}/t/{thread.pk}/reply/", {"body": f"Via HTTP {n}"}
        )
        assert response.status_code in (200, 302), response.status_code
    http_rate = 50 / (time.perf_counter() - started)
    print(
        f"post creation over HTTP: {http_rate:.0f} req/s, "
        f"ratio {http_rate / trivial:.2f} of the anonymous trivial view"
    )
    emit(
        kind="write",
        name="post creation, HTTP",
        rps=round(http_rate, 1),
        ms=round(1000 / http_rate, 2),
        ratio=round(http_rate / trivial, 4),
    )


if __name__ == "__main__":
    main()
