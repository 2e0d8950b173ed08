"""What site admins see of the workers on the programme page. No content."""

from copse.workers.models import WorkerHeartbeat
from copse.workers.recovery import failed_tasks, lost_tasks


def recent_workers(limit: int = 20) -> list[WorkerHeartbeat]:
    return list(WorkerHeartbeat.objects.order_by("-beat_at")[:limit])


def lost_task_rows(limit: int = 20):
    return lost_tasks(limit)


def failed_task_rows(limit: int = 20):
    return failed_tasks(limit)
