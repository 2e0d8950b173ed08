"""`copse restore` refuses every archive it cannot trust, and a database that
holds data, before it changes anything. On the suite's own database, so on
SQLite and on PostgreSQL alike."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from copse import testing
from copse.accounts.models import User
from copse.backups.tests import archives

OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
NOTES = "uploads/materials/notes.txt"


@pytest.fixture
def backup(db, settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    (settings.MEDIA_ROOT / "materials").mkdir(parents=True)
    (settings.MEDIA_ROOT / "materials" / "notes.txt").write_text("Bring gloves.")
    testing.make_user("keeper@example.com", name="Kit Keeper")
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip())


def _restore_refused(archive: Path, settings) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    # Nothing changed: the site's data and its uploads are as they were.
    assert User.objects.filter(email="keeper@example.com").exists()
    assert (settings.MEDIA_ROOT / "materials" / "notes.txt").read_text() == "Bring gloves."
    return str(refused.value)


def _rehash(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    """Make the manifest agree with `files[name]` again, as a careful forger would."""
    manifest = archives.manifest(files)
    for item in manifest["files"]:
        if item["path"] == name:
            item["size"] = len(files[name])
            item["sha256"] = hashlib.sha256(files[name]).hexdigest()
    return archives.with_manifest(files, manifest)


def _changed_upload(files):
    return {**files, NOTES: b"Bring nothing."}


def _changed_checksum(files):
    manifest = archives.manifest(files)
    for item in manifest["files"]:
        if item["path"] == NOTES:
            item["sha256"] = hashlib.sha256(b"something else").hexdigest()
    return archives.with_manifest(files, manifest)


def _without_manifest(files):
    return {name: data for name, data in files.items() if name != "manifest.json"}


def _manifest_not_json(files):
    return {**files, "manifest.json": b"{'files': ["}


def _unlisted_file(files):
    return {**files, "uploads/materials/extra.txt": b"slipped in"}


def _listed_file_missing(files):
    return {name: data for name, data in files.items() if name != NOTES}


def _escaping_path(files):
    return {**files, "uploads/../../escaped.txt": b"outside"}


def _absolute_path(files):
    return {**files, "/tmp/copse-absolute.txt": b"outside"}


def _other_vendor(files):
    vendor = connection.vendor
    other = OTHER_VENDOR[vendor]
    manifest = archives.manifest(files)
    manifest["database"].update(vendor=other, file=DATABASE_FILE[other])
    for item in manifest["files"]:
        if item["path"] == DATABASE_FILE[vendor]:
            item["path"] = DATABASE_FILE[other]
    files = {
        (DATABASE_FILE[other] if name == DATABASE_FILE[vendor] else name): data
        for name, data in files.items()
    }
    return archives.with_manifest(files, manifest)


def _from_a_newer_copse(files):
    manifest = archives.manifest(files)
    manifest["migrations"]["conversations"] = "9999_from_the_future"
    return archives.with_manifest(files, manifest)


def _damaged_database(files):
    name = DATABASE_FILE[connection.vendor]
    data = bytearray(files[name])
    data[100:400] = b"\xff" * 300  # the schema page of SQLite, the table of contents of a dump
    return _rehash({**files, name: bytes(data)}, name)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_changed_upload, f"{NOTES} does not match the checksum in its manifest"),
        (_changed_checksum, f"{NOTES} does not match the checksum in its manifest"),
        (_without_manifest, "has no manifest.json"),
        (_manifest_not_json, "manifest.json is not valid JSON"),
        (_unlisted_file, "uploads/materials/extra.txt is not in its manifest"),
        (_listed_file_missing, f"{NOTES} listed in its manifest is not in it"),
        (_escaping_path, "which a backup never contains"),
        (_absolute_path, "which a backup never contains"),
        (_other_vendor, "database, but this site uses"),
        (_from_a_newer_copse, "made by a newer Copse"),
        (_damaged_database, "database"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_an_archive_that_cannot_be_trusted_is_refused(backup, settings, tmp_path, change, said):
    tampered = archives.write(tmp_path / "tampered.tar.gz", change(archives.read(backup)))

    message = _restore_refused(tampered, settings)

    assert said in message
    assert message.endswith("Nothing was changed.")
    assert not (tmp_path / "escaped.txt").exists()


def test_a_damaged_database_is_named_as_the_reason(backup, settings, tmp_path):
    tampered = archives.write(tmp_path / "damaged.tar.gz", _damaged_database(archives.read(backup)))

    message = _restore_refused(tampered, settings)

    if connection.vendor == "sqlite":
        assert "failed SQLite's integrity check" in message or "malformed" in message
    else:
        assert "pg_restore --list" in message


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda data: data[: len(data) // 2], "is damaged"),
        (
            lambda data: data[: len(data) // 2] + bytes(200) + data[len(data) // 2 + 200 :],
            "is damaged",
        ),
        (lambda data: b"%PDF-1.7 not an archive", "cannot be read as a .tar.gz archive"),
        (lambda data: b"", "cannot be read as a .tar.gz archive"),
    ],
    ids=["cut short", "bytes zeroed", "another kind of file", "empty"],
)
def test_a_damaged_archive_is_refused(backup, settings, tmp_path, damage, said):
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(damage(backup.read_bytes()))

    assert said in _restore_refused(damaged, settings)


def test_a_missing_archive_is_named(backup, settings, tmp_path):
    assert "does not exist" in _restore_refused(tmp_path / "nowhere.tar.gz", settings)


def test_restore_over_a_database_with_data_is_refused_without_force(backup, settings):
    message = _restore_refused(backup, settings)

    assert "already holds data" in message
    assert "accounts_user" in message
    assert "--force" in message


def test_the_manifest_records_this_database_and_its_latest_migrations(backup):
    files = archives.read(backup)
    manifest = json.loads(files["manifest.json"])

    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["file"] in files
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(name) FROM django_migrations WHERE app = 'accounts'")
        assert manifest["migrations"]["accounts"] == cursor.fetchone()[0]
    assert manifest["uploads"] == {"files": 1, "bytes": len("Bring gloves.")}
