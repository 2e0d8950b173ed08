"""Tasks whose worker died: found by a stale heartbeat, then run again or failed.

A worker killed mid-task (SIGKILL, out of memory, a machine lost) leaves its
task RUNNING for ever: nothing in the queue library notices. Every live
worker looks, now and then, for RUNNING tasks whose worker has not beaten
for COPSE_WORKER_STALE_SECONDS. Such a task is put back in the queue when it
is safe to repeat, or marked failed (and shown to site admins) when it is not,
or when it has already taken down that many workers (COPSE_WORKER_MAX_ATTEMPTS:
a task that kills its worker every time must not kill them all in turn).

Each tasks module says which of its tasks are safe to repeat and why, in
SAFE_TO_REPEAT; a task it lists in NOT_SAFE_TO_REPEAT (with the reason), or
does not list at all, is never repeated.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse.workers.models import WorkerHeartbeat

log = logging.getLogger("copse.workers")

WORKER_LOST = "copse.workers.recovery.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped before the task ended."""


@dataclass(frozen=True)
class RepeatPolicy:
    safe: bool
    why: str


def repeat_policy(task_path: str) -> RepeatPolicy:
    module_name, _, name = task_path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return RepeatPolicy(False, "its code is gone")
    safe = getattr(module, "SAFE_TO_REPEAT", {})
    if name in safe:
        return RepeatPolicy(True, safe[name])
    unsafe = getattr(module, "NOT_SAFE_TO_REPEAT", {})
    return RepeatPolicy(False, unsafe.get(name, "it does not say it is safe to repeat"))


def stale_limit() -> dt.timedelta:
    return dt.timedelta(seconds=settings.COPSE_WORKER_STALE_SECONDS)


def live_worker_ids(now: dt.datetime) -> set[str]:
    return set(
        WorkerHeartbeat.objects.filter(
            beat_at__gte=now - stale_limit(), stopped_at__isnull=True
        ).values_list("worker_id", flat=True)
    )


def recover_abandoned(now: dt.datetime | None = None) -> dict[str, int]:
    """Requeue or fail every RUNNING task whose worker is not alive. Safe to
    run from several workers at once: each change is conditional on the task
    still being the same run."""
    now = now or timezone.now()
    alive = live_worker_ids(now)
    counts = {"requeued": 0, "failed": 0}
    # A task just claimed may belong to a worker whose first beat is not in
    # yet: only runs older than the stale limit are looked at.
    abandoned = DBTaskResult.objects.running().filter(started_at__lt=now - stale_limit())
    for result in abandoned.only("id", "task_path", "worker_ids", "started_at"):
        owner = result.worker_ids[-1] if result.worker_ids else ""
        if owner in alive:
            continue
        outcome = release(result, now=now, why=f"its worker {owner or '?'} stopped")
        if outcome:
            counts[outcome] += 1
    # Rows of workers gone for a day tell nobody anything.
    WorkerHeartbeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()
    return counts


def release(result: DBTaskResult, *, now: dt.datetime, why: str) -> str:
    """Put one abandoned run back in the queue, or fail it. Returns
    "requeued", "failed" or "" (someone else got there first)."""
    with transaction.atomic():
        return _release(result, now=now, why=why)


def _release(result: DBTaskResult, *, now: dt.datetime, why: str) -> str:
    policy = repeat_policy(result.task_path)
    attempts = len(result.worker_ids)
    same_run = DBTaskResult.objects.filter(
        pk=result.pk, status="RUNNING", started_at=result.started_at
    )
    if policy.safe and attempts < settings.COPSE_WORKER_MAX_ATTEMPTS:
        if same_run.update(status="READY", started_at=None):
            log.warning(
                "task %s (%s) requeued: %s (attempt %s of %s)",
                result.pk,
                result.task_path,
                why,
                attempts,
                settings.COPSE_WORKER_MAX_ATTEMPTS,
            )
            return "requeued"
        return ""
    if policy.safe:
        reason = f"{why}; it had taken down {attempts} workers, so it is not tried again"
    else:
        reason = f"{why}; not repeated because {policy.why}"
    updated = same_run.update(
        status="FAILED",
        finished_at=now,
        exception_class_path=WORKER_LOST,
        traceback=f"WorkerLost: {reason}\n",
        return_value=None,
    )
    if updated:
        log.error("task %s (%s) failed: %s", result.pk, result.task_path, reason)
        return "failed"
    return ""
