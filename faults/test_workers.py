"""Task workers under faults: killed mid-task, a write lock held past the
timeout, the SMTP server gone, and `copse serve --with-worker` losing its
worker. Each test runs real `copse` processes on a site folder of its own and
a real SMTP server (aiosmtpd) in this process, on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from faults.conftest import free_port, http_status, wait_for

TASKS = "django_tasks_database_dbtaskresult"
QUICK_RECOVERY = {"COPSE_WORKER_STALE_SECONDS": 6, "COPSE_WORKER_HEARTBEAT_SECONDS": 1}


class MailServer:
    """Takes every message, each after `delay` seconds; counts what arrives."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.received: list[tuple[list[str], bytes]] = []
        self.sending = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.sending.set()
        await asyncio.sleep(self.delay)
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def recipients(self) -> set[str]:
        return {address for rcpts, _ in self.received for address in rcpts}


@contextlib.contextmanager
def mail_server(delay: float = 0.0, port: int | None = None):
    handler = MailServer(delay)
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def mailing_to(site, port: int, **extra) -> None:
    site.set_env(
        COPSE_EMAIL_HOST="127.0.0.1",
        COPSE_EMAIL_PORT=port,
        COPSE_EMAIL_TIMEOUT=10,
        **QUICK_RECOVERY,
        **extra,
    )


def kill(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def task_rows(site, name: str):
    return site.sql(
        f"SELECT status, worker_ids FROM {TASKS} WHERE task_path LIKE ?",  # noqa: S608
        f"%.{name}",
    )


ANSWER = """
import datetime as dt
from django.utils import timezone
from copse.mailing.tasks import send_answer
task = send_answer
if {later}:
    task = send_answer.using(run_after=timezone.now() + dt.timedelta(seconds={later}))
task.enqueue(to="ana@example.com", subject="Your message", body="Received.", headers={{}})
"""


@pytest.mark.fault(
    "a worker killed (SIGKILL) in the middle of a task",
    "another worker finds the task by the dead worker's heartbeat and finishes it",
)
def test_a_task_whose_worker_is_killed_finishes_on_another(site, measure):
    with mail_server(delay=4) as (mail, port):
        mailing_to(site, port)
        site.copse("shell", "-c", ANSWER.format(later=0))
        first = site.start("worker", log_name="worker-a")
        assert mail.sending.wait(60), site.log("worker-a")
        kill(first)  # while the mail server is taking the message
        killed_at = time.monotonic()
        assert task_rows(site, "send_answer")[0][0] == "RUNNING"

        mail.delay = 0
        site.start("worker", log_name="worker-b")
        wait_for(
            lambda: task_rows(site, "send_answer")[0][0] == "SUCCESSFUL",
            timeout=60,
            what="the task to finish on the second worker",
        )
        took = time.monotonic() - killed_at
    _, worker_ids = task_rows(site, "send_answer")[0]
    assert len(set(json.loads(worker_ids))) == 2
    assert "requeued" in site.log("worker-b")
    measure(f"finished {took:.0f} s after the kill")
    assert took < 30, f"recovered after {took:.0f} s"


GARDEN = """
from copse import testing
from copse.conversations import services
from copse.mailing import services as mail
garden = testing.make_community(slug="garden", name="The Garden", visibility="members")
author = testing.make_user("author@example.com", name="Ann Author")
testing.seat(garden, author, role="facilitator")
for n in range({readers}):
    reader = testing.make_user(f"reader{{n}}@example.com", name=f"Reader {{n}}")
    testing.seat(garden, reader)
    mail.set_community_mode(user=reader, community=garden, mode="every")
services.start_thread(actor=author, community=garden, kind="discussion",
                      title="Seed swap", body="Who brings tomatoes?")
"""
READERS = 30


@pytest.mark.fault(
    "a worker killed while sending a post to 30 readers",
    "every reader gets it within a minute of the kill, at most 25 twice",
)
def test_mail_claimed_by_a_dead_sender_goes_out_within_a_minute(site, measure):
    with mail_server(delay=0.3) as (mail, port):
        mailing_to(site, port)
        site.copse("shell", "-c", GARDEN.format(readers=READERS))
        first = site.start("worker", log_name="worker-a")
        wait_for(lambda: len(mail.received) >= 3, timeout=60, what="sending to start")
        kill(first)
        killed_at = time.monotonic()
        sent_before_kill = len(mail.recipients())
        assert sent_before_kill < READERS

        mail.delay = 0.05  # slow only so that the kill lands mid-batch
        site.start("worker", log_name="worker-b")
        wait_for(
            lambda: len(mail.recipients()) == READERS,
            timeout=90,
            what="every reader's copy",
        )
        took = time.monotonic() - killed_at
    twice = len(mail.received) - READERS
    measure(
        f"{sent_before_kill} sent before the kill; the last {took:.0f} s after it; {twice} twice"
    )
    assert took < 60, f"the last reader waited {took:.0f} s after the kill"
    assert twice <= 25, f"{twice} readers got the post twice"


@pytest.mark.fault(
    "the SQLite write lock held for 10 s, past the 2 s timeout",
    "the worker waits it out, says why, never exits, then runs the task",
)
def test_a_lock_held_past_the_timeout_does_not_stop_the_worker(site):
    with mail_server() as (mail, port):
        mailing_to(site, port, COPSE_SQLITE_TIMEOUT=2)
        worker = site.start("worker", log_name="worker")
        wait_for(
            lambda: site.sql("SELECT count(*) FROM workers_workerheartbeat")[0][0],
            timeout=60,
            what="the worker's first heartbeat",
        )
        site.copse("shell", "-c", ANSWER.format(later=3))
        holder = sqlite3.connect(site.database, timeout=30)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            time.sleep(10)
            assert worker.poll() is None, site.log("worker")[-2000:]
        finally:
            holder.rollback()
            holder.close()
        wait_for(lambda: mail.received, timeout=60, what="the task after the lock")
        assert worker.poll() is None
    log = site.log("worker")
    assert "the database is locked by another process; trying again in" in log
    assert "the database answers again" in log


@pytest.mark.fault(
    "the SMTP server down while mail is due",
    "nothing is lost: mail waits with the reason, the worker goes on, it all goes out later",
)
def test_mail_waits_while_the_mail_server_is_down(site):
    port = free_port()  # nothing listens here yet
    mailing_to(site, port)
    site.copse("shell", "-c", GARDEN.format(readers=5))
    worker = site.start("worker", log_name="worker")
    wait_for(
        lambda: (
            site.sql(
                "SELECT count(*) FROM mailing_outgoingmessage WHERE attempts > 0 AND state = 'queued'"
            )[0][0]
            == 5
        ),
        timeout=60,
        what="the messages to be deferred",
    )
    errors = site.sql("SELECT DISTINCT last_error FROM mailing_outgoingmessage")
    assert all("cannot reach the mail server" in error for (error,) in errors), errors
    assert worker.poll() is None
    with mail_server(port=port) as (mail, _):
        # The first retry is due a minute later; bring it forward.
        site.sql("UPDATE mailing_outgoingmessage SET next_attempt_at = '2000-01-01 00:00:00'")
        site.copse(
            "shell",
            "-c",
            "from copse.mailing.tasks import deliver_outbox; deliver_outbox.enqueue()",
        )
        wait_for(lambda: len(mail.recipients()) == 5, timeout=60, what="the mail to go out")
    assert worker.poll() is None


def _heartbeat_pids(site) -> set[int]:
    return {pid for (pid,) in site.sql("SELECT pid FROM workers_workerheartbeat")}


@pytest.mark.fault(
    "the worker beside `copse serve --with-worker` killed",
    "the site stays up and a new worker starts",
)
def test_serve_starts_its_worker_again(site):
    site.set_env(**QUICK_RECOVERY)
    port = free_port()
    site.start("serve", "--with-worker", "--port", str(port), "--workers", "1", log_name="serve")
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_status(f"{base}/healthz") == 200, timeout=90, what="a healthy site")
    (first_pid,) = _heartbeat_pids(site)
    os.kill(first_pid, signal.SIGKILL)
    wait_for(
        lambda: _heartbeat_pids(site) - {first_pid},
        timeout=30,
        what="a new worker's heartbeat",
    )
    assert http_status(f"{base}/healthz") == 200
    assert "starting it again" in site.log("serve")
