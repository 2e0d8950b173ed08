"""Full-text indexes of plain documents, and the ranked, permission-confined
search over one: what a source needs when its rows are short texts
(meetings, materials, topics, norms), so each app writes only its joins and
its permission rule.

An `Index` is an FTS5 table on SQLite and a `tsvector` table with a GIN
index on PostgreSQL, one row per object, keyed by the object's id, holding
up to four weighted columns of plain text (Markdown goes through
`copse.core.markdown.plain_text` before it is stored, so a link's address or
a `**` never matches). A delete trigger drops an entry with its row. No
permission is stored: `ranked` puts the caller's rule in the statement that
matches, so the hits and the count see only what the viewer may read.

This module imports no app, so any app may keep an index here, as it may
register a source in `copse.search.sources`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from copse.core import permissions
from copse.core.markdown import plain_text
from copse.search.query import ParsedQuery, to_fts5, to_websearch
from copse.search.sources import (
    COUNT_CAP,
    RANK_WINDOW,
    Found,
    Hit,
    index_over_scan,
    with_count,
)

PG_CONFIG = "english"
PG_WEIGHTS = "ABCD"


class _IndexTable:
    """What every index table does with its rows, keyed by the object's id
    (`object_id` on PostgreSQL, the rowid on SQLite); `put` is each kind's."""

    table: str

    def remove(self, ids) -> None:
        ids = list(ids)
        if not ids:
            return
        key = "object_id" if connection.vendor == "postgresql" else "rowid"
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE {key} IN ({marks})", ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def rebuild(self, objects, document: Callable[[object], tuple[str, ...]], batch=2000) -> None:
        """Index every object of a queryset again, `batch` at a time (after
        bulk loads, and by the migration that creates the index)."""
        self.clear()
        objects = objects.order_by("pk")
        for start in range(0, objects.count(), batch):
            self.put({obj.pk: document(obj) for obj in objects[start : start + batch]})


@dataclass(frozen=True)
class Index(_IndexTable):
    table: str  # the index table, e.g. "meetings_meeting_search"
    source_table: str  # the indexed model's table, whose deletes remove entries
    columns: tuple[str, ...]  # the documents' columns, most important first (at most 4)
    weights: tuple[float, ...]  # bm25 weights of the columns on SQLite

    def create_statements(self, vendor: str) -> list[str]:
        trigger = f"{self.table}_delete"
        if vendor == "postgresql":
            return [
                f"CREATE TABLE {self.table} (object_id bigint PRIMARY KEY, document tsvector NOT NULL)",
                f"CREATE INDEX {self.table}_document ON {self.table} USING GIN (document)",
                f"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN DELETE FROM {self.table} WHERE object_id = OLD.id; RETURN OLD; END $$",
                f"CREATE TRIGGER {trigger} AFTER DELETE ON {self.source_table}"
                f" FOR EACH ROW EXECUTE FUNCTION {trigger}()",
            ]
        return [
            f"CREATE VIRTUAL TABLE {self.table} USING fts5("
            f"{', '.join(self.columns)}, tokenize = 'porter unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {trigger} AFTER DELETE ON {self.source_table} "
            f"BEGIN DELETE FROM {self.table} WHERE rowid = old.id; END",
        ]

    def drop_statements(self, vendor: str) -> list[str]:
        trigger = f"{self.table}_delete"
        if vendor == "postgresql":
            return [
                f"DROP TRIGGER IF EXISTS {trigger} ON {self.source_table}",
                f"DROP FUNCTION IF EXISTS {trigger}()",
                f"DROP TABLE IF EXISTS {self.table}",
            ]
        return [f"DROP TRIGGER IF EXISTS {trigger}", f"DROP TABLE IF EXISTS {self.table}"]

    @property
    def key(self) -> str:
        """The column that holds the object's id, in a query's FROM as `s`."""
        return "s.object_id" if connection.vendor == "postgresql" else f"{self.table}.rowid"

    def put(self, documents: dict[int, tuple[str, ...]]) -> None:
        """(Re)index objects: {id: one plain text per column}."""
        if not documents:
            return
        self.remove(list(documents))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                vector = " || ".join(
                    f"setweight(to_tsvector('{PG_CONFIG}', %s), '{PG_WEIGHTS[n]}')"
                    for n in range(len(self.columns))
                )
                cursor.executemany(
                    f"INSERT INTO {self.table} (object_id, document) VALUES (%s, {vector})",
                    [[pk, *texts] for pk, texts in documents.items()],
                )
            else:
                marks = ", ".join(["%s"] * (len(self.columns) + 1))
                cursor.executemany(
                    f"INSERT INTO {self.table} (rowid, {', '.join(self.columns)}) VALUES ({marks})",
                    [[pk, *texts] for pk, texts in documents.items()],
                )


@dataclass(frozen=True)
class SubstringIndex(_IndexTable):
    """An index of short texts searched for a substring, as `icontains`
    would be, without reading every row: names and subjects, where a part of
    a word ("metr", "Eve") must still find them. One document a row, keyed
    by the object's id; its fields are joined by newlines, which a search's
    text (its spaces collapsed) never holds, so a match never spans two.

    On SQLite an FTS5 table with the trigram tokenizer, whose index serves
    `LIKE '%text%'` (SQLite still checks each candidate with LIKE, so the
    rows are exactly those `icontains` gives; a text of one or two letters
    reads the whole table, as `icontains` did). On PostgreSQL a plain table
    with a pg_trgm GIN index, which serves `ILIKE`. A delete trigger drops
    an entry with its row. `matching` gives the ids' subquery, for the
    caller to put in its own statement beside its permission rule."""

    table: str
    source_table: str

    def create_statements(self, vendor: str) -> list[str]:
        trigger = f"{self.table}_delete"
        if vendor == "postgresql":
            return [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                f"CREATE TABLE {self.table} (object_id bigint PRIMARY KEY, document text NOT NULL)",
                f"CREATE INDEX {self.table}_document ON {self.table} USING GIN (document gin_trgm_ops)",
                f"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN DELETE FROM {self.table} WHERE object_id = OLD.id; RETURN OLD; END $$",
                f"CREATE TRIGGER {trigger} AFTER DELETE ON {self.source_table}"
                f" FOR EACH ROW EXECUTE FUNCTION {trigger}()",
            ]
        return [
            f"CREATE VIRTUAL TABLE {self.table} USING fts5(document, tokenize = 'trigram')",
            f"CREATE TRIGGER {trigger} AFTER DELETE ON {self.source_table} "
            f"BEGIN DELETE FROM {self.table} WHERE rowid = old.id; END",
        ]

    def drop_statements(self, vendor: str) -> list[str]:
        # The extension stays: other tables may use it.
        return Index(self.table, self.source_table, (), ()).drop_statements(vendor)

    def put(self, documents: dict[int, tuple[str, ...]]) -> None:
        """(Re)index objects: {id: their fields}."""
        if not documents:
            return
        self.remove(list(documents))
        rows = [
            [pk, "\n".join(field or "" for field in fields)] for pk, fields in documents.items()
        ]
        column = "object_id" if connection.vendor == "postgresql" else "rowid"
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} ({column}, document) VALUES (%s, %s)", rows
            )

    def matching(self, text: str) -> RawSQL:
        """The ids whose document holds `text`, ignoring case: a subquery
        for `pk__in`, so the caller's permission rule is in the same
        statement."""
        pattern = f"%{connection.ops.prep_for_like_query(text)}%"
        if connection.vendor == "postgresql":
            sql, params = f"SELECT object_id FROM {self.table} WHERE document ILIKE %s", [pattern]
        elif len(text) < 3:
            # Too short for a trigram: LIKE reads the table.
            sql, params = (
                f"SELECT rowid FROM {self.table} WHERE document LIKE %s ESCAPE '\\'",
                [pattern],
            )
        else:
            # SQLite hands FTS5 no LIKE that has an ESCAPE, so the index
            # finds the candidates as a phrase of trigrams (the substring,
            # any case) and LIKE keeps exactly what `icontains` would.
            phrase = '"' + text.replace('"', '""') + '"'
            sql = (
                f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s"
                f" AND document LIKE %s ESCAPE '\\'"
            )
            params = [phrase, pattern]
        # The SQL is this index's own; the person's text is a parameter.
        return RawSQL(sql, params)  # noqa: S611


def find_readable(
    index: Index,
    viewer,
    query: ParsedQuery,
    *,
    joins: str,
    filters,
    limit: int,
    offset: int,
    load: Callable[[list[int]], dict],
    to_hit: Callable[[object, float], Hit],
    dated: str | None = None,
) -> Found:
    """The group of results of an index whose objects belong to a community
    (`joins` reaches it as `c`): confined to the communities the viewer reads
    (`permissions.readable_sql`), narrowed by the page's community filter and,
    where `dated` names the column, by its dates. `load(ids)` fetches the
    page's objects in one query ({id: object}); `to_hit` shows one."""
    readable, params = permissions.readable_sql(viewer, "c")
    where = [readable]
    if filters.community:
        where.append("c.slug = %s")
        params = [*params, filters.community]
    if dated and filters.since:
        where.append(f"{dated} >= %s")
        params = [*params, connection.ops.adapt_datetimefield_value(filters.since)]
    if dated and filters.until:
        where.append(f"{dated} < %s")
        params = [*params, connection.ops.adapt_datetimefield_value(filters.until)]
    rows, count = ranked(
        index,
        query,
        joins=joins,
        where=" AND ".join(where),
        params=params,
        limit=limit + 1,
        offset=offset,
    )
    shown = rows[:limit]
    objects = load([row[0] for row in shown]) if shown else {}
    hits = [to_hit(objects[pk], score) for pk, score in shown if pk in objects]
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=len(rows) > limit,
    )


def ranked(
    index: Index,
    query: ParsedQuery,
    *,
    joins: str,
    where: str,
    params: list,
    limit: int,
    offset: int,
):
    """(rows of (object id, score), readable matches up to RANK_WINDOW) in one
    statement, with the count in the same statement as the page. `joins`
    reaches the objects and their communities from the index's key (written
    `{key}`); `where` holds the viewer's permission rule and the filters.
    As for posts, only the newest RANK_WINDOW readable matches are counted
    and ranked, so a common word costs about what a rare one does."""
    joins = joins.format(key=index.key)
    if connection.vendor == "postgresql":
        websearch = to_websearch(query)
        statement = f"""
            WITH q AS (SELECT websearch_to_tsquery('{PG_CONFIG}', %s) AS query),
            matches AS MATERIALIZED (
                SELECT s.object_id FROM {index.table} s
                WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s)),
            recent AS MATERIALIZED (
                SELECT s.object_id AS id
                FROM (SELECT object_id FROM matches ORDER BY object_id DESC) s {joins}
                WHERE {where}
                ORDER BY s.object_id DESC LIMIT {RANK_WINDOW}),
            hits AS (
                SELECT recent.id, ts_rank_cd(s.document, q.query) AS score
                FROM recent JOIN {index.table} s ON s.object_id = recent.id, q
                ORDER BY score DESC, recent.id DESC
                LIMIT %s OFFSET %s)
            SELECT hits.id, hits.score, (SELECT count(*) FROM recent)
            FROM hits ORDER BY hits.score DESC, hits.id DESC"""
        counted = f"""
            WITH matches AS MATERIALIZED (
                SELECT s.object_id FROM {index.table} s
                WHERE s.document @@ websearch_to_tsquery('{PG_CONFIG}', %s))
            SELECT count(*) FROM (SELECT 1 FROM matches s {joins}
            WHERE {where} LIMIT {RANK_WINDOW}) AS limited"""
        with index_over_scan() as cursor:
            cursor.execute(statement, [websearch, websearch, *params, limit, offset])
            rows = cursor.fetchall()
            if not rows:
                cursor.execute(counted, [websearch, *params])
                return [], cursor.fetchone()[0]
        return [(row[0], row[1]) for row in rows], rows[0][2]
    match = to_fts5(query)
    table = index.table
    weights = ", ".join(str(w) for w in index.weights)
    statement = f"""
        WITH recent AS MATERIALIZED (
            SELECT {table}.rowid AS id FROM {table} {joins}
            WHERE {table} MATCH %s AND {where}
            ORDER BY {table}.rowid DESC LIMIT {RANK_WINDOW})
        SELECT recent.id, -bm25({table}, {weights}) AS score, (SELECT count(*) FROM recent)
        FROM {table} JOIN recent ON recent.id = {table}.rowid
        WHERE {table} MATCH %s
          AND {table}.rowid >= (SELECT coalesce(min(id), 0) FROM recent)
        ORDER BY score DESC, recent.id DESC
        LIMIT %s OFFSET %s"""
    counted = f"""
        SELECT count(*) FROM (SELECT 1 FROM {table} {joins}
        WHERE {table} MATCH %s AND {where} LIMIT {RANK_WINDOW})"""
    with connection.cursor() as cursor:
        cursor.execute(statement, [match, *params, match, limit, offset])
        rows = cursor.fetchall()
    rows, count = with_count([(*row[:2], None, row[2]) for row in rows], counted, [match, *params])
    return [(row[0], row[1]) for row in rows], count


# --- Passages -----------------------------------------------------------------

_SUFFIXES = ("ings", "ing", "ies", "ied", "es", "ed", "ly", "s")


def _stem(word: str) -> str:
    """Roughly what the databases' English stemmers keep of a word, so that
    "renewals" marks "renewal" and "switching" marks "switched"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _pattern(query: ParsedQuery) -> re.Pattern | None:
    stems = {_stem(word) for group in query.groups for phrase in group for word in phrase.split()}
    stems.discard("")
    if not stems:
        return None
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def passage(texts, query: ParsedQuery, *, markdown: bool = True, length: int = 220) -> SafeString:
    """The best-matching passage of the first text that holds a query word
    (or the start of the first non-empty one), as plain text, escaped, with
    the query's words in <mark>. For the page's rows only: it runs in Python,
    the same on both databases."""
    pattern = _pattern(query)
    plain = [
        plain_text(t, one_line=True) if markdown else " ".join((t or "").split()) for t in texts
    ]
    plain = [t for t in plain if t]
    if not plain:
        return mark_safe("")
    chosen, best = plain[0], None
    if pattern is not None:
        for text in plain:
            found = list(pattern.finditer(text))
            if found:
                # The window that starts at the match followed by the most others.
                starts = [m.start() for m in found]
                best = max(starts, key=lambda s: sum(1 for o in starts if s <= o < s + length))
                chosen = text
                break
    start = 0
    if best is not None and len(chosen) > length:
        start = max(0, best - length // 4)
        # Begin at a word's start.
        space = chosen.rfind(" ", 0, start)
        start = 0 if space < 0 else space + 1
    end = min(len(chosen), start + length)
    if end < len(chosen):
        space = chosen.rfind(" ", start, end)
        end = space if space > start else end
    cut = chosen[start:end]
    parts, last = [], 0
    if pattern is not None:
        for match in pattern.finditer(cut):
            parts.append(escape(cut[last : match.start()]))
            parts.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
    parts.append(escape(cut[last:]))
    text = "".join(parts)
    if start > 0:
        text = "…" + text
    if end < len(chosen):
        text += "…"
    return mark_safe(text)  # noqa: S308 - every piece of it is escaped above


def create_in_migration(module: str, *names: str):
    """The `RunPython` that creates an app's indexes and fills them from what
    already exists (`module`'s `rebuild_all`), or drops them when reversed.
    The module is imported when the migration runs, not when it is loaded."""
    from importlib import import_module

    from django.db import migrations

    def indexes():
        found = import_module(module)
        return found, [getattr(found, name) for name in names]

    def create(apps, schema_editor):
        found, wanted = indexes()
        for index in wanted:
            for statement in index.create_statements(schema_editor.connection.vendor):
                schema_editor.execute(statement)
        found.rebuild_all()

    def drop(apps, schema_editor):
        for index in indexes()[1]:
            for statement in index.drop_statements(schema_editor.connection.vendor):
                schema_editor.execute(statement)

    return migrations.RunPython(create, drop)
