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

from copse.conversations.models import Post
from copse.conversations.search_index import INDEX_TABLE, PG_CONFIG
from copse.core import permissions
from copse.search import sources
from copse.search.query import ParsedQuery, parse, to_fts5, to_websearch
from copse.search.sources import (
    COUNT_CAP,
    RANK_WINDOW,
    Found,
    highlight,
    with_count,
)

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
    """(rows of (post id, score, excerpt), count up to COUNT_CAP + 1)."""
    readable, readable_params = permissions.readable_sql(viewer, "c", "t")
    extra, extra_params = _filters_sql(filters)
    where = " AND ".join(["p.removed_at IS NULL", "t.removed_at IS NULL", readable, *extra])
    params = readable_params + extra_params
    if connection.vendor == "postgresql":
        return _search_postgresql(to_websearch(parsed), where, params, limit, offset)
    return _search_sqlite(to_fts5(parsed), where, params, limit, offset)


def _posts_of(rows) -> dict[int, Post]:
    related = Post.objects.filter(pk__in=[row[0] for row in rows]).select_related(
        "thread__community", "community", "author", "author__organisation"
    )
    return {post.pk: post for post in related}


def search(viewer, text: str, filters: SearchFilters, *, page: int = 1) -> Results:
    parsed = parse(text)
    if parsed.is_empty:
        return Results()
    page = max(1, min(page, MAX_PAGES))
    rows, count = _ranked_posts(viewer, parsed, filters, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    posts = _posts_of(rows[:PAGE_SIZE])
    hits = [
        Hit(post=posts[post_id], excerpt=highlight(excerpt), score=score)
        for post_id, score, excerpt in rows[:PAGE_SIZE]
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


def find_posts(viewer, query: ParsedQuery, *, filters: SearchFilters, limit: int, offset: int = 0):
    """The conversations group of the search page (a `sources.Source`)."""
    rows, count = _ranked_posts(viewer, query, filters, limit + 1, offset)
    posts = _posts_of(rows[:limit])
    hits = []
    for post_id, score, excerpt in rows[:limit]:
        post = posts.get(post_id)
        if post is None:
            continue
        author = post.author.name if post.author else (post.imported_author or "A former member")
        meta = [post.community.name, author]
        if post.position:
            meta.append(f"Reply #{post.position}")
        hits.append(
            sources.Hit(
                title=post.thread.title,
                url=f"{post.thread.get_absolute_url()}?after={post.position - 1}#post-{post.position}",
                excerpt=highlight(excerpt),
                meta=meta,
                when=post.created_at,
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
    label="Conversations",
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


def _search_sqlite(match: str, where: str, params: list, limit: int, offset: int):
    """(rows of (post id, score, excerpt), readable matches up to COUNT_CAP + 1)
    in one statement. `recent` holds the newest readable matches, found
    walking the index newest first, which stops early: those are counted and
    ranked, so a common word does not join and score every post that holds
    it. Snippets are made for the page's rows only. bm25 is lower-is-better;
    titles weigh twice; a fresh post ranks up to twice as high."""
    joins = FROM_POSTS.format(key=f"{INDEX_TABLE}.rowid")
    ranked = f"""
        WITH recent AS MATERIALIZED (
            SELECT {INDEX_TABLE}.rowid AS id, p.created_at AS created_at
            FROM {INDEX_TABLE} {joins}
            WHERE {INDEX_TABLE} MATCH %s AND {where}
            ORDER BY {INDEX_TABLE}.rowid DESC LIMIT {RANK_WINDOW}),
        top AS (
            SELECT recent.id AS id,
                   -bm25({INDEX_TABLE}, 2.0, 1.0)
                     * (1.0 + 1.0 / (1.0 + (julianday('now') - julianday(recent.created_at)) / 30.0)) AS score
            FROM {INDEX_TABLE} JOIN recent ON recent.id = {INDEX_TABLE}.rowid
            WHERE {INDEX_TABLE} MATCH %s
              AND {INDEX_TABLE}.rowid >= (SELECT coalesce(min(id), 0) FROM recent)
            ORDER BY score DESC, id DESC
            LIMIT %s OFFSET %s)
        SELECT top.id, top.score, snippet({INDEX_TABLE}, 1, char(2), char(3), '…', 24),
               (SELECT count(*) FROM recent)
        FROM top CROSS JOIN {INDEX_TABLE} ON {INDEX_TABLE}.rowid = top.id
        WHERE {INDEX_TABLE} MATCH %s
        ORDER BY top.score DESC, top.id DESC"""
    counted = f"""
        SELECT count(*) FROM (SELECT 1 FROM {INDEX_TABLE} {joins}
        WHERE {INDEX_TABLE} MATCH %s AND {where} LIMIT {RANK_WINDOW})"""
    with connection.cursor() as cursor:
        cursor.execute(ranked, [match, *params, match, limit, offset, match])
        rows = cursor.fetchall()
    return with_count(rows, counted, [match, *params])


def _search_postgresql(websearch: str, where: str, params: list, limit: int, offset: int):
    """The same on PostgreSQL: count and rank the newest readable matches.
    The matches come first, all of them, from the GIN index (only their ids);
    left to itself the planner may instead walk every post newest first and
    test each against the query, which costs a rare word hundreds of ms."""
    joins = FROM_POSTS.format(key="s.post_id")
    ranked = f"""
        WITH q AS (SELECT websearch_to_tsquery('{PG_CONFIG}', %s) AS query),
        matches AS MATERIALIZED (
            SELECT s.post_id FROM {INDEX_TABLE} s
            WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s)),
        recent AS MATERIALIZED (
            SELECT p.id, p.created_at
            FROM (SELECT post_id FROM matches ORDER BY post_id DESC) s {joins}
            WHERE {where}
            ORDER BY p.id DESC LIMIT {RANK_WINDOW}),
        hits AS (
            SELECT recent.id,
                   ts_rank_cd(s.document, q.query)
                     * (1.0 + 1.0 / (1.0 + EXTRACT(EPOCH FROM (now() - recent.created_at)) / 86400.0 / 30.0)) AS score
            FROM recent JOIN {INDEX_TABLE} s ON s.post_id = recent.id, q
            ORDER BY score DESC, recent.id DESC
            LIMIT %s OFFSET %s)
        SELECT hits.id, hits.score,
               ts_headline('{PG_CONFIG}', p.body, q.query,
                           'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'),
               (SELECT count(*) FROM recent)
        FROM hits JOIN conversations_post p ON p.id = hits.id, q
        ORDER BY hits.score DESC, hits.id DESC"""
    counted = f"""
        WITH matches AS MATERIALIZED (
            SELECT s.post_id FROM {INDEX_TABLE} s
            WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s))
        SELECT count(*) FROM (SELECT 1 FROM matches s {joins}
        WHERE {where} LIMIT {RANK_WINDOW}) AS limited"""
    with connection.cursor() as cursor:
        cursor.execute(ranked, [websearch, websearch, *params, limit, offset])
        rows = cursor.fetchall()
    return with_count(rows, counted, [websearch, *params])
