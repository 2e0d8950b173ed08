"""`copse backup` and `copse restore` on SQLite, run as an operator runs them:
real commands in processes of their own, on sites in folders of their own."""

import hashlib
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from copse.backups.tests import archives
from copse.backups.tests.conftest import Site, environment, make_site

ARRANGE = """
from copse.conversations import services
from copse import testing
garden = testing.make_community(slug="garden", name="The Garden", visibility="open")
gale = testing.make_user("gale@example.com", name="Gale Gardener")
testing.seat(garden, gale)
thread = services.start_thread(actor=gale, community=garden, kind="discussion",
                               title="Compost in winter", body="Does it keep working?")
for n in range(5):
    services.post_reply(actor=gale, thread=thread, body=f"Reply number {n}.")
"""

UPLOADS = {
    "materials/2025/slides.pdf": os.urandom(300_000),
    "materials/2025/notes.txt": b"Bring gloves.\n",
    "materials/résumé des débats.txt": "Ça pousse.\n".encode(),
}


def _arranged(site: Site) -> Site:
    site.shell(ARRANGE)
    for name, data in UPLOADS.items():
        path = site.uploads / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return site


def _backup(site: Site, *args: str) -> Path:
    result = site.copse("backup", *args)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def _uploads(site: Site) -> dict[str, bytes]:
    return {
        path.relative_to(site.uploads).as_posix(): path.read_bytes()
        for path in site.uploads.rglob("*")
        if path.is_file()
    }


def _posts(site: Site):
    return site.sql(
        "SELECT t.title, p.position, p.body, u.email FROM conversations_post p"
        " JOIN conversations_thread t ON t.id = p.thread_id"
        " JOIN accounts_user u ON u.id = p.author_id ORDER BY t.id, p.position"
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory, migrated_sqlite) -> tuple[Site, Path]:
    """A site with a thread, replies and uploads, and a backup of it."""
    site = _arranged(make_site(tmp_path_factory.mktemp("source") / "var", migrated_sqlite))
    return site, _backup(site)


def _copy_of(site: Site, var: Path) -> Site:
    shutil.copytree(site.var, var, ignore=shutil.ignore_patterns("backups"))
    return Site(var=var, env=environment(var))


def _fingerprint(site: Site) -> tuple[str, dict[str, bytes]]:
    return hashlib.sha256(site.database.read_bytes()).hexdigest(), _uploads(site)


def test_a_backup_restored_into_a_new_site_brings_back_its_posts_and_uploads(source, new_site):
    old, archive = source

    assert archive.parent == old.var / "backups"
    assert re.fullmatch(r"copse-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    # Written under a temporary name and renamed: nothing else is left behind.
    assert [path.name for path in archive.parent.iterdir()] == [archive.name]
    assert archive.stat().st_mode & 0o077 == 0  # readable by Copse's user alone

    new = new_site("new")
    restored = new.copse("restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup" in restored.stdout
    assert "3 uploaded files" in restored.stdout
    assert len(_posts(old)) == 6
    assert _posts(new) == _posts(old)
    assert new.sql("SELECT reply_count, last_position FROM conversations_thread") == [(5, 5)]
    assert _uploads(new) == UPLOADS
    assert new.sql("PRAGMA integrity_check") == [("ok",)]
    assert new.copse("check").returncode == 0
    # The restored site takes new writes, full-text index included.
    new.shell(
        "from copse.conversations import services; from copse.conversations.models import Thread;"
        "from copse.accounts.models import User;"
        "services.post_reply(actor=User.objects.get(email='gale@example.com'),"
        " thread=Thread.objects.get(), body='Written after the restore.')"
    )
    assert new.sql("SELECT count(*) FROM conversations_post") == [(7,)]


def test_the_archive_lists_every_file_with_its_checksum_and_what_made_it(source, tmp_path):
    site, _ = source
    archive = _backup(site, str(tmp_path / "elsewhere"))
    assert archive.parent == tmp_path / "elsewhere"
    files = archives.read(archive)
    manifest = archives.manifest(files)

    listed = {item["path"]: item for item in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    assert set(listed) == {"database.sqlite3", *(f"uploads/{name}" for name in UPLOADS)}
    for name, item in listed.items():
        assert item["size"] == len(files[name])
        assert item["sha256"] == hashlib.sha256(files[name]).hexdigest()
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["copse_version"] == "0.1.0"
    assert manifest["migrations"]["conversations"] == max(
        name for (name,) in site.sql("SELECT name FROM django_migrations WHERE app='conversations'")
    )
    # The database in the archive is one self-contained file, not in WAL mode.
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(files["database.sqlite3"])
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("SELECT count(*) FROM conversations_post").fetchone() == (6,)


def test_restore_over_a_database_with_data_is_refused_without_force(source, tmp_path):
    site, archive = source
    site = _copy_of(site, tmp_path / "site")
    site.shell("from copse import testing; testing.make_user('late@example.com')")

    refused = site.copse("restore", str(archive))

    assert refused.returncode == 1
    assert "already holds data" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert site.sql("SELECT count(*) FROM accounts_user WHERE email = 'late@example.com'") == [(1,)]

    forced = site.copse("restore", "--force", str(archive))

    assert forced.returncode == 0, forced.stderr
    assert site.sql("SELECT email FROM accounts_user ORDER BY email") == [("gale@example.com",)]


def test_restore_is_refused_while_another_process_has_the_database_open(source, new_site):
    _, archive = source
    target = new_site("target")
    with sqlite3.connect(target.database) as open_elsewhere:
        open_elsewhere.execute("PRAGMA journal_mode=WAL")
        open_elsewhere.execute("SELECT count(*) FROM django_migrations").fetchall()

        refused = target.copse("restore", str(archive))

        assert refused.returncode == 1
        assert "is Copse still running?" in refused.stderr
        assert "Traceback" not in refused.stderr
    assert target.sql("SELECT count(*) FROM accounts_user") == [(0,)]


def test_a_tampered_archive_is_refused_and_changes_nothing(source, new_site, tmp_path):
    _, archive = source
    files = archives.read(archive)
    files["uploads/materials/2025/notes.txt"] = b"Bring nothing.\n"
    tampered = archives.write(tmp_path / "tampered.tar.gz", files)
    target = new_site("target")
    target.uploads.mkdir()
    (target.uploads / "mine.txt").write_text("already here")
    before = _fingerprint(target)

    refused = target.copse("restore", str(tampered))

    assert refused.returncode == 1
    assert "uploads/materials/2025/notes.txt does not match the checksum" in refused.stderr
    assert "Nothing was changed." in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _fingerprint(target) == before
    assert not [path for path in target.var.iterdir() if path.name.startswith(".copse-restore")]


def test_a_backup_into_a_folder_that_cannot_be_made_fails_clearly(new_site):
    site = new_site("site")
    (site.var / "a-file").write_text("not a folder")

    result = site.copse("backup", str(site.var / "a-file" / "backups"))

    assert result.returncode == 1
    assert "Cannot create the backup folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_of_postgresql_without_pg_dump_says_how_to_install_it(tmp_path):
    var = tmp_path / "var"
    empty = tmp_path / "no-tools"
    empty.mkdir()
    site = Site(
        var=var,
        env=environment(
            var,
            # Nothing listens there: the tools are looked for before connecting.
            DATABASE_URL="postgres://copse:secret@127.0.0.1:9/copse",
            COPSE_PG_BIN_DIR=empty,
        ),
    )

    result = site.copse("backup")

    assert result.returncode == 1
    assert "pg_dump was not found" in result.stderr
    assert "apt install postgresql-client" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((var / "backups").iterdir())


def test_a_damaged_database_is_replaced_only_with_force(source, new_site):
    _, archive = source
    site = new_site("damaged")
    site.database.write_bytes(b"these bytes were a database once" * 1000)

    refused = site.copse("restore", str(archive))
    assert refused.returncode == 1
    assert "Cannot read the SQLite database" in refused.stderr
    assert "Traceback" not in refused.stderr

    forced = site.copse("restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert "It replaced a database that could not be read." in forced.stdout
    assert _posts(site) == _posts(source[0])
