"""Background work for member imports: forgetting lists once they expire."""

from django_tasks import task


def schedule_forgetting(when) -> None:
    """Queue the forgetting for the moment a list expires (where the task
    backend can wait; otherwise the next upload forgets expired lists)."""
    from django_tasks import default_task_backend

    if default_task_backend.supports_defer:
        forget_expired_imports.using(run_after=when).enqueue()


@task()
def forget_expired_imports() -> int:
    from copse.member_imports.expiry import forget_expired

    return forget_expired()


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "forget_expired_imports": "deleting lists already deleted deletes nothing",
}
