"""What /healthz checks, and the programme page shows site admins: can the
site do its work right now? Each check answers in words an operator acts on,
and none of them reads or shows any content."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copse.workers.loop import reason_for

log = logging.getLogger("copse.workers")


# Each check's name as the programme page heads its row. The names
# themselves, and the details, are /healthz's: in English for every caller,
# as monitors and operators' logs read them.
CHECK_LABELS = {
    "database": _("Database"),
    "storage": _("Storage"),
    "workers": _("Workers"),
    "queue": _("Queue"),
    "outbox": _("Outbox"),
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return CHECK_LABELS.get(self.name, self.name.capitalize())


@contextmanager
def _short_waits():
    """A health check must answer in a few seconds, not wait out the 30 s a
    request would for a lock."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (previous,) = cursor.fetchone()
            cursor.execute("PRAGMA busy_timeout = 2000")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
    else:
        yield


def database_writable() -> Check:
    from copse.workers.models import HealthProbe

    try:
        with _short_waits(), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = 2000")
            HealthProbe.objects.update_or_create(pk=1, defaults={"checked_at": timezone.now()})
    except (DatabaseError, InterfaceError) as error:
        log.warning("health: the database cannot be written: %s", error)
        return Check("database", False, f"the database cannot be written: {reason_for(error)}")
    return Check("database", True)


def _folders() -> list[Path]:
    folders = [Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)]
    return list(dict.fromkeys(folder for folder in folders))


def storage_writable() -> Check:
    for folder in _folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Writing a file is the only honest test: permissions, a
            # read-only mount and quotas all show here.
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".health-") as probe:
                probe.write(b"ok")
                probe.flush()
                os.fsync(probe.fileno())
            free = shutil.disk_usage(folder).free
        except OSError as error:
            return Check("storage", False, f"{folder} is not writable ({error.strerror})")
        if free < settings.COPSE_HEALTH_MIN_FREE_BYTES:
            return Check(
                "storage",
                False,
                f"{folder} has {free // 1_000_000} MB free, "
                f"under {settings.COPSE_HEALTH_MIN_FREE_BYTES // 1_000_000} MB",
            )
    return Check("storage", True)


def uses_worker_queue() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db.")


def workers_alive(now: dt.datetime) -> Check:
    from copse.workers.models import WorkerHeartbeat

    if not uses_worker_queue():
        return Check("workers", True, "tasks run in the web process")
    try:
        latest = (
            WorkerHeartbeat.objects.filter(stopped_at__isnull=True)
            .order_by("-beat_at")
            .values_list("beat_at", flat=True)
            .first()
        )
    except (DatabaseError, InterfaceError) as error:
        return Check("workers", False, f"cannot read heartbeats: {reason_for(error)}")
    if latest is None:
        return Check("workers", False, "no task worker is running (start `copse worker`)")
    silent = (now - latest).total_seconds()
    if silent > settings.COPSE_WORKER_STALE_SECONDS:
        return Check("workers", False, f"no worker heartbeat for {silent:.0f} s")
    return Check("workers", True)


def queue_moving(now: dt.datetime) -> tuple[Check, int | None]:
    from django_tasks_db.models import DBTaskResult, get_date_max

    try:
        ready = DBTaskResult.objects.ready()
        waiting = ready.count()
        due = ready.aggregate(
            queued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
            deferred=Min("run_after", filter=~Q(run_after=get_date_max())),
        )
    except (DatabaseError, InterfaceError) as error:
        return Check("queue", False, f"cannot read the task queue: {reason_for(error)}"), None
    oldest = min((moment for moment in due.values() if moment is not None), default=None)
    if oldest is not None:
        late = (now - oldest).total_seconds()
        if late > settings.COPSE_HEALTH_TASK_DELAY_SECONDS:
            return Check("queue", False, f"the oldest task due has waited {late:.0f} s"), waiting
    return Check("queue", True), waiting


def outbox_flowing(now: dt.datetime) -> Check:
    from copse.mailing.models import OutgoingMessage

    limit = now - dt.timedelta(seconds=settings.COPSE_HEALTH_OUTBOX_FAILING_SECONDS)
    try:
        failing = OutgoingMessage.objects.filter(
            state=OutgoingMessage.State.QUEUED, attempts__gt=0, created_at__lt=limit
        ).count()
    except (DatabaseError, InterfaceError) as error:
        return Check("outbox", False, f"cannot read the outbox: {reason_for(error)}")
    if failing:
        hours = settings.COPSE_HEALTH_OUTBOX_FAILING_SECONDS / 3600
        return Check("outbox", False, f"{failing} messages have been failing for over {hours:g} h")
    return Check("outbox", True)


@dataclass(frozen=True)
class Report:
    checks: list[Check]
    pending_tasks: int | None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def reason(self) -> str:
        return "; ".join(check.detail for check in self.checks if not check.ok)


def run_checks(*, scope: str = "all") -> Report:
    """`scope="web"` checks only what this web process needs (database and
    storage): a load balancer should not take every web process out of
    rotation because the workers are down."""
    now = timezone.now()
    checks = [database_writable(), storage_writable()]
    pending = None
    if scope != "web":
        queue, pending = queue_moving(now)
        checks += [workers_alive(now), queue, outbox_flowing(now)]
    return Report(checks, pending)
