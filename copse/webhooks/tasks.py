"""Background work for webhooks: sending a delivery (and trying again
later), and the sweep that sends whatever is due but was lost by the queue
and forgets old deliveries."""

import datetime as dt

from django_tasks import task

from copse.webhooks import sending

SWEEP_EVERY = dt.timedelta(minutes=10)


@task()
def deliver(delivery_id: int) -> str:
    return sending.attempt_delivery(delivery_id, try_again=try_again_at)


def try_again_at(delivery_id: int, when: dt.datetime) -> bool:
    """Queue the next try where the backend can run work later; otherwise
    (the immediate backend of the tests) the sweep, or a test, tries it."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    deliver.using(run_after=when).enqueue(delivery_id)
    return True


@task()
def sweep_deliveries() -> dict:
    """Send what is due and held by nobody, forget what is old, and come
    back in SWEEP_EVERY."""
    from django.utils import timezone
    from django_tasks import default_task_backend

    tried = sending.deliver_due(try_again=try_again_at)
    forgotten = sending.forget_old()
    if default_task_backend.supports_defer:
        sweep_deliveries.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()
    return {"tried": tried, "forgotten": forgotten}


def ensure_sweep_planned() -> bool:
    """Start the sweep unless it is already waiting in the queue. Called when
    a worker starts."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.sweep_deliveries", status__in=["READY", "RUNNING"]
    ).exists()
    if not waiting:
        sweep_deliveries.enqueue()
    return not waiting


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "deliver": "a delivery is leased before it is sent and sent only while pending: a "
    "repeat finds it done, or sends it again under the same Copse-Delivery id, which "
    "receivers use to ignore a second copy",
    "sweep_deliveries": "it tries only what is due and held by nobody, and forgets only "
    "what is old",
}
