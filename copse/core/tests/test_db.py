"""`core.db.analyze`: fresh planner statistics after a bulk write on
PostgreSQL, nothing on SQLite (see the module's docstring for why)."""

import pytest
from django.apps import apps
from django.db import connection

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.core.db import analyze, analyze_after_migration, analyze_models

# Left out of the SQLite pass visibly (conftest.py), run in the PostgreSQL pass.
postgres_only = pytest.mark.postgres_only


def planner_rows(table: str) -> float:
    """The row count PostgreSQL's planner believes, which only ANALYZE (or
    VACUUM) sets. Catalog rows are transactional, so this sees an ANALYZE
    run inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def analyzed_columns(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


def some_posts(count: int) -> None:
    community = testing.make_community()
    member = testing.make_user()
    testing.seat(community, member)
    thread = conversations.start_thread(
        actor=member,
        community=community,
        kind="discussion",
        title="Carrier contracts",
        body="Who renewed?",
    )
    for number in range(count - 1):
        conversations.post_reply(actor=member, thread=thread, body=f"Reply {number}")


@postgres_only
def test_analyze_gives_the_planner_the_tables_new_size(db):
    some_posts(12)
    assert planner_rows("conversations_post") != Post.objects.count()
    assert analyze(["conversations_post"]) is True
    assert planner_rows("conversations_post") == Post.objects.count() == 12
    assert analyzed_columns("conversations_post") > 0


@postgres_only
def test_analyze_models_covers_their_many_to_many_tables(db):
    from copse.conversations.models import Thread

    some_posts(3)
    analyze_models(Thread)
    assert planner_rows("conversations_thread") == 1
    # The thread's tags table is empty, but analysed: its size is known (0, not -1).
    assert planner_rows(Thread.tags.through._meta.db_table) == 0


@postgres_only
def test_the_migration_operation_analyses_on_the_migrations_connection(db):
    some_posts(5)
    operation = analyze_after_migration("conversations.Post")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    operation.code(apps, editor)
    assert planner_rows("conversations_post") == 5
    # Nothing to undo when the migration is reversed.
    assert operation.reverse_code is not None
    assert operation.reversible


def test_analyze_runs_on_postgresql_and_leaves_sqlite_without_statistics(db):
    some_posts(3)
    on_postgresql = connection.vendor == "postgresql"
    assert analyze() is on_postgresql
    assert analyze_models(Post) is on_postgresql
    if on_postgresql:
        assert planner_rows("conversations_post") == 3
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
        assert cursor.fetchone()[0] == 0
