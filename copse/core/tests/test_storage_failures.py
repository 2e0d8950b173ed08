"""A full disk or a read-only data folder, as the site meets it.

A write the storage refuses is answered with the styled 503 page, "We could
not save this — nothing was lost", with Retry-After and the text the person
sent (never a password or a token); a write made while only reading never
fails the page; a file is stored whole or not at all. This module is also a
URLconf (the site's URLs plus a few views that write) for the page tests.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import time
import warnings

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InternalError, connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from copse import testing
from copse import urls as site_urls
from copse.core import storage
from copse.core.middleware import SEEN_AT
from copse.core.tests.full_disk import (
    WRITES,
    FillingStorage,
    MountRefused,
    database_refuses_writes,
    files_under,
    free_bytes,
    remount,
    small_filesystem,
)
from copse.core.tests.test_errors import assert_styled_page

TITLE = "We could not save this — nothing was lost"


def rename_me(request):
    """Writes on every method, in a transaction as a service does."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=request.user.pk).update(display_name="Renamed")
    return HttpResponse("saved")


def remember_choice(request):
    """A page that keeps something that matters in the session."""
    request.session["copse_choice"] = "weekly"
    return HttpResponse("kept")


def fails_like_a_bug(request):
    raise IntegrityError("UNIQUE constraint failed: accounts_user.email")


urlpatterns = [
    path("test-only/rename/", rename_me),
    path("test-only/remember/", remember_choice),
    path("test-only/bug/", fails_like_a_bug),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture
def lee(db):
    return testing.make_user("lee@university.example", name="Lee Okafor")


@pytest.fixture
def signed_in(lee):
    client = Client(raise_request_exception=False)
    client.force_login(lee)
    return client


def _textareas(html: str) -> str:
    return html[html.index('<section class="typed-text"') :]


# --- The page -------------------------------------------------------------------------------


@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_write_gets_the_503_page_with_what_was_typed(signed_in, lee, caplog):
    with caplog.at_level(logging.INFO, logger="copse"), database_refuses_writes() as refused:
        response = signed_in.post(
            "/test-only/rename/",
            {
                "display_name": "Lee <b>O.</b> & co",
                "bio": "Line one\nLine two",
                "password": "hunter2-secret",
                "csrfmiddlewaretoken": "the-token-value",
                "thread": "42",
                "empty": "",
            },
        )
    assert refused, "the view did not write"
    html = assert_styled_page(response, status=503, title=TITLE)
    assert response["Retry-After"].isdigit() and int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    typed = _textareas(html)
    # Escaped, in read-only boxes with labels, as they were typed.
    assert "Lee &lt;b&gt;O.&lt;/b&gt; &amp; co</textarea>" in typed
    assert "Line one\nLine two</textarea>" in typed
    assert 'label for="typed-1">Display name</label>' in typed
    assert typed.count("readonly") == 2 and "name=" not in typed.split("</section>")[0]
    # Secrets and machinery are not shown back.
    assert "hunter2-secret" not in html and "the-token-value" not in html
    assert ">42<" not in typed
    assert "Copy what you wrote" in html
    lee.refresh_from_db()
    assert lee.display_name == "Lee Okafor"
    # The operator learns why, in one line without the person's words.
    (line,) = [r for r in caplog.records if r.name == "copse.storage"]
    assert line.levelno == logging.ERROR
    assert "database or disk is full" in line.getMessage() or "disk full" in line.getMessage()
    assert "/test-only/rename/" in line.getMessage()
    assert "Lee" not in line.getMessage() and line.exc_info is None


@override_settings(ROOT_URLCONF=__name__)
def test_a_get_that_cannot_write_gets_the_503_page_without_a_form(signed_in):
    with database_refuses_writes():
        response = signed_in.get("/test-only/rename/")
    html = assert_styled_page(response, status=503, title=TITLE)
    assert "Retry-After" in response
    assert "typed-text" not in html and "Copy what you wrote" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_when_the_database_cannot_even_be_read_the_page_still_gives_the_text_back(signed_in):
    # Who is signed in is read from the database before the view runs.
    with database_refuses_writes(statements=("SELECT", *WRITES)) as refused:
        response = signed_in.post("/test-only/rename/", {"bio": "words kept anyway"})
    assert refused
    html = assert_styled_page(response, status=503, title=TITLE)
    assert "words kept anyway</textarea>" in html
    assert "Sign in" in html  # the navigation as to a visitor: it needs no database


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_is_still_a_500_not_a_full_disk(signed_in):
    response = signed_in.post("/test-only/bug/", {"bio": "words"})
    html = assert_styled_page(response, status=500, title="Something went wrong on our side")
    assert "words" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_session_change_that_matters_and_cannot_be_saved_is_a_503_not_a_400(signed_in):
    with database_refuses_writes(table="django_session"):
        response = signed_in.get("/test-only/remember/")
    assert_styled_page(response, status=503, title=TITLE)


def test_a_page_whose_only_write_is_the_last_seen_time_is_still_shown(signed_in, lee, caplog):
    session = signed_in.session
    stale = int(time.time()) - 600
    session[SEEN_AT] = stale
    session.save()
    with caplog.at_level(logging.WARNING, logger="copse"), database_refuses_writes() as refused:
        response = signed_in.get("/communities/")
    assert refused, "the last-seen time was not written"
    assert response.status_code == 200
    assert "session not saved while reading" in caplog.text
    # Not written, so the idle limit still counts from the last time it was.
    assert signed_in.session[SEEN_AT] == stale
    # With room again, it is written as before.
    assert signed_in.get("/communities/").status_code == 200
    assert signed_in.session[SEEN_AT] > stale


# --- Telling a full disk from a bug ----------------------------------------------------------


def test_sqlite_words_for_a_full_locked_or_read_only_database_are_storage_failures(tmp_path):
    database = tmp_path / "copse.sqlite3"
    with sqlite3.connect(database) as setup:
        setup.execute("CREATE TABLE note (body TEXT)")
    read_only = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        read_only.execute("INSERT INTO note VALUES ('x')")
    assert storage.failure_of(raised.value) == "attempt to write a readonly database"
    with pytest.raises(sqlite3.OperationalError) as raised:
        sqlite3.connect(tmp_path / "missing" / "copse.sqlite3")
    assert storage.failure_of(raised.value) == "unable to open database file"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as raised:
        sqlite3.connect(database, timeout=0).execute("INSERT INTO note VALUES ('x')")
    holder.execute("ROLLBACK")
    assert storage.failure_of(raised.value) == "database is locked"


def test_the_database_refusing_a_write_is_a_storage_failure_on_either_database(db):
    with database_refuses_writes(), pytest.raises(DatabaseError) as raised, transaction.atomic():
        testing.make_user()
    reason = storage.failure_of(raised.value)
    if connection.vendor == "postgresql":
        assert reason == "disk full (53100)"
    else:
        assert reason == "database or disk is full"


def test_postgresql_read_only_transactions_are_storage_failures():
    import psycopg

    error = InternalError("cannot execute INSERT in a read-only transaction")
    error.__cause__ = psycopg.errors.ReadOnlySqlTransaction(
        "cannot execute INSERT in a read-only transaction"
    )
    assert storage.failure_of(error) == "read-only transaction (25006)"


def test_permission_is_a_storage_failure_only_in_the_data_folders():
    denied = errno.EACCES, "Permission denied"
    assert storage.failure_of(OSError(*denied, str(settings.MEDIA_ROOT / "materials" / "x.pdf")))
    assert storage.failure_of(OSError(*denied, str(settings.VAR_DIR / "copse.sqlite3")))
    assert not storage.failure_of(OSError(*denied, "/etc/copse.conf"))
    assert not storage.failure_of(OSError(*denied))
    assert not storage.failure_of(ValueError("no space left in the form"))
    assert not storage.failure_of(IntegrityError("UNIQUE constraint failed"))


# --- Writes made while reading ---------------------------------------------------------------


def test_a_write_while_reading_gives_way_and_the_request_reads_on(lee, caplog):
    User = get_user_model()
    with caplog.at_level(logging.WARNING, logger="copse"), database_refuses_writes():
        result = storage.write_if_possible(
            "a stamp", lambda: User.objects.filter(pk=lee.pk).update(display_name="Stamped")
        )
        # On PostgreSQL the failed statement aborted the transaction up to
        # the savepoint; without it this read would fail too.
        assert User.objects.get(pk=lee.pk).display_name == "Lee Okafor"
    assert result is None
    assert "not written while reading: a stamp" in caplog.text
    # A failure that is not the storage's is not hidden.
    with pytest.raises(IntegrityError):
        storage.write_if_possible(
            "a bug", lambda: User.objects.create(email=lee.email, display_name="Twin")
        )


# --- Files whole or not at all ---------------------------------------------------------------


def test_a_file_that_does_not_fit_leaves_nothing_behind(tmp_path):
    full = FillingStorage(location=tmp_path, room=10_000)
    with pytest.raises(OSError) as raised:
        full.save("materials/slides.pdf", ContentFile(b"%PDF-" + b"x" * 50_000))
    assert raised.value.errno == errno.ENOSPC
    assert files_under(tmp_path) == set()


def test_a_file_that_fits_is_stored_whole_under_its_name(tmp_path):
    whole = storage.WholeFileStorage(location=tmp_path)
    first = whole.save("materials/notes.txt", ContentFile(b"notes"))
    second = whole.save("materials/notes.txt", ContentFile(b"other notes"))
    assert first == "materials/notes.txt" and second != first
    assert (tmp_path / first).read_bytes() == b"notes"
    assert (tmp_path / second).read_bytes() == b"other notes"
    assert files_under(tmp_path) == {first, second}  # no partial file left
    assert (tmp_path / first).stat().st_mode & 0o777 == 0o644


def test_files_stored_in_a_block_that_fails_are_removed(tmp_path):
    whole = storage.WholeFileStorage(location=tmp_path)
    with storage.files_removed_on_failure():
        kept = whole.save("kept.txt", ContentFile(b"kept"))
    with pytest.raises(RuntimeError), storage.files_removed_on_failure():
        whole.save("first.txt", ContentFile(b"1"))
        with storage.files_removed_on_failure():
            whole.save("inner.txt", ContentFile(b"2"))
        raise RuntimeError("the commit was refused")
    assert files_under(tmp_path) == {kept}


def test_a_real_small_disk_that_fills_mid_file_keeps_no_partial_file(tmp_path):
    """On a tmpfs of 64 kB where the machine lets the test mount one (and on
    the stub that fails the same way where it does not, with a warning)."""
    disk = tmp_path / "disk"
    try:
        with small_filesystem(disk, 64 * 1024):
            room = free_bytes(disk)
            whole = storage.WholeFileStorage(location=disk)
            with pytest.raises(OSError) as raised:
                whole.save("materials/big.pdf", ContentFile(b"%PDF-" + b"x" * 256 * 1024))
            assert raised.value.errno == errno.ENOSPC
            assert files_under(disk) == set()
            assert free_bytes(disk) == room  # the partial file's space is back
            assert whole.save("materials/small.txt", ContentFile(b"fits")) == (
                "materials/small.txt"
            )
            remount(disk, "ro")
            with pytest.raises(OSError) as raised:
                whole.save("materials/more.txt", ContentFile(b"more"))
            assert storage.failure_of(raised.value) == "read-only file system"
            assert files_under(disk) == {"materials/small.txt"}
    except MountRefused as refusal:
        warnings.warn(f"no small file system could be mounted ({refusal}); used the stub")
        test_a_file_that_does_not_fit_leaves_nothing_behind(tmp_path / "stub")
