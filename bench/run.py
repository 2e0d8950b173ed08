"""Benchmark: the directory, a 1,000-member community, its library, who knows what
and the pages that show whether it works (health, value, trust pulses, the
sponsor's report), against a trivial view.

    python bench/run.py [--scale 1] [--seconds 2] [--fresh] [--database-url URL]
                        [--posts N] [--library-items N]

`make bench` runs it among the others (bench/all.py). It builds (once) a
SQLite database under var/bench/, never the development database, with
`copse bench-data --scale N`, then measures in this process, with Django's
test client, the requests per second of each page, its ratio to a trivial
Django view and its number of SQL queries. It prints figures, and one
`BENCH {json}` line a page for bench/all.py; it asserts nothing. See
bench/README.md.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(directory: Path, database_url: str | None) -> None:
    """Production-like settings (DEBUG off, collected static files) on a
    database of the benchmark's own, whatever DATABASE_URL says."""
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copse.settings"
    os.environ["COPSE_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["COPSE_DEBUG"] = "0"
    os.environ["COPSE_TESTING"] = "0"
    os.environ["COPSE_ALLOWED_HOSTS"] = "testserver"
    os.environ["COPSE_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"


def build(scale: int, posts: int | None = None, library_items: int | None = None) -> None:
    from django.core.management import call_command

    from copse.communities.models import Community

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Community.objects.filter(slug__endswith="-big").exists():
        print("Using the benchmark data built earlier (--fresh rebuilds it).")
        return
    print(f"Building benchmark data at scale {scale}:")
    call_command("bench_data", scale=scale, posts=posts, library_items=library_items)


def rate(client, url: str, seconds: float) -> float:
    """Requests per second of `url`, after one request to warm caches."""
    client.get(url)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        count += 1
    return count / (time.perf_counter() - started)


def queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="Units of 1,000 communities.")
    parser.add_argument("--seconds", type=float, default=2.0, help="Time spent on each page.")
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--fresh", action="store_true", help="Delete and rebuild the data.")
    parser.add_argument(
        "--posts",
        type=int,
        help="Posts to build (default 200,000 per unit of scale); a smaller figure "
        "checks the benchmark runs, its ratios are not the ones to report.",
    )
    parser.add_argument(
        "--library-items", type=int, help="Library items to build (default 20,000 per unit)."
    )
    parser.add_argument(
        "--database-url", help="Measure on this database instead (it is written to!)."
    )
    args = parser.parse_args()
    directory = Path(args.dir)
    if args.fresh and not args.database_url:
        for path in directory.glob("bench.sqlite3*"):
            path.unlink()
    configure(directory, args.database_url)
    build(args.scale, args.posts, args.library_items)

    from django.db import connection
    from django.test import Client

    from copse.accounts.models import User
    from copse.communities.models import Community
    from copse.memberships.models import Membership

    big = Community.objects.filter(slug__endswith="-big").order_by("-member_count").first()
    member = (
        Membership.objects.filter(community=big, role="member", status="active")
        .select_related("user")
        .order_by("-pk")
        .first()
        .user
    )
    facilitator = (
        Membership.objects.filter(community=big, role="facilitator").select_related("user").first()
    ).user
    print(
        f"\n{connection.vendor}: {Community.objects.count():,} communities, "
        f"{User.objects.count():,} people; /c/{big.slug}/ has {big.member_count:,} members; "
        f"{args.seconds:g} s per page\n"
    )

    anonymous, as_member, as_facilitator = Client(), Client(), Client()
    as_member.force_login(member)
    as_facilitator.force_login(facilitator)
    pages = [
        ("trivial view", anonymous, "/bench/trivial/"),
        ("trivial view, signed in", as_member, "/bench/trivial/"),
        ("directory, anonymous", anonymous, "/communities/"),
        ("directory, signed in", as_member, "/communities/"),
        ("community home, member", as_member, f"/c/{big.slug}/"),
        ("members page (1,000 rows)", as_member, f"/c/{big.slug}/members/"),
        ("manage page, facilitator", as_facilitator, f"/c/{big.slug}/manage/"),
    ]
    from copse.library.models import LibraryItem

    item = LibraryItem.objects.filter(community=big).order_by("-version_count", "pk").first()
    if item is not None:
        pages += [
            ("library list, member", as_member, f"/c/{big.slug}/library/"),
            ("library item, member", as_member, item.get_absolute_url()),
        ]
    from copse.expertise.models import Experience

    pages.append(("who knows what, member", as_member, f"/c/{big.slug}/who-knows-what/"))
    used = Experience.objects.select_related("tag").order_by("pk").first()
    if used is not None:
        pages.append(("who has used X, member", as_member, f"/who-has-used/?tag={used.tag.slug}"))
    pages += evidence_pages(big, member, facilitator)
    results = []
    for name, client, url in pages:
        if url is None:
            results.append((name, None, None))
            continue
        results.append((name, rate(client, url, args.seconds), queries(client, url)))
    trivial = results[0][1]
    print(f"{'page':<34}{'req/s':>9}{'ms/req':>9}{'ratio':>8}{'queries':>9}")
    for name, rps, count in results:
        if rps is None:
            print(f"{name:<34}{'not built':>12}")
            continue
        print(f"{name:<34}{rps:>9.0f}{1000 / rps:>9.2f}{rps / trivial:>8.3f}{count:>9}")
    print("\nratio: the page's requests per second divided by the trivial view's.")
    # One machine-readable line a page, for bench/all.py's summary.
    for name, rps, count in results:
        figure = {"bench": "run", "kind": "page", "name": name, "queries": count}
        if rps is not None:
            figure.update(rps=round(rps, 1), ms=round(1000 / rps, 2), ratio=round(rps / trivial, 4))
        print("BENCH " + json.dumps(figure))


def evidence_pages(big, member, facilitator) -> list:
    """The pages that show whether a community works: its health (for its
    facilitators), how it is doing (for its members), its value stories and
    trust pulses, and the programme's report (for a sponsor). A page whose URL
    name does not exist yet is listed with no URL, and printed as not built."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from copse.accounts.models import User

    as_member, as_facilitator, as_sponsor = Client(), Client(), Client()
    as_member.force_login(member)
    as_facilitator.force_login(facilitator)
    sponsor = User.objects.filter(is_sponsor=True, memberships__isnull=True).order_by("pk").first()
    if sponsor is None:
        # Data built before `bench-data` made one.
        print("No sponsor in this data: run with --fresh to measure the programme report.\n")
    else:
        as_sponsor.force_login(sponsor)

    def url(name, *args, query=""):
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    pages = [
        ("health, facilitator", as_facilitator, url("health:health", big.slug)),
        (
            "health, facilitator, 365 days",
            as_facilitator,
            url("health:health", big.slug, query="?days=365"),
        ),
        ("how we are doing, member", as_member, url("health:progress", big.slug)),
        ("value stories, member", as_member, url("value:list", big.slug)),
        ("trust pulses, member", as_member, url("pulses:list", big.slug)),
    ]
    if sponsor is not None:
        pages.append(("programme report, sponsor", as_sponsor, url("sponsors:report")))
    return pages


if __name__ == "__main__":
    main()
