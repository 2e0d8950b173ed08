"""What the running processes say about themselves: each task worker's heartbeat."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per `copse worker` process, written every few seconds while it
    lives. A task left RUNNING by a worker whose heartbeat went stale was
    abandoned (the process died) and is recovered; /healthz fails when no
    worker has beaten recently."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    # The task it is running now, and the fault it is waiting out (a locked or
    # full database…); empty when all is well. Never any content.
    task_id = models.CharField(max_length=64, blank=True)
    problem = models.CharField(max_length=300, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self):
        return f"worker {self.worker_id} on {self.hostname} (pid {self.pid})"


class HealthProbe(models.Model):
    """A single row /healthz writes to prove the database takes writes."""

    checked_at = models.DateTimeField()

    def __str__(self):
        return f"health probe at {self.checked_at:%Y-%m-%d %H:%M:%S}"
