"""The full-text index of library items: an FTS5 table on SQLite, a tsvector
table with GIN on PostgreSQL (see copse/library/search_index.py).

As for posts, there is no foreign key (Django does not know the table, and a
key would stop it from truncating items between tests): a trigger removes an
item's entry with the item, and search joins items, so a stray entry can
never be a result. Items that already exist are indexed here.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE library_item_search USING fts5("
    "title, about, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER library_item_search_delete AFTER DELETE ON library_libraryitem "
    "BEGIN DELETE FROM library_item_search WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS library_item_search_delete",
    "DROP TABLE IF EXISTS library_item_search",
]
POSTGRES_CREATE = [
    "CREATE TABLE library_item_search (item_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX library_item_search_document ON library_item_search USING GIN (document)",
    "CREATE FUNCTION library_item_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM library_item_search WHERE item_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER library_item_search_delete AFTER DELETE ON library_libraryitem"
    " FOR EACH ROW EXECUTE FUNCTION library_item_search_delete()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS library_item_search_delete ON library_libraryitem",
    "DROP FUNCTION IF EXISTS library_item_search_delete()",
    "DROP TABLE IF EXISTS library_item_search",
]


# The SQLite fill as this table's columns stand here (0006 adds one and
# refills it with the current code).
SQLITE_FILL = """
    INSERT INTO library_item_search (rowid, title, about, body)
    SELECT i.id, i.title,
           i.description || ' ' || i.topic_areas || ' ' || i.link_url || ' ' ||
           COALESCE((SELECT group_concat(g.name, ' ') FROM library_libraryitem_tags lt
                     JOIN conversations_tag g ON g.id = lt.tag_id
                     WHERE lt.libraryitem_id = i.id), ''),
           COALESCE(v.body_markdown, '') || ' ' || COALESCE(v.extracted_text, '')
    FROM library_libraryitem i LEFT JOIN library_itemversion v
      ON v.item_id = i.id AND v.number = i.version_count
    WHERE i.removed_at IS NULL"""


def create(apps, schema_editor):
    from copse.library import search_index

    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_CREATE if postgres else SQLITE_CREATE:
        schema_editor.execute(statement)
    if postgres:
        search_index.rebuild_all()
    else:
        schema_editor.execute(SQLITE_FILL)


def drop(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_DROP if postgres else SQLITE_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("library", "0003_published_summaries_become_meeting_records")]
    operations = [migrations.RunPython(create, drop)]
