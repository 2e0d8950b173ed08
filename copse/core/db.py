"""Statistics for the query planner after a bulk write.

PostgreSQL plans from statistics that only `ANALYZE` (or autovacuum, some
time later) gathers. After a bulk load — an archive imported, benchmark data
grown, a migration that rewrites a table — its estimates describe the
tables as they were, and it may choose a sequential scan or a nested loop
that the new size makes slow, until autovacuum comes round. So whatever
writes in bulk calls `analyze()` at its end.

On SQLite it does nothing, on purpose. Without a `sqlite_stat1` table
SQLite's planner uses fixed rules that favour an index over a scan; the
plans in bench/README.md are read under those rules. With statistics it
would plan from a snapshot that nothing keeps up to date (SQLite has no
autovacuum), so plans would drift as the site grows, and a snapshot taken
just after a bulk import into one community describes the site badly. Stable
plans serve a small site better than statistics that go stale.
"""

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, migrations


def analyze(tables: Iterable[str] | None = None, using: str = DEFAULT_DB_ALIAS) -> bool:
    """`ANALYZE` the named tables (every table when None) on PostgreSQL; on
    SQLite, nothing. Returns whether it ran. Safe inside a transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        if tables is None:
            cursor.execute("ANALYZE")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return True


def analyze_models(*models, using: str = DEFAULT_DB_ALIAS) -> bool:
    """`analyze()` the tables of these models (and of their many-to-many tables)."""
    return analyze(_tables_of(models), using=using)


def analyze_after_migration(*labels: str) -> migrations.RunPython:
    """The last operation of a migration that moved much data: ANALYZE the
    tables of these models ("app_label.ModelName"). Nothing in reverse."""

    def run(apps, schema_editor):
        analyze_models(
            *(apps.get_model(label) for label in labels), using=schema_editor.connection.alias
        )

    return migrations.RunPython(run, migrations.RunPython.noop, elidable=True)


def _tables_of(models) -> list[str]:
    tables = []
    for model in models:
        tables.append(model._meta.db_table)
        for relation in model._meta.local_many_to_many:
            tables.append(relation.remote_field.through._meta.db_table)
    return list(dict.fromkeys(tables))
