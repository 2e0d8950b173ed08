"""/healthz tells the truth: 503 with a reason for each way the site cannot do
its work, 200 otherwise; site admins see the same checks on the programme page."""

import datetime as dt
import sqlite3
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse import testing
from copse.workers.models import WorkerHeartbeat

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def health():
    response = Client().get("/healthz")
    return response.status_code, response.json()


def beat(seconds_ago: float = 0, **fields):
    now = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=fields.pop("worker_id", "w1"),
        hostname="host",
        pid=1,
        started_at=now,
        beat_at=now,
        **fields,
    )


def test_all_is_well_is_200(db):
    status, body = health()
    assert status == 200
    assert body["status"] == "ok"
    assert "reason" not in body


def test_a_database_that_takes_no_writes_is_503(db):
    def refuse_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise OperationalError("database or disk is full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        status, body = health()
    assert status == 503
    assert body["database"] == "failing"
    assert "cannot be written" in body["reason"]
    assert "full" in body["reason"]


def test_a_data_folder_that_cannot_be_written_is_503(db, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with override_settings(MEDIA_ROOT=not_a_folder / "uploads"):
        status, body = health()
    assert status == 503
    assert body["checks"]["storage"] == "failing"
    assert "not writable" in body["reason"]


def test_a_data_folder_short_of_space_is_503(db):
    with override_settings(COPSE_HEALTH_MIN_FREE_BYTES=10**18):
        status, body = health()
    assert status == 503
    assert "MB free" in body["reason"]


@override_settings(TASKS=DB_QUEUE)
def test_no_worker_at_all_is_503(db):
    status, body = health()
    assert status == 503
    assert body["checks"]["workers"] == "failing"
    assert "no task worker is running" in body["reason"]


@override_settings(TASKS=DB_QUEUE, COPSE_WORKER_STALE_SECONDS=30)
def test_a_silent_worker_is_503_and_a_beating_one_200(db):
    row = beat(seconds_ago=45)
    status, body = health()
    assert status == 503
    assert "no worker heartbeat for 45 s" in body["reason"]
    row.beat_at = timezone.now()
    row.save()
    assert health()[0] == 200


@override_settings(TASKS=DB_QUEUE)
def test_a_worker_that_said_it_stopped_does_not_count(db):
    beat(stopped_at=timezone.now())
    assert health()[0] == 503


def _task(**fields):
    return DBTaskResult.objects.create(
        task_path="copse.mailing.tasks.deliver_outbox",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        **fields,
    )


@override_settings(COPSE_HEALTH_TASK_DELAY_SECONDS=600)
def test_a_task_due_long_ago_is_503(db):
    task = _task(run_after=timezone.now() - dt.timedelta(minutes=5))
    assert health()[0] == 200
    DBTaskResult.objects.filter(pk=task.pk).update(
        run_after=timezone.now() - dt.timedelta(minutes=20)
    )
    status, body = health()
    assert status == 503
    assert body["checks"]["queue"] == "failing"
    assert "oldest task due has waited" in body["reason"]
    assert body["pending_tasks"] == 1


def test_a_task_deferred_to_later_is_not_late(db):
    _task(run_after=timezone.now() + dt.timedelta(hours=3))
    assert health()[0] == 200


@override_settings(COPSE_HEALTH_OUTBOX_FAILING_SECONDS=3600)
def test_mail_failing_for_hours_is_503(db):
    from copse.mailing.models import OutgoingMessage

    person = testing.make_user()
    row = OutgoingMessage.objects.create(
        recipient=person,
        kind=OutgoingMessage.Kind.DIGEST,
        next_attempt_at=timezone.now(),
        attempts=3,
        last_error="cannot reach the mail server",
    )
    assert health()[0] == 200  # failing, but not for long yet
    OutgoingMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    status, body = health()
    assert status == 503
    assert "1 messages have been failing for over 1 h" in body["reason"]


@override_settings(TASKS=DB_QUEUE)
def test_the_web_scope_leaves_workers_out(db):
    assert health()[0] == 503
    assert Client().get("/healthz?scope=web").status_code == 200


@override_settings(TASKS=DB_QUEUE, COPSE_HEALTH_MIN_FREE_BYTES=10**18)
def test_site_admins_see_the_checks_on_the_programme_page(db):
    admin = testing.make_site_admin()
    beat(seconds_ago=2, problem="the database is locked by another process")
    client = Client()
    client.force_login(admin)
    page = client.get("/programme/").content.decode()
    assert "Something needs attention" in page
    assert "MB free" in page
    assert "Waiting: the database is locked by another process" in page


def test_nobody_else_sees_the_programme_page(roles):
    _, people = roles
    for role, person in people.items():
        if role == "site_admin":
            continue
        client = Client()
        if person is not None:
            client.force_login(person)
        assert client.get("/programme/").status_code in (302, 404), role


@contextmanager
def write_lock_held_elsewhere():
    """Another process holds the write lock (SQLite) or a lock on the probe's
    table (PostgreSQL) until the block ends."""
    from copse.workers.models import HealthProbe

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(settings_dict["NAME"], timeout=5)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        import psycopg

        holder = psycopg.connect(
            dbname=settings_dict["NAME"],
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432,
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"],
        )
        holder.execute(f"LOCK TABLE {HealthProbe._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.django_db(transaction=True)
def test_the_health_check_never_waits_out_a_long_lock():
    """A lock held by another process makes the check fail in about two
    seconds, not after the 30 s a request would wait for it."""
    with write_lock_held_elsewhere():
        started = time.monotonic()
        status, body = health()
        took = time.monotonic() - started
    assert status == 503
    assert "the database cannot be written" in body["reason"]
    assert took < 10
    assert health()[0] == 200
