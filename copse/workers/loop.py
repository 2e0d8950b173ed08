"""The task worker's loop: django-tasks-db's worker, made to survive a database
that cannot be written for a while, to beat a heartbeat, and to recover tasks
whose worker died.

The library's loop opens its polling transaction outside the code that
tolerates "database is locked", so a write lock held past the busy timeout (or
a full disk, or a read-only data folder) ends the worker process. Here every
round of the loop is guarded: a database or storage fault is logged with its
reason, waited out with a growing pause, and the loop goes on. A worker exits
only when it is told to.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from copse.core import storage
from copse.workers import recovery
from copse.workers.models import WorkerHeartbeat

log = logging.getLogger("copse.workers")

# What a failed database call means, in words an operator acts on. (Which
# failures count as the storage's rather than the task's is
# core.storage.failure_of's to say.)
_REASONS = (
    ("is locked", "the database is locked by another process"),
    ("disk is full", "the disk holding the database is full"),
    ("no space left", "the disk is full"),
    ("readonly database", "the database file or its folder is read-only"),
    ("read-only", "the database is read-only"),
    ("disk i/o error", "the disk reported an input/output error"),
    ("unable to open database", "the database file cannot be opened"),
    ("could not extend file", "the disk holding the database is full"),
    ("read-only transaction", "the database is read-only"),
    ("connection", "the database server cannot be reached"),
    ("server closed", "the database server closed the connection"),
    ("terminating", "the database server is shutting down"),
)


# A database server gone for a while passes too (core.storage names the rest).
_CONNECTION_LOST = ("connection", "server closed", "terminating")


def is_storage_fault(error: BaseException) -> bool:
    """A fault of the database or its disk, which passes, rather than of the task."""
    text = str(error).lower()
    return bool(storage.failure_of(error)) or any(phrase in text for phrase in _CONNECTION_LOST)


def reason_for(error: BaseException) -> str:
    text = str(error).lower()
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    return f"{type(error).__name__}: {str(error)[:200]}"


class Backoff:
    """Pauses that double from `first` up to `most`, with some jitter so that
    several workers do not knock on the database together."""

    def __init__(self, first: float = 0.5, most: float = 30.0):
        self.first, self.most = first, most
        self.failures = 0

    def reset(self) -> None:
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        pause = min(self.most, self.first * 2 ** min(self.failures - 1, 16))
        return pause * (0.8 + 0.4 * random.random())


class Heartbeat(threading.Thread):
    """Writes this worker's heartbeat every COPSE_WORKER_HEARTBEAT_SECONDS from
    its own thread (and database connection), so a long task does not look
    like a dead worker."""

    def __init__(self, worker: CopseWorker):
        super().__init__(name="copse-heartbeat", daemon=True)
        self.worker = worker
        self.stopping = threading.Event()
        self._logged_failure_at = 0.0

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.beat()
                self.stopping.wait(settings.COPSE_WORKER_HEARTBEAT_SECONDS)
        finally:
            with contextlib.suppress(Exception):
                connection.close()

    def beat(self) -> bool:
        worker = self.worker
        now = timezone.now()
        values = {
            "beat_at": now,
            "task_id": worker.current_task_id,
            "problem": worker.problem[:300],
            "stopped_at": None,
        }
        try:
            with transaction.atomic():
                self._write(values, now)
            return True
        except DatabaseError as error:
            # The main loop logs the fault and waits; say it here once a minute.
            if time.monotonic() - self._logged_failure_at > 60:
                log.warning(
                    "worker %s: heartbeat not written: %s", worker.worker_id, reason_for(error)
                )
                self._logged_failure_at = time.monotonic()
            _start_afresh()
            return False

    def _write(self, values: dict, now) -> None:
        worker_id = self.worker.worker_id
        if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**values):
            WorkerHeartbeat.objects.create(
                worker_id=worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                **values,
            )


def _drop_stale_connections() -> None:
    """As Django does between requests. (Inside an atomic block, a test's,
    Django would close the block's own connection.)"""
    if not connection.in_atomic_block:
        close_old_connections()


def _start_afresh() -> None:
    """Drop a connection that failed mid-transaction (it may be unusable);
    the next query opens a new one. Inside an atomic block (a test's) the
    block's owner decides."""
    if not connection.in_atomic_block:
        with contextlib.suppress(Exception):
            connection.close()


class CopseWorker(Worker):
    def __init__(self, *, startup=None, beat_in_thread: bool = True, **options):
        super().__init__(**options)
        self.beat_in_thread = beat_in_thread
        self.startup = startup  # run once, as soon as the database allows
        self.current_task_id = ""
        self.problem = ""
        self.backoff = Backoff()
        self.next_recovery = 0.0
        self.heartbeat = Heartbeat(self)

    def run(self) -> None:
        log.info("worker %s starting (pid %s)", self.worker_id, os.getpid())
        if self.beat_in_thread:
            self.heartbeat.start()
        if self.startup_delay and self.interval:
            time.sleep(random.random())
        try:
            self._loop()
        finally:
            self.heartbeat.stopping.set()
            self._say_stopped()

    def _loop(self) -> None:
        while self.running:
            try:
                _drop_stale_connections()
                if not self.beat_in_thread:
                    self.heartbeat.beat()
                if self.startup is not None:
                    self.startup()
                    self.startup = None
                self._recover_when_due()
                task_result, retrieved = self._claim_next()
            except (DatabaseError, InterfaceError) as error:
                self._wait_out(error)
                continue
            if self.problem:
                log.info("worker %s: the database answers again", self.worker_id)
            self.problem = ""
            self.backoff.reset()

            if task_result is not None:
                self.run_task(task_result)

            if self.batch and retrieved and task_result is None:
                log.info("worker %s: no more tasks, exiting", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            _drop_stale_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def _claim_next(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result, True

    def _recover_when_due(self) -> None:
        if time.monotonic() < self.next_recovery:
            return
        counts = recovery.recover_abandoned()
        if any(counts.values()):
            log.warning("worker %s recovered abandoned tasks: %s", self.worker_id, counts)
        # Often enough that a dead worker's task waits about one stale limit.
        self.next_recovery = time.monotonic() + settings.COPSE_WORKER_STALE_SECONDS / 3

    def _wait_out(self, error: Exception) -> None:
        pause = self.backoff.next()
        self.problem = reason_for(error)
        log.warning(
            "worker %s: %s; trying again in %.1f s (attempt %s)",
            self.worker_id,
            self.problem,
            pause,
            self.backoff.failures,
        )
        _start_afresh()
        time.sleep(pause)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task and record its outcome. Unlike the library's
        version, a task that fails because the database failed under it (a
        lock held too long, a full disk) is put back in the queue rather than
        failed for good, and an outcome that cannot be written does not leave
        the task RUNNING under a live heartbeat, where nothing would recover it."""
        self.running_task = True
        self.current_task_id = str(db_task_result.id)
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            sender = type(task.get_backend())
            task_started.send(sender=sender, task_result=task_result)
            arguments = (task_result.args, task_result.kwargs)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *arguments[0], **arguments[1]
                )
            else:
                value = task.call(*arguments[0], **arguments[1])
        except DatabaseError as error:
            if not is_storage_fault(error):
                self._record(db_task_result, failed=error)
            else:
                self._wait_out(error)
                self._release_until_written(
                    db_task_result, why=f"the database failed under it ({reason_for(error)})"
                )
        except BaseException as error:  # the task's own failure is its outcome
            self._record(db_task_result, failed=error)
        else:
            self._record(db_task_result, value=value)
        finally:
            self.running_task = False
            self.current_task_id = ""
            self._run_tasks += 1

    def _record(self, db_task_result: DBTaskResult, *, value=None, failed=None) -> None:
        try:
            if failed is None:
                db_task_result.set_successful(value)
            else:
                db_task_result.set_failed(failed)
        except DatabaseError as error:
            log.warning(
                "worker %s: outcome of task %s not recorded: %s",
                self.worker_id,
                db_task_result.id,
                reason_for(error),
            )
            self._release_until_written(
                db_task_result, why="its outcome could not be written to the database"
            )
            return
        with contextlib.suppress(Exception):
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )

    def _release_until_written(self, db_task_result: DBTaskResult, *, why: str) -> None:
        backoff = Backoff()
        while True:
            try:
                _start_afresh()
                recovery.release(
                    db_task_result,
                    now=timezone.now(),
                    why=why,
                )
                return
            except DatabaseError as error:
                if not self.running:
                    return  # the heartbeat stops; another worker recovers it
                self.problem = reason_for(error)
                time.sleep(backoff.next())

    def _say_stopped(self) -> None:
        with contextlib.suppress(Exception):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                stopped_at=timezone.now(), task_id=""
            )
