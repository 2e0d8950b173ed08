"""`copse backup` with pg_dump and `copse restore` with pg_restore, from the
suite's PostgreSQL database into an empty database made for the test.
The suite runs it in its PostgreSQL pass (`make test` with
COPSE_TEST_DATABASE_URL, as .ci/run does)."""

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from copse import testing
from copse.backups.tests import archives
from copse.backups.tests.conftest import ROOT, environment
from copse.conversations import services
from copse.conversations.models import Post

# Left out of the SQLite pass (root conftest.py); runs in the PostgreSQL pass.
pytestmark = pytest.mark.postgres_only

UPLOADS = {
    "materials/slides.pdf": os.urandom(200_000),
    "materials/notes.txt": b"Bring gloves.",
}


def _url(database: str) -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}{port}/{database}"


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database on the suite's server, dropped afterwards."""
    name = f"copse_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _copse(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "copse.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_postgresql_backup_restores_into_an_empty_database(
    transactional_db, settings, tmp_path, empty_database
):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    for name, data in UPLOADS.items():
        (settings.MEDIA_ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / name).write_bytes(data)
    garden = testing.make_community(slug="garden", name="The Garden", visibility="open")
    gale = testing.make_user("gale@example.com", name="Gale Gardener")
    testing.seat(garden, gale)
    thread = services.start_thread(
        actor=gale, community=garden, kind="discussion", title="Compost", body="Still warm?"
    )
    for n in range(4):
        services.post_reply(actor=gale, thread=thread, body=f"Reply number {n}.")
    posts = list(Post.objects.order_by("position").values_list("id", "position", "body"))

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    archive = Path(out.getvalue().strip())
    manifest = archives.manifest(archives.read(archive))
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["database"]["file"] == "database.dump"

    target = _url(empty_database)
    env = environment(
        tmp_path / "var", DATABASE_URL=target, COPSE_UPLOAD_DIR=tmp_path / "restored-uploads"
    )

    # A session open on the target (a Copse still running) stops the restore.
    with psycopg.connect(target):
        refused = _copse(env, "restore", str(archive))
    assert refused.returncode == 1
    assert "1 other session is connected" in refused.stderr
    assert "Traceback" not in refused.stderr

    restored = _copse(env, "restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(target) as copy:
        assert (
            copy.execute(
                "SELECT id, position, body FROM conversations_post ORDER BY position"
            ).fetchall()
            == posts
        )
        assert copy.execute("SELECT reply_count FROM conversations_thread").fetchall() == [(4,)]
        assert copy.execute(
            "SELECT count(*) FROM conversations_post_search WHERE post_id = ANY(%s)",
            [[post_id for post_id, _, _ in posts]],
        ).fetchone() == (5,)
        # Sequences came along: the next post gets a new id.
        (next_id,) = copy.execute(
            "SELECT nextval(pg_get_serial_sequence('conversations_post', 'id'))"
        ).fetchone()
        assert next_id > max(post_id for post_id, _, _ in posts)
    restored_uploads = tmp_path / "restored-uploads"
    assert {
        path.relative_to(restored_uploads).as_posix(): path.read_bytes()
        for path in restored_uploads.rglob("*")
        if path.is_file()
    } == UPLOADS
    assert _copse(env, "check").returncode == 0

    again = _copse(env, "restore", str(archive))
    assert again.returncode == 1
    assert "already holds data" in again.stderr
