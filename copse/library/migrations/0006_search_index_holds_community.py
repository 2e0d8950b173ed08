"""The SQLite index of library items gains a column holding each item's
community as one word, so a search confined to a community intersects the
two inside the index (see search_index.py), as posts' index does since
conversations 0010. PostgreSQL's index is unchanged.

FTS5 tables cannot gain a column, so the table is made again and refilled;
the delete trigger, on the items' table, stays."""

from importlib import import_module

from django.db import migrations

TABLE = "library_item_search"
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
# The fill of 0004, for going back.
FILL_WITHOUT_COMMUNITY = import_module("copse.library.migrations.0004_library_search_index").SQLITE_FILL


def _remake(schema_editor, columns: str) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    schema_editor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({columns}, {TOKENIZE})")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    from copse.library import search_index

    _remake(schema_editor, "title, about, body, community")
    search_index.rebuild_all()


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    _remake(schema_editor, "title, about, body")
    schema_editor.execute(FILL_WITHOUT_COMMUNITY)


class Migration(migrations.Migration):
    dependencies = [("library", "0005_saved_attachments_and_post_links")]
    operations = [migrations.RunPython(forwards, backwards)]
