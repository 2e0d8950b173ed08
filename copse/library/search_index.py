"""The full-text index of library items: SQLite FTS5 or a PostgreSQL tsvector with GIN.

One document per item that is not removed: its title; its description,
topic areas, tags and link; and the text of its current version (a page's
Markdown, or the text read from its file); on SQLite also the item's
community as one word (`community_token`, as for posts), so a search
confined to a community intersects the two inside the index. The word only
narrows: the search still joins the community and applies the permission
rule. Permission is never stored here;
search joins the index with items and communities and applies the
permission core's rule in the same statement, so sharing, withdrawing and
membership changes take effect at the next query.

The services keep it in step (create, new version, new details, removal) and
so does extraction when a file's text arrives. The document is built in SQL
from the rows themselves, so whatever called it, the entry matches the data.
"""

from django.db import connection, transaction

INDEX_TABLE = "library_item_search"
PG_CONFIG = "english"

_TAGS_SQLITE = (
    "COALESCE((SELECT group_concat(g.name, ' ') FROM library_libraryitem_tags lt "
    "JOIN conversations_tag g ON g.id = lt.tag_id WHERE lt.libraryitem_id = i.id), '')"
)
_TAGS_PG = (
    "COALESCE((SELECT string_agg(g.name, ' ') FROM library_libraryitem_tags lt "
    "JOIN conversations_tag g ON g.id = lt.tag_id WHERE lt.libraryitem_id = i.id), '')"
)
_BODY = "COALESCE(v.body_markdown, '') || ' ' || COALESCE(v.extracted_text, '')"
# The current version is the one numbered version_count (numbers never go back).
_FROM = (
    "FROM library_libraryitem i LEFT JOIN library_itemversion v "
    "ON v.item_id = i.id AND v.number = i.version_count "
    "WHERE i.removed_at IS NULL"
)


def _insert_sql(where: str) -> str:
    if connection.vendor == "postgresql":
        about = (
            f"i.description || ' ' || i.topic_areas::text || ' ' || i.link_url || ' ' || {_TAGS_PG}"
        )
        return f"""INSERT INTO {INDEX_TABLE} (item_id, document)
            SELECT i.id,
                   setweight(to_tsvector('{PG_CONFIG}', i.title), 'A')
                   || setweight(to_tsvector('{PG_CONFIG}', {about}), 'B')
                   || setweight(to_tsvector('{PG_CONFIG}', {_BODY}), 'C')
            {_FROM} {where}"""
    about = f"i.description || ' ' || i.topic_areas || ' ' || i.link_url || ' ' || {_TAGS_SQLITE}"
    return f"""INSERT INTO {INDEX_TABLE} (rowid, title, about, body, community)
        SELECT i.id, i.title, {about}, {_BODY}, 'c' || i.community_id {_FROM} {where}"""


def community_token(community_id) -> str:
    """The word the SQLite index holds for an item's community."""
    return f"c{community_id}"


def _key() -> str:
    return "item_id" if connection.vendor == "postgresql" else "rowid"


def index_items(item_ids) -> None:
    """(Re)index these items as they now are; removed ones leave the index."""
    item_ids = sorted({int(pk) for pk in item_ids})
    if not item_ids:
        return
    placeholders = ", ".join(["%s"] * len(item_ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {INDEX_TABLE} WHERE {_key()} IN ({placeholders})", item_ids)
        cursor.execute(_insert_sql(f"AND i.id IN ({placeholders})"), item_ids)


def unindex_items(item_ids) -> None:
    item_ids = list(item_ids)
    if not item_ids:
        return
    placeholders = ", ".join(["%s"] * len(item_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {INDEX_TABLE} WHERE {_key()} IN ({placeholders})", item_ids)


def rebuild_all() -> int:
    """Rebuild the whole index in two statements (after bulk loads or imports)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {INDEX_TABLE}")
        cursor.execute(_insert_sql(""))
        return cursor.rowcount
