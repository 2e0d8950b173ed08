"""The full-text index of meetings (title; description, agenda and action items; published summary) and of
materials' file names (`copse.meetings.search`): an FTS5 table on
SQLite, a tsvector table with GIN on PostgreSQL. As for posts, there is no
foreign key (Django does not know the table, and a key would stop it from
truncating rows between tests): a trigger removes an entry with its row, and
search joins the rows, so a stray entry can never be a result. What already
exists is indexed here."""

from django.db import migrations

from copse.search.index import create_in_migration


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_initial")]
    operations = [create_in_migration("copse.meetings.search", "MEETINGS", "MATERIALS")]
