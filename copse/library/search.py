"""The library's group on the search page (a `copse.search.sources.Source`).

Items match on their title, description, topic areas, tags, and the text of
their current version (a page's words, or what was read from its file). The
"library_item.read" rule (`permissions.readable_items_sql`) is part of the
same statement as the match, so the hits and the count only ever see items
the viewer may read: their community's, or shared beyond a community that
allows it, for the signed in; a removed item never.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Prefetch
from django.utils.translation import gettext, gettext_lazy

from copse.core import permissions
from copse.core.markdown import plain_text
from copse.library.models import ItemAuthor, ItemVersion, LibraryItem
from copse.library.search_index import INDEX_TABLE, PG_CONFIG
from copse.search.index import passage
from copse.search.query import ParsedQuery, to_fts5, to_websearch
from copse.search.sources import (
    COUNT_CAP,
    RANK_WINDOW,
    Found,
    Hit,
    Source,
    index_over_scan,
    with_count,
)

# Only so much of a long file's text is scanned for a passage.
PASSAGE_CHARS = 50_000

JOINS = (
    "JOIN library_libraryitem i ON i.id = {key} "
    "JOIN communities_community c ON c.id = i.community_id"
)


def _filters_sql(filters) -> tuple[list[str], list]:
    where, params = [], []
    if filters.community:
        where.append("c.slug = %s")
        params.append(filters.community)
    if filters.tag:
        where.append(
            "i.id IN (SELECT lt.libraryitem_id FROM library_libraryitem_tags lt "
            "JOIN conversations_tag g ON g.id = lt.tag_id WHERE g.slug = %s)"
        )
        params.append(filters.tag)
    if filters.author:
        where.append(
            "i.id IN (SELECT a.item_id FROM library_itemauthor a "
            "JOIN accounts_user u ON u.id = a.person_id WHERE u.handle = %s)"
        )
        params.append(filters.author)
    if filters.since:
        where.append("i.updated_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.since))
    if filters.until:
        where.append("i.updated_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.until))
    return where, params


def _fts5_match(query: ParsedQuery, filters) -> tuple[str, list]:
    """The MATCH argument as SQL and its parameters: the person's words in
    the title, about and body columns and, when confined to a community, that
    community's word (`search_index.community_token`), so the index
    intersects the two, as for posts. An unknown community is c0, which no
    item holds."""
    words = "{title about body} : (" + to_fts5(query) + ")"
    if not filters.community:
        return "%s", [words]
    community = "coalesce((SELECT id FROM communities_community WHERE slug = %s), 0)"
    return f"(%s || ' AND community : c' || {community})", [words, filters.community]


def _sqlite(match: str, match_params: list, where: str, params: list, limit: int, offset: int):
    """One statement, as for posts (copse/search/selectors.py): the newest
    readable matches are counted and ranked; passages are cut in Python for
    the page's rows only. bm25 is lower-is-better; a title weighs four times the text, the
    description and tags twice; the community word weighs nothing."""
    joins = JOINS.format(key=f"{INDEX_TABLE}.rowid")
    ranked = f"""
        WITH recent AS MATERIALIZED (
            SELECT {INDEX_TABLE}.rowid AS id FROM {INDEX_TABLE} {joins}
            WHERE {INDEX_TABLE} MATCH {match} AND {where}
            ORDER BY {INDEX_TABLE}.rowid DESC LIMIT {RANK_WINDOW}),
        top AS (
            SELECT recent.id AS id, -bm25({INDEX_TABLE}, 4.0, 2.0, 1.0, 0.0) AS score
            FROM {INDEX_TABLE} JOIN recent ON recent.id = {INDEX_TABLE}.rowid
            WHERE {INDEX_TABLE} MATCH {match}
              AND {INDEX_TABLE}.rowid >= (SELECT coalesce(min(id), 0) FROM recent)
            ORDER BY score DESC, id DESC
            LIMIT %s OFFSET %s)
        SELECT top.id, top.score, NULL, (SELECT count(*) FROM recent)
        FROM top ORDER BY top.score DESC, top.id DESC"""
    counted = f"""
        SELECT count(*) FROM (SELECT 1 FROM {INDEX_TABLE} {joins}
        WHERE {INDEX_TABLE} MATCH {match} AND {where} LIMIT {RANK_WINDOW})"""
    with connection.cursor() as cursor:
        cursor.execute(ranked, [*match_params, *params, *match_params, limit, offset])
        rows = cursor.fetchall()
    return with_count(rows, counted, [*match_params, *params])


def _postgresql(websearch: str, where: str, params: list, limit: int, offset: int):
    """As for posts: every match's id from the GIN index first, then the
    newest readable ones are counted and ranked."""
    joins = JOINS.format(key="s.item_id")
    ranked = f"""
        WITH q AS (SELECT websearch_to_tsquery('{PG_CONFIG}', %s) AS query),
        matches AS MATERIALIZED (
            SELECT s.item_id FROM {INDEX_TABLE} s
            WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s)),
        recent AS MATERIALIZED (
            SELECT i.id
            FROM (SELECT item_id FROM matches ORDER BY item_id DESC) s {joins}
            WHERE {where}
            ORDER BY i.id DESC LIMIT {RANK_WINDOW}),
        hits AS (
            SELECT recent.id, ts_rank_cd(s.document, q.query) AS score
            FROM recent JOIN {INDEX_TABLE} s ON s.item_id = recent.id, q
            ORDER BY score DESC, recent.id DESC
            LIMIT %s OFFSET %s)
        SELECT hits.id, hits.score, NULL, (SELECT count(*) FROM recent)
        FROM hits ORDER BY hits.score DESC, hits.id DESC"""
    counted = f"""
        WITH matches AS MATERIALIZED (
            SELECT s.item_id FROM {INDEX_TABLE} s
            WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s))
        SELECT count(*) FROM (SELECT 1 FROM matches s {joins}
        WHERE {where} LIMIT {RANK_WINDOW}) AS limited"""
    # Item documents hold whole files' text, stored compressed apart from the
    # row: reading them all for a common word costs ten times the GIN index.
    with index_over_scan() as cursor:
        cursor.execute(ranked, [websearch, websearch, *params, limit, offset])
        rows = cursor.fetchall()
        if not rows:
            cursor.execute(counted, [websearch, *params])
            return [], cursor.fetchone()[0]
    return with_count(rows, counted, [websearch, *params])


def _passage(item, version, query):
    """From the description, the page's words or the file's text, as plain text."""
    texts = [plain_text(item.description, one_line=True)]
    if version is not None:
        texts.append(plain_text(version.body_markdown, one_line=True))
        texts.append((version.extracted_text or "")[:PASSAGE_CHARS])
    return passage(texts, query, markdown=False)


def find_items(viewer, query: ParsedQuery, *, filters, limit: int, offset: int = 0) -> Found:
    readable, readable_params = permissions.readable_items_sql(viewer, "i", "c")
    extra, extra_params = _filters_sql(filters)
    where = " AND ".join([readable, *extra])
    params = readable_params + extra_params
    if connection.vendor == "postgresql":
        rows, count = _postgresql(to_websearch(query), where, params, limit + 1, offset)
    else:
        rows, count = _sqlite(*_fts5_match(query, filters), where, params, limit + 1, offset)
    shown = rows[:limit]
    items = {
        item.pk: item
        for item in LibraryItem.objects.filter(pk__in=[row[0] for row in shown])
        .select_related("community")
        .prefetch_related(Prefetch("authors", queryset=ItemAuthor.objects.order_by("position")))
    }
    current = ItemVersion.objects.filter(
        item_id__in=list(items), number=F("item__version_count")
    ).only("item_id", "body_markdown", "extracted_text")
    texts = {v.item_id: v for v in current}
    hits = []
    for item_id, score, _ in shown:
        item = items.get(item_id)
        if item is None:
            continue
        meta = []
        authors = "; ".join(str(author) for author in item.authors.all())
        if authors:
            meta.append(gettext("By %(authors)s") % {"authors": authors})
        # A shared item's community is named only to those who may know of it.
        if permissions.can(viewer, "community.view", item.community):
            meta.append(item.community.name)
        hits.append(
            Hit(
                title=item.title,
                url=item.get_absolute_url(),
                excerpt=_passage(item, texts.get(item_id), query),
                meta=meta,
                when=item.updated_at,
                badge=item.get_kind_display(),
                score=score,
                obj=item,
            )
        )
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=len(rows) > limit,
    )


LIBRARY = Source(
    key="library",
    label=gettext_lazy("Library"),
    find=find_items,
    order=20,
    filters=frozenset({"community", "tag", "author", "since", "until"}),
    preview=5,
)
