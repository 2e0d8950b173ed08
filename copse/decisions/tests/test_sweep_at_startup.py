"""A starting worker queues the daily sweep of decisions beside the digest
planning, once however many workers start; the sweep then closes what is
overdue and waits for the next day."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse.decisions import services
from copse.decisions.models import Proposal
from copse.workers.management.commands.worker import start_recurring_tasks
from copse.workers.tests.test_loop import make_worker

SWEEP = "copse.decisions.tasks.sweep_decisions"
PLANNING = "copse.mailing.tasks.plan_digests"


@pytest.fixture(autouse=True)
def _queue_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _overdue(roles):
    community, people = roles
    proposal = services.create_proposal(
        actor=people["member"],
        community=community,
        title="Meet quarterly in person",
        body="Monthly online, quarterly in person.",
        deadline=timezone.now() + dt.timedelta(days=2),
    )
    # The closing task was lost; the deadline has passed since.
    DBTaskResult.objects.all().delete()
    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    return proposal


def test_several_workers_starting_queue_one_sweep_and_one_planning(db):
    for _ in range(3):
        start_recurring_tasks()
    assert DBTaskResult.objects.filter(task_path=SWEEP, status="READY").count() == 1
    assert DBTaskResult.objects.filter(task_path=PLANNING, status="READY").count() == 1


def test_a_starting_worker_closes_an_overdue_proposal_and_sweeps_again_tomorrow(roles):
    proposal = _overdue(roles)
    make_worker(startup=start_recurring_tasks).run()

    proposal.refresh_from_db()
    assert proposal.status == "passed"
    assert DBTaskResult.objects.filter(task_path=SWEEP, status="SUCCESSFUL").count() == 1
    tomorrow = DBTaskResult.objects.get(task_path=SWEEP, status="READY")
    assert tomorrow.run_after > timezone.now() + dt.timedelta(hours=23)
