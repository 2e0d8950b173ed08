"""Background work for exports: making an archive, and, every hour, removing
the archives that expired (and any file no export names any more).

Tasks take an export's id and read it fresh: `building.build` checks again
that its requester may still have it before it reads anything.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(hours=1)


@task()
def build_export(export_id: int) -> str:
    """Make one export's archive, reporting its progress on the export's row."""
    from copse.exports import building

    return building.build(export_id)


@task()
def remove_expired_exports() -> dict:
    """Delete the files of expired exports and mark them expired; mark
    failed what was lost on the way; remove files left by a worker that died
    mid-way; and come back in an hour."""
    from django_tasks import default_task_backend

    from copse.exports import cleanup

    now = timezone.now()
    removed = cleanup.remove_expired(now)
    lost = cleanup.fail_lost(now)
    strays = cleanup.remove_strays(now)
    if default_task_backend.supports_defer:
        remove_expired_exports.using(run_after=now + SWEEP_EVERY).enqueue()
    return {"expired": removed, "lost": lost, "strays": strays}


def ensure_export_sweep_planned() -> bool:
    """Start the hourly sweep unless it is already waiting in the queue.
    Called when a worker starts."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.remove_expired_exports", status__in=["READY", "RUNNING"]
    ).exists()
    if not waiting:
        remove_expired_exports.enqueue()
    return not waiting


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "build_export": (
        "a finished export is left alone, and one left half-made is made again from the "
        "start into a new file"
    ),
    "remove_expired_exports": (
        "it removes only what has expired or belongs to no export, and fails only what "
        "is still under way a day on"
    ),
}
