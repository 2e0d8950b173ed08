"""The full-text index: an FTS5 table on SQLite, a tsvector table with GIN on PostgreSQL.

Neither can be described by a Django model field on both databases, so this
migration creates whichever the connection needs (see search_index.py).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE conversations_post_search USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    # Deleting posts (a community deleted by an operator) removes their index rows.
    "CREATE TRIGGER conversations_post_search_delete AFTER DELETE ON conversations_post "
    "BEGIN DELETE FROM conversations_post_search WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS conversations_post_search_delete",
    "DROP TABLE IF EXISTS conversations_post_search",
]
# No foreign key: Django does not know this table, and a key would stop it from
# truncating posts (test flushes). A trigger removes index rows with their post,
# and search joins posts, so a stray row can never be a result.
POSTGRES_CREATE = [
    "CREATE TABLE conversations_post_search (post_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX conversations_post_search_document ON conversations_post_search USING GIN (document)",
    "CREATE FUNCTION conversations_post_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN DELETE FROM conversations_post_search WHERE post_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER conversations_post_search_delete AFTER DELETE ON conversations_post"
    " FOR EACH ROW EXECUTE FUNCTION conversations_post_search_delete()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS conversations_post_search_delete ON conversations_post",
    "DROP FUNCTION IF EXISTS conversations_post_search_delete()",
    "DROP TABLE IF EXISTS conversations_post_search",
]


def create(apps, schema_editor):
    statements = POSTGRES_CREATE if schema_editor.connection.vendor == "postgresql" else SQLITE_CREATE
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
