"""What the search page searches: a registry of sources, one group of results each.

Conversations are a source; so is the library. An app adds its own group by
registering a `Source` in its `AppConfig.ready()`:

    from copse.search.sources import Source, register

    register(Source(key="projects", label="Documentation projects", find=find, order=30))

`find(viewer, query, *, filters, limit, offset)` gets the parsed query
(`copse.search.query.ParsedQuery`; `to_fts5` and `to_websearch` turn it into
each database's syntax) and the page's `SearchFilters`, and returns a
`Found`: at most `limit` hits from `offset` on, and the number of matches
counted up to `COUNT_CAP`. Its contract is the one posts keep:

- the permission filter is inside the same SQL statement as the match, so
  the hits, their order and the count only ever see what the viewer may read
  (a count must never reveal a hidden match);
- excerpts are escaped text in which only `highlight` turns the database's
  markers into `<mark>`;
- it runs a fixed number of queries, whatever it finds.

A source lists the filters it honours (`filters`). When the person has set
one it does not honour, the page leaves the source out and says so, rather
than show results the filter did not narrow.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# As many results as a person can page through (25 pages of 20).
COUNT_CAP = 500
# The newest RANK_WINDOW readable matches of a query are counted and ranked,
# and no others (one more than COUNT_CAP, to tell "more than 500"): a common
# word then costs about what a rare one does. See docs/decisions.md.
RANK_WINDOW = COUNT_CAP + 1
MARK_START, MARK_END = "\x02", "\x03"
# Every filter of the search form, with the name the page gives it; a
# source honours a subset.
FILTERS = {
    "community": _("Community"),
    "kind": _("Kind of conversation"),
    "author": _("Author"),
    "tag": _("Tag"),
    "since": pgettext_lazy("start of a date range", "From"),
    "until": _("Until"),
    "unanswered": _("Unanswered asks only"),
}


@dataclass
class Hit:
    """One result as the page shows it. `meta` are short plain strings (a
    community the viewer may know of, authors, a kind); `when` is shown as a
    date."""

    title: str
    url: str
    excerpt: SafeString
    meta: list[str] = field(default_factory=list)
    when: datetime | None = None
    badge: str = ""
    score: float = 0.0
    obj: object = None


@dataclass
class Found:
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    count_capped: bool = False
    has_more: bool = False


@dataclass(frozen=True)
class Source:
    key: str  # the value of ?type= that shows only this group
    label: str  # the group's heading
    find: Callable[..., Found]
    order: int = 100  # groups are shown in this order
    filters: frozenset[str] = frozenset({"community"})
    preview: int = 5  # hits shown when every group is on the page

    def ignored_filters(self, filters) -> list[str]:
        """The names of the filters set in `filters` that this source cannot apply."""
        return [
            label
            for name, label in FILTERS.items()
            if getattr(filters, name, None) and name not in self.filters
        ]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add a group to search (again under the same key replaces it)."""
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def source(key: str) -> Source | None:
    return _SOURCES.get(key)


def highlight(text: str) -> SafeString:
    """Escape everything, then turn only our own markers into <mark>."""
    safe = escape(text or "")
    return mark_safe(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


def with_count(rows, counted: str, params: list):
    """For a source whose ranked statement carries the count as a fourth
    column: the rows without it, and the count. A page past the last result
    has no row to carry it; only then is `counted` run with `params`."""
    if rows:
        return [row[:3] for row in rows], rows[0][3]
    with connection.cursor() as cursor:
        cursor.execute(counted, params)
        return [], cursor.fetchone()[0]


# Set on the connection while `index_over_scan` holds, so a block inside it
# (each group of the search page) sets nothing again.
_OVER_SCAN = "copse_index_over_scan"


@contextmanager
def index_over_scan():
    """A cursor on which PostgreSQL's planner takes a GIN index over reading
    the whole index table. For a word in most documents it estimates a
    sequential scan cheaper, but that unpacks every stored tsvector (long
    ones are compressed apart from the row): 400 ms against 36 ms for 20,000
    library items. The setting holds for this block only.

    The search page holds one block around all its groups
    (`selectors.search_everywhere`), so the setting costs one statement a
    page rather than a savepoint and two statements a group; a block inside
    another one sets nothing. On SQLite it is only a cursor."""
    if connection.vendor != "postgresql" or getattr(connection, _OVER_SCAN, False):
        with connection.cursor() as cursor:
            yield cursor
        return
    outermost = not connection.in_atomic_block
    # No savepoint: the setting is local to the transaction, which is our
    # own (ended below) or someone else's (the setting is put back below,
    # or their rollback drops it).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        setattr(connection, _OVER_SCAN, True)
        try:
            yield cursor
        finally:
            setattr(connection, _OVER_SCAN, False)
        if not outermost:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
