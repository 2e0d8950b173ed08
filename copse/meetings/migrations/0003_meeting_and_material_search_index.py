"""The full-text index of meetings (title; description, agenda and action items; published summary) and of
materials' file names (`copse.meetings.search`): an FTS5 table on
SQLite, a tsvector table with GIN on PostgreSQL. As for posts, there is no
foreign key (Django does not know the table, and a key would stop it from
truncating rows between tests): a trigger removes an entry with its row, and
search joins the rows, so a stray entry can never be a result. What already
exists is indexed here."""

from django.db import migrations


def _indexes():
    from copse.meetings import search

    return [search.MEETINGS, search.MATERIALS]


def create(apps, schema_editor):
    from copse.meetings import search

    for index in _indexes():
        for statement in index.create_statements(schema_editor.connection.vendor):
            schema_editor.execute(statement)
    search.rebuild_all()


def drop(apps, schema_editor):
    for index in _indexes():
        for statement in index.drop_statements(schema_editor.connection.vendor):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
