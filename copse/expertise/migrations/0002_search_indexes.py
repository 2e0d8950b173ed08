"""The substring indexes of who knows what (`copse.expertise.search_index`):
an FTS5 table with the trigram tokenizer on SQLite, a text table with a
pg_trgm GIN index on PostgreSQL (the extension is created if missing). As
for posts there is no foreign key: a trigger removes an entry with its row,
and search joins the rows, so a stray entry can never be a result. What
already exists is indexed here."""

from django.db import migrations

from copse.search.index import create_in_migration


class Migration(migrations.Migration):
    dependencies = [("expertise", "0001_who_knows_what")]
    operations = [
        create_in_migration(
            "copse.expertise.search_index", "EXPERTISE_INDEX", "EXPERIENCE_INDEX"
        )
    ]
