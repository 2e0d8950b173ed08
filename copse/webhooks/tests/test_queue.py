"""With the database queue a worker runs: a failed delivery waits in the
queue for its next try, a starting worker plans the sweep once, and the
sweep sends what the queue lost."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse.conversations import services as conversations
from copse.webhooks import sending, services
from copse.webhooks.models import WebhookDelivery
from copse.workers.management.commands.worker import start_recurring_tasks
from copse.workers.tests.test_loop import make_worker

DELIVER = "copse.webhooks.tasks.deliver"
SWEEP = "copse.webhooks.tasks.sweep_deliveries"

pytestmark = pytest.mark.usefixtures("loopback_allowed")


@pytest.fixture(autouse=True)
def _queue_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _post(circle, receiver, django_capture_on_commit_callbacks):
    community, facilitator, member = circle
    services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=["post.published"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    return WebhookDelivery.objects.get()


def test_a_failed_delivery_waits_in_the_queue_for_its_next_try(
    circle, receiver, django_capture_on_commit_callbacks
):
    delivery = _post(circle, receiver, django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.filter(task_path=DELIVER, status="READY").count() == 1
    receiver.answer(500)
    make_worker().run()
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.status == "pending"
    later = DBTaskResult.objects.get(task_path=DELIVER, status="READY")
    assert later.run_after == delivery.next_attempt_at
    assert later.run_after - timezone.now() > dt.timedelta(seconds=20)
    # Not due: a worker passing by leaves it.
    make_worker().run()
    assert len(receiver.received) == 1


def test_starting_workers_plan_one_sweep(db):
    for _ in range(3):
        start_recurring_tasks()
    assert DBTaskResult.objects.filter(task_path=SWEEP, status="READY").count() == 1


def test_the_sweep_sends_a_delivery_whose_task_was_lost(
    circle, receiver, django_capture_on_commit_callbacks
):
    delivery = _post(circle, receiver, django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()
    make_worker(startup=start_recurring_tasks).run()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert len(receiver.received) == 1
    again = DBTaskResult.objects.get(task_path=SWEEP, status="READY")
    assert again.run_after > timezone.now() + dt.timedelta(minutes=9)


def test_the_sweep_forgets_old_deliveries(circle, receiver, django_capture_on_commit_callbacks):
    delivery = _post(circle, receiver, django_capture_on_commit_callbacks)
    make_worker().run()
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert sending.forget_old(now=timezone.now() + dt.timedelta(days=29)) == 0
    assert sending.forget_old(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not WebhookDelivery.objects.exists()
