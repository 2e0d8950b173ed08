"""Full-text search over what the viewer may read, and nothing else.

The permission filter is part of the same SQL statement as the match, so the
ranking, the page and the count only ever see readable posts: a count cannot
reveal hidden matches, and a change of membership or a move takes effect at
the next query.

`search` searches posts; `search_everywhere` asks every registered source
(`copse.search.sources`: conversations here, the library and whatever else
registers) and gives one group of results per source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils.translation import gettext, gettext_lazy, ngettext

from copse.conversations.models import Post
from copse.conversations.search_index import INDEX_TABLE, PG_CONFIG
from copse.core import permissions
from copse.search import sources
from copse.search.index import passage
from copse.search.query import ParsedQuery, parse, to_fts5, to_websearch
from copse.search.sources import COUNT_CAP, RANK_WINDOW, Found

PAGE_SIZE = 20
MAX_PAGES = 25


@dataclass
class SearchFilters:
    community: str = ""
    kind: str = ""
    author: str = ""
    tag: str = ""
    since: datetime | None = None
    until: datetime | None = None
    unanswered: bool = False


@dataclass
class Hit:
    post: Post
    excerpt: str
    score: float


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    count_capped: bool = False
    page: int = 1
    has_next: bool = False
    query_was_empty: bool = True


def _filters_sql(filters: SearchFilters) -> tuple[list[str], list]:
    where, params = [], []
    if filters.community:
        where.append("c.slug = %s")
        params.append(filters.community)
    if filters.kind:
        where.append("t.kind = %s")
        params.append(filters.kind)
    if filters.unanswered:
        where.append("t.kind = 'ask' AND t.ask_state = 'open'")
    if filters.author:
        where.append("p.author_id IN (SELECT id FROM accounts_user WHERE handle = %s)")
        params.append(filters.author)
    if filters.tag:
        where.append(
            "t.id IN (SELECT tt.thread_id FROM conversations_thread_tags tt "
            "JOIN conversations_tag g ON g.id = tt.tag_id WHERE g.slug = %s)"
        )
        params.append(filters.tag)
    if filters.since:
        where.append("p.created_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.since))
    if filters.until:
        where.append("p.created_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.until))
    return where, params


def _ranked_posts(viewer, parsed: ParsedQuery, filters: SearchFilters, limit: int, offset: int):
    """(rows of (best post id, score), one a thread, and the number of
    readable threads matched, up to COUNT_CAP + 1)."""
    readable, readable_params = permissions.readable_sql(viewer, "c", "t")
    extra, extra_params = _filters_sql(filters)
    where = " AND ".join(["p.removed_at IS NULL", "t.removed_at IS NULL", readable, *extra])
    params = readable_params + extra_params
    if connection.vendor == "postgresql":
        return _search_postgresql(to_websearch(parsed), where, params, limit, offset)
    return _search_sqlite(*_fts5_match(parsed, filters), where, params, limit, offset)


def _fts5_match(parsed: ParsedQuery, filters: SearchFilters) -> tuple[str, list]:
    """The MATCH argument as SQL, and its parameters: the person's words in
    titles and bodies, and, when confined to a community, that community's
    word (`search_index.community_token`), so the index intersects the two.
    An unknown community is 0, which no post holds."""
    words = "{title body} : (" + to_fts5(parsed) + ")"
    if not filters.community:
        return "%s", [words]
    community = "coalesce((SELECT id FROM communities_community WHERE slug = %s), 0)"
    return f"(%s || ' AND community : c' || {community})", [words, filters.community]


def _posts_of(rows) -> dict[int, Post]:
    related = Post.objects.filter(pk__in=[row[0] for row in rows]).select_related(
        "thread__community", "community", "author", "author__organisation"
    )
    return {post.pk: post for post in related}


def search(viewer, text: str, filters: SearchFilters, *, page: int = 1) -> Results:
    """Threads that match, best first, each once: its best-matching post and
    that post's passage. `count` counts threads."""
    parsed = parse(text)
    if parsed.is_empty:
        return Results()
    page = max(1, min(page, MAX_PAGES))
    rows, count = _ranked_posts(viewer, parsed, filters, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    posts = _posts_of(rows[:PAGE_SIZE])
    hits = [
        Hit(post=posts[post_id], excerpt=passage([posts[post_id].body], parsed), score=score)
        for post_id, score in rows[:PAGE_SIZE]
        if post_id in posts
    ]
    return Results(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        page=page,
        has_next=len(rows) > PAGE_SIZE and page < MAX_PAGES,
        query_was_empty=False,
    )


def _badge(thread) -> str:
    if thread.kind == "ask":
        return gettext("Ask, answered") if thread.ask_state == "answered" else gettext("Ask")
    return thread.get_kind_display()


def find_posts(viewer, query: ParsedQuery, *, filters: SearchFilters, limit: int, offset: int = 0):
    """The conversations group of the search page (a `sources.Source`): one
    hit per thread, with the passage of its best-matching post."""
    rows, count = _ranked_posts(viewer, query, filters, limit + 1, offset)
    posts = _posts_of(rows[:limit])
    hits = []
    for post_id, score in rows[:limit]:
        post = posts.get(post_id)
        if post is None:
            continue
        thread = post.thread
        author = (
            post.author.name
            if post.author
            else (post.imported_author or gettext("A former member"))
        )
        meta = [post.community.name]
        if post.position:
            meta.append(
                gettext("Best match: reply #%(number)s, by %(author)s")
                % {"number": post.position, "author": author}
            )
            url = f"{thread.get_absolute_url()}?after={post.position - 1}#post-{post.position}"
        else:
            if thread.kind == "ask":
                meta.append(gettext("Asked by %(author)s") % {"author": author})
            else:
                meta.append(gettext("Started by %(author)s") % {"author": author})
            url = thread.get_absolute_url()
        if thread.reply_count:
            meta.append(
                ngettext("%(count)s reply", "%(count)s replies", thread.reply_count)
                % {"count": thread.reply_count}
            )
        hits.append(
            sources.Hit(
                title=thread.title,
                url=url,
                excerpt=passage([post.body], query),
                meta=meta,
                when=post.created_at,
                badge=_badge(thread),
                score=score,
                obj=post,
            )
        )
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=len(rows) > limit,
    )


CONVERSATIONS = sources.Source(
    key="conversations",
    label=gettext_lazy("Conversations"),
    find=find_posts,
    order=10,
    filters=frozenset(sources.FILTERS),
    preview=10,
)


@dataclass
class Group:
    source: sources.Source
    found: Found = field(default_factory=Found)
    # Filters the person set that this group cannot apply: it was not searched.
    ignored_filters: list[str] = field(default_factory=list)
    all_query: str = ""  # the query string that shows this group alone


@dataclass
class Everywhere:
    groups: list[Group] = field(default_factory=list)
    only: str = ""
    page: int = 1
    has_next: bool = False
    query_was_empty: bool = True


def search_everywhere(
    viewer, text: str, filters: SearchFilters, *, only: str = "", page: int = 1
) -> Everywhere:
    """One group per registered source, in order. With `only` (a source's
    key), that group alone, a page of PAGE_SIZE at a time; otherwise the
    first few hits of each, and the page links to each group in full."""
    parsed = parse(text)
    chosen = [s for s in sources.sources() if not only or s.key == only]
    if parsed.is_empty or not chosen:
        return Everywhere(only=only)
    page = max(1, min(page, MAX_PAGES)) if only else 1
    result = Everywhere(only=only, page=page, query_was_empty=False)
    # The planner is set once for the page, not once a group (PostgreSQL).
    with sources.index_over_scan():
        for source in chosen:
            group = Group(source=source, ignored_filters=source.ignored_filters(filters))
            if not group.ignored_filters:
                limit = PAGE_SIZE if only else source.preview
                group.found = source.find(
                    viewer, parsed, filters=filters, limit=limit, offset=(page - 1) * limit
                )
            result.groups.append(group)
    if only and result.groups:
        result.has_next = result.groups[0].found.has_more and page < MAX_PAGES
    return result


FROM_POSTS = (
    "JOIN conversations_post p ON p.id = {key} "
    "JOIN conversations_thread t ON t.id = p.thread_id "
    "JOIN communities_community c ON c.id = p.community_id"
)

# A match's weight by where it is: the opening post (the question, with the
# title) above a reply; an ask someone found a helpful answer to, and a reply
# marked helpful, above the rest. Then a fresh post ranks up to twice as high.
BOOSTS = (
    "(CASE WHEN {c}.position = 0 THEN 3.0 ELSE 1.0 END)"
    " * (CASE WHEN {c}.kind = 'ask' AND {c}.ask_state = 'answered' THEN 2.0 ELSE 1.0 END)"
    " * (CASE WHEN {c}.helpful THEN 1.5 ELSE 1.0 END)"
)
CANDIDATE_COLUMNS = (
    "p.id AS id, p.thread_id AS thread_id, p.created_at AS created_at, p.position AS position, "
    "p.helpful AS helpful, t.kind AS kind, t.ask_state AS ask_state"
)


def _search_sqlite(
    match: str, match_params: list, where: str, params: list, limit: int, offset: int
):
    """(rows of (best post id, score), readable threads matched, up to
    COUNT_CAP + 1) in one statement. The newest RANK_WINDOW readable
    matching posts, found walking the index newest first (which stops
    early), are scored; each thread is ranked by its best post and shown
    once, so twenty matching replies of one thread make one result. Only
    the page's rows get a passage. bm25 is lower-is-better; a title weighs
    four times a body; the community word weighs nothing."""
    joins = FROM_POSTS.format(key=f"{INDEX_TABLE}.rowid")
    ranked = f"""
        WITH recent AS MATERIALIZED (
            SELECT {CANDIDATE_COLUMNS}
            FROM {INDEX_TABLE} {joins}
            WHERE {INDEX_TABLE} MATCH {match} AND {where}
            ORDER BY {INDEX_TABLE}.rowid DESC LIMIT {RANK_WINDOW}),
        scored AS (
            SELECT recent.id AS id, recent.thread_id AS thread_id,
                   -bm25({INDEX_TABLE}, 4.0, 1.0, 0.0) * {BOOSTS.format(c="recent")}
                     * (1.0 + 1.0 / (1.0 + (julianday('now') - julianday(recent.created_at)) / 30.0)) AS score
            FROM {INDEX_TABLE} JOIN recent ON recent.id = {INDEX_TABLE}.rowid
            WHERE {INDEX_TABLE} MATCH {match}
              AND {INDEX_TABLE}.rowid >= (SELECT coalesce(min(id), 0) FROM recent)),
        best AS (
            SELECT id, score,
                   row_number() OVER (PARTITION BY thread_id ORDER BY score DESC, id DESC) AS n
            FROM scored)
        SELECT id, score, (SELECT count(DISTINCT thread_id) FROM recent)
        FROM best WHERE n = 1
        ORDER BY score DESC, id DESC
        LIMIT %s OFFSET %s"""
    counted = f"""
        SELECT count(DISTINCT thread_id) FROM (
            SELECT p.thread_id FROM {INDEX_TABLE} {joins}
            WHERE {INDEX_TABLE} MATCH {match} AND {where}
            ORDER BY {INDEX_TABLE}.rowid DESC LIMIT {RANK_WINDOW})"""
    with connection.cursor() as cursor:
        cursor.execute(ranked, [*match_params, *params, *match_params, limit, offset])
        rows = cursor.fetchall()
        if rows:
            return [row[:2] for row in rows], rows[0][2]
        cursor.execute(counted, [*match_params, *params])
        return [], cursor.fetchone()[0]


def _search_postgresql(websearch: str, where: str, params: list, limit: int, offset: int):
    """The same on PostgreSQL. The matches come first, all of them, from the
    GIN index (only their ids); left to itself the planner may instead walk
    every post newest first and test each against the query, which costs a
    rare word hundreds of ms. Title matches weigh most (weight A)."""
    joins = FROM_POSTS.format(key="s.post_id")
    recent = f"""
        matches AS MATERIALIZED (
            SELECT s.post_id FROM {INDEX_TABLE} s
            WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s)),
        recent AS MATERIALIZED (
            SELECT {CANDIDATE_COLUMNS}
            FROM (SELECT post_id FROM matches ORDER BY post_id DESC) s {joins}
            WHERE {where}
            ORDER BY p.id DESC LIMIT {RANK_WINDOW})"""
    ranked = f"""
        WITH q AS (SELECT websearch_to_tsquery('{PG_CONFIG}', %s) AS query),
        {recent},
        scored AS (
            SELECT recent.id, recent.thread_id,
                   ts_rank_cd(s.document, q.query) * {BOOSTS.format(c="recent")}
                     * (1.0 + 1.0 / (1.0 + EXTRACT(EPOCH FROM (now() - recent.created_at)) / 86400.0 / 30.0)) AS score
            FROM recent JOIN {INDEX_TABLE} s ON s.post_id = recent.id, q),
        best AS (
            SELECT id, score,
                   row_number() OVER (PARTITION BY thread_id ORDER BY score DESC, id DESC) AS n
            FROM scored)
        SELECT id, score, (SELECT count(DISTINCT thread_id) FROM recent)
        FROM best WHERE n = 1
        ORDER BY score DESC, id DESC
        LIMIT %s OFFSET %s"""
    counted = f"WITH {recent} SELECT count(DISTINCT thread_id) FROM recent"
    # The GIN index rather than a scan of every stored tsvector, as on the
    # search page (a block inside the page's own sets nothing again).
    with sources.index_over_scan() as cursor:
        cursor.execute(ranked, [websearch, websearch, *params, limit, offset])
        rows = cursor.fetchall()
        if rows:
            return [row[:2] for row in rows], rows[0][2]
        cursor.execute(counted, [websearch, *params])
        return [], cursor.fetchone()[0]
