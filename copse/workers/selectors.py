"""What site admins see of the workers on the programme page. No content."""

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse.workers.models import WorkerHeartbeat
from copse.workers.recovery import WORKER_LOST


def recent_workers(limit: int = 20) -> list[WorkerHeartbeat]:
    return list(WorkerHeartbeat.objects.order_by("-beat_at")[:limit])


def lost_tasks(limit: int = 20):
    """Recent runs failed because their worker died, for site admins. Only
    the task's name and when: arguments are ids, and no content is shown."""
    return list(
        DBTaskResult.objects.filter(status="FAILED", exception_class_path=WORKER_LOST)
        .order_by("-finished_at")
        .only("id", "task_path", "finished_at", "traceback", "worker_ids")[:limit]
    )


def failed_tasks(limit: int = 20, days: int = 7):
    """Recent runs that failed by themselves, for site admins: the task's
    name, when, and the kind of error. Never its arguments, its message or
    its traceback, which may quote content."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        DBTaskResult.objects.filter(status="FAILED", finished_at__gte=since)
        .exclude(exception_class_path=WORKER_LOST)
        .order_by("-finished_at")
        .only("id", "task_path", "finished_at", "exception_class_path")[:limit]
    )
