"""The full-text index of topics (title; why it matters and topic area) (`copse.topics.search`): an FTS5 table on
SQLite, a tsvector table with GIN on PostgreSQL. As for posts, there is no
foreign key (Django does not know the table, and a key would stop it from
truncating rows between tests): a trigger removes an entry with its row, and
search joins the rows, so a stray entry can never be a result. What already
exists is indexed here."""

from django.db import migrations

from copse.search.index import create_in_migration


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_initial")]
    operations = [create_in_migration("copse.topics.search", "TOPICS")]
