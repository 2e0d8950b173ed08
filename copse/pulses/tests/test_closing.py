"""After a pulse closes, the daily sweep writes its answers again in a
random order under new keys, and schedules the next of a repeating pulse,
once; a worker starting queues the sweep."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from copse.audit.models import AuditEntry
from copse.notifications.models import Notification
from copse.pulses import closing, services
from copse.pulses.models import Pulse, PulseAnswer
from copse.pulses.tasks import close_pulse, sweep_pulses
from copse.pulses.tests.conftest import answer, close, open_pulse


def _answered(circle, count=6, **fields):
    pulse = open_pulse(circle, **fields)
    for n, person in enumerate(circle.members[:count]):
        answer(pulse, person, scores=(n % 5 + 1,) * 5, text=f"Answer {n}")
    return pulse


def test_closing_seals_the_answers_once_in_a_new_order_under_new_keys(circle):
    pulse = close(_answered(circle, 8))
    before = {a.pk: (a.scores, a.open_answer) for a in PulseAnswer.objects.filter(pulse=pulse)}
    assert close_pulse.call(pulse.pk)["sealed"] == 8
    after = {a.pk: (a.scores, a.open_answer) for a in PulseAnswer.objects.filter(pulse=pulse)}
    assert not set(before) & set(after)
    assert sorted(before.values()) == sorted(after.values())
    pulse.refresh_from_db()
    assert pulse.answers_sealed_at is not None and pulse.respondent_count == 8
    # Once only.
    assert close_pulse.call(pulse.pk)["sealed"] == 0
    assert set(PulseAnswer.objects.values_list("pk", flat=True)) == set(after)


def test_an_open_pulse_is_never_sealed(circle):
    pulse = _answered(circle, 3)
    assert closing.seal_answers(pulse.pk) == 0
    assert closing.closed_unsealed_ids(timezone.localdate()) == []


def test_a_repeating_pulse_schedules_the_next_once(circle):
    today = timezone.localdate()
    pulse = _answered(
        circle,
        5,
        opens_on=today,
        closes_on=today + dt.timedelta(days=20),
        repeat_every_months=3,
        min_respondents=6,
        open_question="What should we change?",
    )
    # It closed yesterday: it opened 21 days ago.
    Pulse.objects.filter(pk=pulse.pk).update(
        opens_on=today - dt.timedelta(days=21), closes_on=today - dt.timedelta(days=1)
    )
    pulse.refresh_from_db()
    assert sweep_pulses.call() == {"told": 0, "closed": 1}
    following = Pulse.objects.exclude(pk=pulse.pk).get()
    assert following.opens_on == pulse.opens_on + relativedelta(months=3)
    assert following.closes_on - following.opens_on == dt.timedelta(days=20)
    assert (following.open_question, following.min_respondents) == ("What should we change?", 6)
    assert following.repeat_every_months == 3 and following.respondent_count == 0
    entry = AuditEntry.objects.get(action="pulse.scheduled", detail__repeats=pulse.pk)
    assert entry.actor is None and entry.detail["pulse"] == following.pk
    # Again: nothing more.
    assert sweep_pulses.call() == {"told": 0, "closed": 0}
    assert closing.schedule_next(pulse.pk) is None
    assert Pulse.objects.count() == 2


def test_a_sweep_that_comes_late_opens_the_next_today_and_tells_the_members(
    circle, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    pulse = open_pulse(circle, repeat_every_months=1)
    Pulse.objects.filter(pk=pulse.pk).update(
        opens_on=today - dt.timedelta(days=80), closes_on=today - dt.timedelta(days=66)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_pulses.call()
    following = Pulse.objects.exclude(pk=pulse.pk).get()
    assert following.opens_on == today and following.is_open
    assert following.closes_on == today + dt.timedelta(days=14)
    assert Notification.objects.filter(kind="pulse_opened", target_id=following.pk).count() == len(
        circle.seated
    )


def test_once_means_once_and_cancelling_stops_the_repeats(circle):
    once = close(open_pulse(circle, repeat_every_months=0), days_ago=100)
    assert closing.schedule_next(once.pk) is None
    repeating = open_pulse(circle, repeat_every_months=3)
    close(repeating, days_ago=2)
    later = timezone.localdate() + dt.timedelta(days=30)
    manual = services.schedule_pulse(
        actor=circle.facilitator,
        community=circle.community,
        opens_on=later,
        closes_on=later + dt.timedelta(days=7),
        open_question="Anything?",
    )
    services.cancel_pulse(actor=circle.facilitator, pulse=manual)
    # The latest pulse is the cancelled one: the repeating one has been followed.
    assert closing.schedule_next(repeating.pk) is None
    # Only the sealing of the two closed ones.
    assert sweep_pulses.call()["closed"] == 2
    assert Pulse.objects.count() == 3


def test_the_next_pulse_is_not_scheduled_beside_one_already_pending(circle):
    repeating = close(open_pulse(circle, repeat_every_months=3), days_ago=2)
    # A pending pulse that somehow opened before it (arranged by hand).
    Pulse.objects.create(
        community=circle.community,
        opens_on=repeating.opens_on - dt.timedelta(days=1),
        closes_on=timezone.localdate() + dt.timedelta(days=3),
    )
    assert closing.schedule_next(repeating.pk) is None


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_starting_workers_queue_one_pulse_sweep(db, database_queue):
    from copse.workers.management.commands.worker import start_recurring_tasks

    for _ in range(3):
        start_recurring_tasks()
    path = "copse.pulses.tasks.sweep_pulses"
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1


def test_scheduling_plans_the_telling_and_the_closing_in_the_queue(circle, database_queue):
    from copse.pulses import tasks

    today = timezone.localdate()
    opens_on, closes_on = today + dt.timedelta(days=3), today + dt.timedelta(days=10)
    assert tasks.plan(42, opens_on, closes_on)
    queued = {row.task_path.rsplit(".", 1)[1]: row for row in DBTaskResult.objects.all()}
    assert set(queued) == {"tell_members_of_pulse", "close_pulse"}
    assert queued["tell_members_of_pulse"].run_after.date() == opens_on
    assert queued["close_pulse"].run_after.date() == closes_on + dt.timedelta(days=1)
