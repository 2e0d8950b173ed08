"""At the deadline a background task closes the proposal: opening it queues
the closing for the deadline in the database queue; a worker leaves it
waiting until then, and at the deadline closes the proposal by its rule
and asks the proposer and the facilitators for the outcome. (The daily
sweep, which closes what a lost task left open, is test_sweep_at_startup.)"""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse.decisions import services
from copse.notifications.models import Notification
from copse.workers.tests.test_loop import make_worker

CLOSING = "copse.decisions.tasks.close_proposal"


@pytest.fixture(autouse=True)
def _queue_in_the_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_closing_waits_in_the_queue_for_the_deadline_and_then_closes_by_the_rule(
    roles, django_capture_on_commit_callbacks
):
    community, people = roles
    deadline = timezone.now() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.create_proposal(
            actor=people["member"],
            community=community,
            title="Meet quarterly in person",
            body="Monthly online, quarterly in person.",
            deadline=deadline,
        )
    closing = DBTaskResult.objects.get(task_path=CLOSING)
    assert closing.run_after == deadline
    assert closing.args_kwargs["args"] == [proposal.pk]
    services.take_position(
        actor=people["facilitator"], proposal=proposal, stance="block", reason="Travel budget."
    )

    # Before the deadline a worker runs what is due (asking the members) and
    # leaves the closing waiting.
    make_worker().run()
    proposal.refresh_from_db()
    closing.refresh_from_db()
    assert proposal.status == "open" and closing.status == "READY"

    # The deadline passes: the test moves the deadline and the queued run back
    # together (the product never moves either).
    past = timezone.now() - dt.timedelta(minutes=1)
    type(proposal).objects.filter(pk=proposal.pk).update(deadline=past)
    DBTaskResult.objects.filter(pk=closing.pk).update(run_after=past)
    make_worker().run()

    proposal.refresh_from_db()
    closing.refresh_from_db()
    assert closing.status == "SUCCESSFUL"
    assert proposal.status == "not_passed" and "A block stood" in proposal.result
    assert proposal.closed_at is not None
    asked = set(
        Notification.objects.filter(kind="proposal_closed", target_id=proposal.pk).values_list(
            "user__email", flat=True
        )
    )
    assert asked == {people["member"].email, people["facilitator"].email}
    # A second run of the same closing (a worker that died and was recovered)
    # finds it closed and changes nothing.
    before = (proposal.status, proposal.closed_at, proposal.result)
    from copse.decisions.tasks import close_proposal

    assert close_proposal.call(proposal.pk) == ""
    proposal.refresh_from_db()
    assert (proposal.status, proposal.closed_at, proposal.result) == before
