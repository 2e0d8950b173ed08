"""Tasks left RUNNING by a worker that died are run again when safe to repeat,
or failed and shown to site admins when not."""

import datetime as dt
import importlib
import pkgutil

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.compat import Task
from django_tasks_db.models import DBTaskResult

import copse
from copse import testing
from copse.workers import recovery
from copse.workers.models import WorkerHeartbeat

HERE = "copse.workers.tests.tasks_for_tests"


def running(task_name: str, *, started_seconds_ago: float, worker_ids=("dead-worker",)):
    return DBTaskResult.objects.create(
        task_path=f"{HERE}.{task_name}",
        args_kwargs={"args": [], "kwargs": {"label": "x"}},
        backend_name="default",
        status="RUNNING",
        started_at=timezone.now() - dt.timedelta(seconds=started_seconds_ago),
        worker_ids=list(worker_ids),
        run_after=timezone.now() - dt.timedelta(minutes=5),
    )


def beat(worker_id: str, seconds_ago: float = 0):
    now = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, started_at=now, beat_at=now
    )


@override_settings(COPSE_WORKER_STALE_SECONDS=30)
def test_the_task_of_a_dead_worker_goes_back_in_the_queue(db):
    beat("dead-worker", seconds_ago=120)
    task = running("record_call", started_seconds_ago=120)
    assert recovery.recover_abandoned() == {"requeued": 1, "failed": 0}
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.started_at is None
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()


@override_settings(COPSE_WORKER_STALE_SECONDS=30)
def test_a_worker_that_never_beat_counts_as_dead(db):
    task = running("record_call", started_seconds_ago=120)
    recovery.recover_abandoned()
    task.refresh_from_db()
    assert task.status == "READY"


@override_settings(COPSE_WORKER_STALE_SECONDS=30)
def test_the_task_of_a_live_worker_is_left_alone_however_long(db):
    beat("busy-worker", seconds_ago=2)
    task = running("record_call", started_seconds_ago=3600, worker_ids=["busy-worker"])
    assert recovery.recover_abandoned() == {"requeued": 0, "failed": 0}
    task.refresh_from_db()
    assert task.status == "RUNNING"


@override_settings(COPSE_WORKER_STALE_SECONDS=30)
def test_a_task_just_claimed_waits_for_its_worker_first_beat(db):
    task = running("record_call", started_seconds_ago=5, worker_ids=["new-worker"])
    recovery.recover_abandoned()
    task.refresh_from_db()
    assert task.status == "RUNNING"


@override_settings(COPSE_WORKER_STALE_SECONDS=30)
def test_a_task_not_safe_to_repeat_fails_and_site_admins_see_it(db):
    task = running("charge_card", started_seconds_ago=120)
    assert recovery.recover_abandoned() == {"requeued": 0, "failed": 1}
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == recovery.WORKER_LOST
    assert "a second run would charge twice" in task.traceback
    admin = Client()
    admin.force_login(testing.make_site_admin())
    page = admin.get("/programme/").content.decode()
    assert "charge_card" in page
    assert "a second run would charge twice" in page


@override_settings(COPSE_WORKER_STALE_SECONDS=30, COPSE_WORKER_MAX_ATTEMPTS=3)
def test_a_task_that_took_down_its_workers_is_not_tried_again(db):
    task = running("record_call", started_seconds_ago=120, worker_ids=["a", "b", "c"])
    assert recovery.recover_abandoned() == {"requeued": 0, "failed": 1}
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert "taken down 3 workers" in task.traceback


@override_settings(COPSE_WORKER_STALE_SECONDS=30)
def test_two_recoveries_at_once_requeue_a_task_once(db):
    task = running("record_call", started_seconds_ago=120)
    stale_copy = DBTaskResult.objects.get(pk=task.pk)
    assert recovery.release(task, now=timezone.now(), why="test") == "requeued"
    # The second worker read the same row before the first one released it.
    assert recovery.release(stale_copy, now=timezone.now(), why="test") == ""


def test_heartbeats_of_workers_gone_a_day_are_forgotten(db):
    beat("old", seconds_ago=2 * 86400)
    beat("recent", seconds_ago=10)
    recovery.recover_abandoned()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]


def _all_tasks():
    for module_info in pkgutil.walk_packages(copse.__path__, "copse."):
        if not module_info.name.endswith(".tasks") or ".tests" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, Task) and value.func.__module__ == module.__name__:
                yield module, name


def test_every_task_says_whether_it_is_safe_to_repeat():
    found = list(_all_tasks())
    assert len(found) >= 15  # the walk found the app's tasks
    for module, name in found:
        safe = getattr(module, "SAFE_TO_REPEAT", {})
        unsafe = getattr(module, "NOT_SAFE_TO_REPEAT", {})
        assert (name in safe) != (name in unsafe), f"{module.__name__}.{name}"
        assert (safe.get(name) or unsafe.get(name)).strip(), f"{module.__name__}.{name}: why?"


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        (f"{HERE}.record_call", True),
        (f"{HERE}.charge_card", False),
        (f"{HERE}.not_declared", False),
        ("copse.nowhere.tasks.gone", False),
    ],
)
def test_repeat_policy(path, safe):
    assert recovery.repeat_policy(path).safe is safe


def test_site_admins_see_tasks_that_failed_but_never_their_words(db):
    DBTaskResult.objects.create(
        task_path=f"{HERE}.fail_on_purpose",
        args_kwargs={"args": ["Merger talks with Contoso"], "kwargs": {}},
        backend_name="default",
        status="FAILED",
        finished_at=timezone.now(),
        run_after=timezone.now(),
        exception_class_path="builtins.ValueError",
        traceback="ValueError: the post 'Merger talks with Contoso' could not be sent",
    )
    admin = Client()
    admin.force_login(testing.make_site_admin())
    page = admin.get("/programme/").content.decode()
    assert "fail_on_purpose" in page
    assert "builtins.ValueError" in page
    assert "Merger talks" not in page
