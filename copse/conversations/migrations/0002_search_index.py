"""The full-text index: an FTS5 table on SQLite, a tsvector table with GIN on PostgreSQL.

Neither can be described by a Django model field on both databases, so this
migration creates whichever the connection needs (see search_index.py).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE conversations_post_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    # Deleting posts (a community deleted by an operator) removes their index rows.
    "CREATE TRIGGER conversations_post_fts_delete AFTER DELETE ON conversations_post "
    "BEGIN DELETE FROM conversations_post_fts WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS conversations_post_fts_delete",
    "DROP TABLE IF EXISTS conversations_post_fts",
]
POSTGRES_CREATE = [
    "CREATE TABLE conversations_post_search ("
    " post_id bigint PRIMARY KEY REFERENCES conversations_post (id)"
    " ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
    " document tsvector NOT NULL)",
    "CREATE INDEX conversations_post_search_document ON conversations_post_search USING GIN (document)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS conversations_post_search"]


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
