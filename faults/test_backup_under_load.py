"""A backup taken while 20 writers write, restored into a new site folder.

Twenty writers (threads of one `copse shell`, each with its own database
connection) post replies through the same service the site uses, without
pause, while `copse backup` runs. The archive is restored into a second,
fresh site; the restored database must be whole (SQLite's integrity check,
`copse check`, every reply's transaction entirely there or entirely absent)
and hold between the posts counted before and after the backup; its site
serves the thread.
"""

import re
import shutil
import time
import urllib.error
import urllib.request

import pytest

from copse.testing import site_environment
from faults.conftest import Site, free_port, wait_for

WRITERS = 20
THREADS = 5

ARRANGE = f"""
from copse.conversations import services
from copse import testing
garden = testing.make_community(slug="garden", name="The Garden", visibility="open")
writers = [testing.make_user(f"writer{{n}}@example.com", name=f"Writer {{n}}")
           for n in range({WRITERS})]
for writer in writers:
    testing.seat(garden, writer)
for n in range({THREADS}):
    services.start_thread(actor=writers[n], community=garden, kind="discussion",
                          title=f"Thread {{n}}", body="Opening words.")
"""

# Each writer numbers its posts; a reply is one transaction (the post, the
# thread's counters, the full-text row), so a consistent copy holds, for each
# writer, exactly its first k posts and every one of them whole.
WRITE = """
import pathlib, threading
from django.db import connection
from copse.accounts.models import User
from copse.conversations import services
from copse.conversations.models import Thread

stop = pathlib.Path({stop!r})
failures = []

def write(n):
    try:
        actor = User.objects.get(email=f"writer{{n}}@example.com")
        thread = Thread.objects.get(title=f"Thread {{n % {threads}}}")
        k = 0
        while not stop.exists():
            services.post_reply(actor=actor, thread=thread, body=f"Writer {{n}} post {{k}}. " + "Growing. " * 30)
            k += 1
    except Exception as error:
        failures.append(repr(error))
    finally:
        connection.close()

writers = [threading.Thread(target=write, args=(n,)) for n in range({writers})]
for writer in writers:
    writer.start()
for writer in writers:
    writer.join()
print(f"writer failures: {{len(failures)}} {{failures[:3]}}", flush=True)
"""

BODY = re.compile(r"Writer (\d+) post (\d+)\. (?:Growing\. ){29}Growing\.")


def _posts(site: Site) -> int:
    return site.sql("SELECT count(*) FROM conversations_post")[0][0]


def _answer(url: str) -> tuple[int, str] | None:
    """(status, page), or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None


@pytest.mark.fault(
    "a backup taken while 20 writers write",
    "the restored copy is whole, its count lies between before and after, its site serves",
)
def test_a_backup_taken_under_twenty_writers_restores_whole(site, tmp_path, migrated_template):
    site.copse("shell", "-c", ARRANGE)
    material = site.var / "uploads" / "materials" / "agenda.txt"
    material.parent.mkdir(parents=True)
    material.write_text("1. Compost. 2. Seeds.")
    stop = tmp_path / "stop-writing"
    writers = site.start(
        "shell",
        "-c",
        WRITE.format(stop=str(stop), threads=THREADS, writers=WRITERS),
        log_name="writers",
    )
    opening_posts = THREADS
    wait_for(
        lambda: _posts(site) >= opening_posts + 4 * WRITERS,
        timeout=90,
        what="the writers to get going",
    )

    before = _posts(site)
    started = time.monotonic()
    backup = site.copse("backup", str(tmp_path / "backups"), timeout=180, check=False)
    took = time.monotonic() - started
    after = _posts(site)
    stop.touch()
    writers.wait(timeout=90)

    assert backup.returncode == 0, backup.stderr
    assert after > before, "the writers did not write while the backup ran"
    assert "writer failures: 0 " in site.log("writers"), site.log("writers")[-2000:]
    archive = backup.stdout.strip()

    restored_var = tmp_path / "restored"
    restored_var.mkdir()
    shutil.copy(migrated_template, restored_var / "copse.sqlite3")
    restored = Site(var=restored_var, env=site_environment(restored_var))
    try:
        result = restored.copse("restore", archive, timeout=180, check=False)
        assert result.returncode == 0, result.stderr

        assert restored.sql("PRAGMA integrity_check") == [("ok",)]
        assert restored.copse("check", check=False).returncode == 0
        count = _posts(restored)
        assert before <= count <= after, (before, count, after, f"{took:.1f} s")
        _assert_every_reply_whole(restored)
        assert (restored.var / "uploads" / "materials" / "agenda.txt").read_text() == (
            "1. Compost. 2. Seeds."
        )

        (thread_id, last_body) = restored.sql(
            "SELECT p.thread_id, p.body FROM conversations_post p ORDER BY p.id DESC LIMIT 1"
        )[0]
        port = free_port()
        restored.start("serve", "--port", str(port), "--workers", "1", log_name="web")
        url = f"http://127.0.0.1:{port}/c/garden/t/{thread_id}/?page=last"
        status, page = wait_for(lambda: _answer(url), timeout=90, what="the restored site")
        assert status == 200
        writer, number = BODY.fullmatch(last_body).groups()
        assert f"Writer {writer} post {number}." in page
        print(f"posts: {before} before, {count} in the backup, {after} after ({took:.1f} s)")
    finally:
        restored.stop_all()


def _assert_every_reply_whole(site: Site) -> None:
    threads = site.sql(
        "SELECT t.id, t.reply_count, t.last_position, count(p.id), max(p.position)"
        " FROM conversations_thread t JOIN conversations_post p ON p.thread_id = t.id"
        " GROUP BY t.id"
    )
    assert len(threads) == THREADS
    for thread_id, reply_count, last_position, posts, highest in threads:
        # The counters were written in the same transaction as each post.
        assert (reply_count, last_position) == (posts - 1, highest), thread_id
        assert posts == highest + 1, f"thread {thread_id} has a gap in its positions"
    unindexed = site.sql(
        "SELECT count(*) FROM conversations_post p WHERE NOT EXISTS"
        " (SELECT 1 FROM conversations_post_search s WHERE s.rowid = p.id)"
    )
    assert unindexed == [(0,)]
    by_writer: dict[int, list[int]] = {}
    for (body,) in site.sql("SELECT body FROM conversations_post WHERE position > 0"):
        match = BODY.fullmatch(body)
        assert match, f"a post cut short: {body[:60]!r}"
        by_writer.setdefault(int(match.group(1)), []).append(int(match.group(2)))
    for writer, numbers in by_writer.items():
        # Each writer's posts were committed one after another: a copy made
        # at one moment holds the first k of them, without a hole.
        assert sorted(numbers) == list(range(len(numbers))), f"writer {writer}"
