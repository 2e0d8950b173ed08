"""The SQLite index of posts gains a column holding each post's community as
one word, so a search confined to a community intersects the two inside the
index (see search_index.py). PostgreSQL's index is unchanged.

FTS5 tables cannot gain a column, so the table is made again and refilled.
"""

from django.db import migrations

TABLE = "conversations_post_search"
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
FILL = """
    INSERT INTO conversations_post_search (rowid, {columns})
    SELECT p.id, CASE WHEN p.position = 0 THEN t.title ELSE '' END, p.body{community}
    FROM conversations_post p JOIN conversations_thread t ON t.id = p.thread_id
    WHERE p.removed_at IS NULL AND t.removed_at IS NULL"""


def _remake(schema_editor, *, with_community: bool):
    if schema_editor.connection.vendor == "postgresql":
        return
    columns = "title, body, community" if with_community else "title, body"
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    schema_editor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({columns}, {TOKENIZE})")
    community = ", 'c' || p.community_id" if with_community else ""
    schema_editor.execute(FILL.format(columns=columns, community=community))


def forwards(apps, schema_editor):
    _remake(schema_editor, with_community=True)


def backwards(apps, schema_editor):
    _remake(schema_editor, with_community=False)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0009_thread_version")]
    operations = [migrations.RunPython(forwards, backwards)]
