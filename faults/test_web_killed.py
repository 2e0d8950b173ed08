"""A gunicorn worker killed (SIGKILL) while people post: every reply the site
acknowledged is in the database, the database is whole, and gunicorn's
master starts a new worker that serves."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from faults.conftest import Browser, csrf_token, free_port, http_status, wait_for

ARRANGE = """
import json
from copse import testing
from copse.conversations import services
garden = testing.make_community(slug="garden", name="The Garden", visibility="members")
people = []
for n in range({writers}):
    person = testing.make_user(f"writer{{n}}@example.com", name=f"Writer {{n}}")
    testing.seat(garden, person)
    people.append(person.email)
opener = testing.make_user("opener@example.com", name="Opener")
testing.seat(garden, opener)
thread = services.start_thread(actor=opener, community=garden, kind="discussion",
                               title="Busy thread", body="Go ahead.")
print(json.dumps({{"thread": thread.get_absolute_url(), "people": people,
                   "password": testing.PASSWORD}}))
"""
WRITERS = 6


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.mark.fault(
    "a web worker killed (SIGKILL) while 6 people post replies",
    "every acknowledged reply is kept, the database is whole, the site serves again",
)
def test_no_acknowledged_reply_is_lost_when_a_web_worker_dies(site, measure):
    arranged = json.loads(
        site.copse("shell", "-c", ARRANGE.format(writers=WRITERS)).stdout.strip().splitlines()[-1]
    )
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "2", log_name="web")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_status(f"{base}/healthz?scope=web") == 200, timeout=90, what="the site")

    acknowledged: list[str] = []
    stop = threading.Event()

    def write(email: str) -> None:
        browser = Browser(base)
        _, _, page = browser.request("/accounts/login/")
        browser.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "login": email,
                "password": arranged["password"],
            },
        )
        n = 0
        while not stop.is_set():
            try:
                _, _, page = browser.request(arranged["thread"])
                body = f"{email} reply {n}"
                status, _, _ = browser.post(
                    f"{arranged['thread']}reply/",
                    {"csrfmiddlewaretoken": csrf_token(page), "body": body},
                )
            except (OSError, AttributeError):  # the connection died with the worker
                continue
            if status == 302:
                acknowledged.append(body)
            n += 1

    writers = [threading.Thread(target=write, args=(email,)) for email in arranged["people"]]
    for writer in writers:
        writer.start()
    try:
        wait_for(lambda: len(acknowledged) >= 20, timeout=90, what="the writers to get going")
        (master,) = children(serve.pid)
        victims = children(master)
        assert len(victims) == 2
        os.kill(victims[0], signal.SIGKILL)
        killed_at = len(acknowledged)
        wait_for(
            lambda: len(acknowledged) >= killed_at + 20, timeout=90, what="writes after the kill"
        )
        wait_for(
            lambda: len(set(children(master)) - set(victims)) >= 1,
            timeout=30,
            what="gunicorn to start a new worker",
        )
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=90)
    time.sleep(0.5)
    kept = {body for (body,) in site.sql("SELECT body FROM conversations_post")}
    lost = [body for body in acknowledged if body not in kept]
    measure(f"{len(acknowledged)} replies acknowledged, {len(lost)} lost")
    assert not lost, f"{len(lost)} acknowledged replies lost: {lost[:3]}"
    assert site.sql("PRAGMA integrity_check") == [("ok",)]
    assert http_status(f"{base}{arranged['thread']}") in (200, 302)
