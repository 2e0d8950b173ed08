"""The worker loop waits out a database that cannot be written, never exits
for it, and records why; a task the database failed under is run again."""

import logging

import pytest
from django.db import OperationalError, connection
from django_tasks_db.models import DBTaskResult

from copse.workers import loop
from copse.workers.models import WorkerHeartbeat
from copse.workers.tests import tasks_for_tests

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _queue_in_the_database(settings):
    settings.TASKS = DB_QUEUE
    tasks_for_tests.CALLS.clear()


@pytest.fixture
def no_pauses(monkeypatch):
    pauses = []
    monkeypatch.setattr(loop.time, "sleep", pauses.append)
    return pauses


def make_worker(**options):
    defaults = dict(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        # Beats from a thread would write outside the test's transaction.
        beat_in_thread=False,
    )
    return loop.CopseWorker(**{**defaults, **options})


class FailFirst:
    """A database that fails the first `times` statements starting with one of
    `verbs`. (Savepoint statements are left alone: the test's own transaction
    must survive.)"""

    def __init__(self, message: str, times: int, verbs=("SELECT", "INSERT", "UPDATE", "DELETE")):
        self.message, self.left, self.verb = message, times, tuple(verbs)

    def __call__(self, execute, sql, params, many, context):
        if self.left and sql.lstrip().upper().startswith(self.verb):
            self.left -= 1
            raise OperationalError(self.message)
        return execute(sql, params, many, context)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("database is locked", "locked by another process"),
        ("database or disk is full", "disk holding the database is full"),
        ("attempt to write a readonly database", "read-only"),
    ],
)
def test_a_failing_database_is_waited_out_and_logged(db, no_pauses, caplog, message, reason):
    tasks_for_tests.record_call.enqueue("after the fault")
    worker = make_worker()
    caplog.set_level(logging.WARNING, logger="copse.workers")
    # Reads fail: the heartbeat (a write) goes on, the polling waits.
    with connection.execute_wrapper(FailFirst(message, times=4, verbs=["SELECT"])):
        worker.run()  # batch mode: returns once the queue is empty
    assert tasks_for_tests.CALLS == ["after the fault"]
    waits = [record for record in caplog.records if "trying again in" in record.getMessage()]
    assert len(waits) == 4
    assert reason in waits[0].getMessage()
    # The pauses grow: the worker backs off rather than hammering the database.
    assert no_pauses[:4] == sorted(no_pauses[:4])
    assert no_pauses[3] > no_pauses[0] * 4


def test_pauses_stop_growing_at_thirty_seconds():
    backoff = loop.Backoff()
    pauses = [backoff.next() for _ in range(20)]
    assert max(pauses) <= 30 * 1.2
    assert pauses[-1] >= 30 * 0.8


def test_a_task_the_database_failed_under_runs_again(db, no_pauses):
    result = tasks_for_tests.stumble_on_the_database.enqueue()
    make_worker().run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    assert tasks_for_tests.CALLS == ["stumbled", "stumbled"]
    assert row.worker_ids == ["test-worker", "test-worker"]


def test_a_task_that_fails_by_itself_fails_once(db, no_pauses):
    result = tasks_for_tests.fail_on_purpose.enqueue()
    make_worker().run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED"
    assert row.exception_class_path == "builtins.ValueError"
    assert len(row.worker_ids) == 1


@pytest.mark.django_db(transaction=True)
def test_an_outcome_that_cannot_be_written_does_not_leave_the_task_running(no_pauses):
    # Outside a test transaction, as the worker runs: a failed write there
    # would break the test's own transaction for good.
    result = tasks_for_tests.record_call.enqueue("once")
    # The claim's UPDATE passes; the next three (the library's retries of
    # recording success) fail; releasing the task then works.
    wrapper = FailFirst("database is locked", times=0, verbs=["UPDATE"])

    def arm(*args, **kwargs):
        wrapper.left = 3

    worker = make_worker(max_tasks=1, batch=False)
    original = worker.run_task

    def run_task(db_task_result):
        arm()
        original(db_task_result)

    worker.run_task = run_task
    with connection.execute_wrapper(wrapper):
        worker.run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "READY"  # back in the queue, not stuck RUNNING
    make_worker().run()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


def test_the_worker_beats_and_says_when_it_stopped(db, no_pauses):
    worker = make_worker()
    assert worker.heartbeat.beat() is True
    row = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert row.stopped_at is None
    worker.run()
    row.refresh_from_db()
    assert row.stopped_at is not None


def test_a_heartbeat_that_cannot_be_written_does_not_stop_the_worker(db, caplog):
    worker = make_worker()
    with connection.execute_wrapper(FailFirst("database is locked", times=5)):
        assert worker.heartbeat.beat() is False
    assert "heartbeat not written" in caplog.text


def test_startup_work_waits_for_the_database(db, no_pauses):
    done = []
    worker = make_worker(startup=lambda: done.append(connection.vendor))
    with connection.execute_wrapper(FailFirst("database is locked", times=2)):
        worker.run()
    assert len(done) == 1
