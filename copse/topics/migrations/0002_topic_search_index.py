"""The full-text index of topics (title; why it matters and topic area) (`copse.topics.search`): an FTS5 table on
SQLite, a tsvector table with GIN on PostgreSQL. As for posts, there is no
foreign key (Django does not know the table, and a key would stop it from
truncating rows between tests): a trigger removes an entry with its row, and
search joins the rows, so a stray entry can never be a result. What already
exists is indexed here."""

from django.db import migrations


def _indexes():
    from copse.topics import search

    return [search.TOPICS]


def create(apps, schema_editor):
    from copse.topics import search

    for index in _indexes():
        for statement in index.create_statements(schema_editor.connection.vendor):
            schema_editor.execute(statement)
    search.rebuild_all()


def drop(apps, schema_editor):
    for index in _indexes():
        for statement in index.drop_statements(schema_editor.connection.vendor):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
