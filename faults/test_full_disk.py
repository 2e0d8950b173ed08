"""A full disk under a running site: the data folder is a small tmpfs the
test mounts itself, filled up while `copse serve` runs on it.

A reply sent then answers 503 and gives back its text, an upload leaves no
file, the thread is still read (200), and once there is room again both go
through. Mounting needs root or CAP_SYS_ADMIN; where the machine refuses
it, the test fails and says so rather than skipping, so the table never shows
this fault as held without trying it (the apps' in-process tests cover the
same with stubs).
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from copse.core.tests.full_disk import MountRefused, files_under, fill, small_filesystem
from faults.conftest import Browser, csrf_token, free_port, http_status, wait_for

ARRANGE = """
import datetime as dt
import json
from django.urls import reverse
from django.utils import timezone
from copse.conversations import services
from copse import testing
from copse.meetings import services as meetings

circle = testing.make_community(slug="telecom", name="Telecom CoP", visibility="members")
fay = testing.make_user("fay@example.com", name="Fay Facilitator")
testing.seat(circle, fay, role="facilitator")
mona = testing.make_user("mona@example.com", name="Mona Member")
testing.seat(circle, mona)
thread = services.start_thread(actor=mona, community=circle, kind="discussion",
                               title="Carrier contracts", body="Which carrier do you use?")
start = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
meeting = meetings.create_meeting(actor=fay, community=circle, title="Quarterly", starts_at=start,
                                  ends_at=start + dt.timedelta(hours=2), time_zone="UTC",
                                  address="1 Main St", capacity=None)
print(json.dumps({
    "thread": thread.get_absolute_url(),
    "meeting": meeting.get_absolute_url(),
    "upload": reverse("meetings:material_upload", args=["telecom", meeting.pk]),
    "password": testing.PASSWORD,
}))
"""
TYPED = "Our contract renews in March; Northwind quoted 12 % less. Worth a call?"
SLIDES = b"%PDF-1.7\n" + b"quarterly slide " * 20_000  # about 320 kB


@pytest.fixture
def full_disk_site(site, tmp_path):
    """The site with its data folder on a tmpfs just large enough for it and
    3 MB more. Logs stay on the ordinary disk, as journald's would."""
    site.copse("collectstatic", "--noinput", "-v", "0")
    # The last line: the shell may print a banner first.
    paths = json.loads(site.copse("shell", "-c", ARRANGE).stdout.strip().splitlines()[-1])
    used = sum(path.stat().st_size for path in site.var.rglob("*") if path.is_file())
    disk = tmp_path / "disk"
    try:
        with small_filesystem(disk, used + 3 * 1024 * 1024):
            shutil.copy2(site.database, disk / "copse.sqlite3")
            shutil.copytree(site.var / "staticfiles", disk / "staticfiles")
            site.set_env(COPSE_VAR_DIR=disk, DATABASE_URL=f"sqlite:///{disk / 'copse.sqlite3'}")
            try:
                yield site, disk, paths
            finally:
                site.stop_all()  # nothing may hold a file on the disk as it is unmounted
    except MountRefused as refusal:
        pytest.fail(
            f"cannot mount a small file system here ({refusal}); this test needs root or "
            "CAP_SYS_ADMIN. The apps' test_full_disk tests cover the same with stubs."
        )


def _posts(disk) -> list[str]:
    with sqlite3.connect(f"file:{disk / 'copse.sqlite3'}?mode=ro", uri=True, timeout=30) as db:
        return [row[0] for row in db.execute("SELECT body FROM conversations_post ORDER BY id")]


@pytest.mark.fault(
    "full data disk (a filled tmpfs)",
    "a reply is a 503 that gives back its text; an upload leaves no file; "
    "the thread still reads (200); with room again both go through",
)
def test_a_full_disk_refuses_writes_clearly_and_keeps_reading(full_disk_site):
    site, disk, paths = full_disk_site
    thread_path, upload_path = paths["thread"], paths["upload"]
    port = free_port()
    site.start("serve", "--port", str(port), "--workers", "1", log_name="web")
    base = f"http://127.0.0.1:{port}"
    wait_for(
        lambda: http_status(f"{base}/healthz") in (200, 503), timeout=60, what="the web server"
    )

    browser = Browser(base)
    status, _, page = browser.request("/accounts/login/")
    assert status == 200
    status, _, _ = browser.post(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "login": "fay@example.com",
            "password": paths["password"],
        },
    )
    assert status == 302, "could not sign in"
    # Fay has not read the thread yet: reading it will want to write her place.
    status, _, page = browser.request(paths["meeting"])
    assert status == 200
    token = csrf_token(page)

    # Room for less than the slides: the upload fails half-way through the file.
    fill(disk, leave=128 * 1024)
    status, headers, page = browser.post_file(
        upload_path, {"csrfmiddlewaretoken": token}, "slides.pdf", SLIDES
    )
    assert status == 503, page[:500]
    assert "We could not save this — nothing was lost" in page
    assert int(headers["Retry-After"]) > 0
    assert files_under(disk / "uploads") == set()

    # No room at all.
    fill(disk)
    status, headers, page = browser.post(
        f"{thread_path}reply/", {"csrfmiddlewaretoken": token, "body": TYPED}
    )
    assert status == 503, page[:500]
    assert "We could not save this — nothing was lost" in page
    assert int(headers["Retry-After"]) > 0
    assert f"{TYPED}</textarea>" in page
    status, _, page = browser.request(thread_path)
    assert status == 200, page[:500]
    assert "Which carrier do you use?" in page
    assert _posts(disk) == ["Which carrier do you use?"]
    log = site.log("web")
    assert "could not write: database or disk is full" in log
    assert "not written while reading: read position" in log
    assert "Traceback" not in log

    # Room again: the same reply and the same upload go through.
    (disk / "filler").unlink()
    status, _, _ = browser.post(
        f"{thread_path}reply/", {"csrfmiddlewaretoken": token, "body": TYPED}
    )
    assert status == 302
    assert _posts(disk) == ["Which carrier do you use?", TYPED]
    status, _, _ = browser.post_file(
        upload_path, {"csrfmiddlewaretoken": token}, "slides.pdf", SLIDES
    )
    assert status == 302
    (stored,) = files_under(disk / "uploads")
    assert (disk / "uploads" / stored).read_bytes() == SLIDES
    assert browser.request(paths["meeting"])[0] == 200
