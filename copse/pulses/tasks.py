"""Background work for trust pulses: telling the seated that a pulse is
open, and, once it has closed, sealing its answers and scheduling the next
of a repeating pulse. A daily sweep does whatever a lost task left undone.

Nothing here is about answering: who answered, and what, is never a
notification, a log line or an audit entry.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(hours=24)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def plan(pulse_id: int, opens_on: dt.date, closes_on: dt.date) -> bool:
    """Queue the telling at the opening and the closing the day after it
    closes, where the backend runs work later; a pulse that opens today is
    told now. The daily sweep does both for whatever a lost task missed."""
    from django_tasks import default_task_backend

    if opens_on <= timezone.localdate():
        tell_members_of_pulse.enqueue(pulse_id)
    if not default_task_backend.supports_defer:
        return False
    if opens_on > timezone.localdate():
        tell_members_of_pulse.using(run_after=_start_of(opens_on)).enqueue(pulse_id)
    close_pulse.using(run_after=_start_of(closes_on + dt.timedelta(days=1))).enqueue(pulse_id)
    return True


@task()
def tell_members_of_pulse(pulse_id: int) -> int:
    """Everyone who may answer is told once, in the app (and by mail, see
    mailing.notices), while the pulse is open."""
    from copse.memberships.models import Membership
    from copse.notifications.services import notify
    from copse.pulses.models import Pulse

    pulse = Pulse.objects.select_related("community").filter(pk=pulse_id).first()
    if pulse is None or not pulse.is_open:
        return 0
    people = [
        m.user
        for m in Membership.objects.filter(
            community=pulse.community,
            status="active",
            role__in=("member", "facilitator", "delegate"),
        ).select_related("user")
    ]
    sent = 0
    for person in people:
        if notify(
            user=person, kind="pulse_opened", target=pulse, read_action="community.view_pulses"
        ):
            sent += 1
    Pulse.objects.filter(pk=pulse.pk, opening_announced_at__isnull=True).update(
        opening_announced_at=timezone.now()
    )
    return sent


@task()
def close_pulse(pulse_id: int) -> dict:
    """After the closing day: seal the answers, then schedule the next pulse
    of a repeating one (and tell its members if it opens today)."""
    from copse.pulses import closing

    sealed = closing.seal_answers(pulse_id)
    following = closing.schedule_next(pulse_id)
    if following is not None:
        plan(following.pk, following.opens_on, following.closes_on)
    return {"sealed": sealed, "next": following.pk if following is not None else None}


@task()
def sweep_pulses() -> dict:
    """Daily: tell the members of pulses that opened, close what has closed,
    and come back tomorrow."""
    from django_tasks import default_task_backend

    from copse.pulses import closing
    from copse.pulses.models import Pulse

    today = timezone.localdate()
    opened = list(
        Pulse.objects.filter(
            cancelled_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
            opening_announced_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    for pk in opened:
        tell_members_of_pulse.enqueue(pk)
    closed = sorted(
        set(closing.closed_unsealed_ids(today)) | set(closing.closed_repeating_ids(today))
    )
    for pk in closed:
        close_pulse.enqueue(pk)
    if default_task_backend.supports_defer:
        sweep_pulses.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()
    return {"told": len(opened), "closed": len(closed)}


def ensure_pulse_sweep_planned() -> bool:
    """Start the daily sweep unless it is already waiting in the queue.
    Called when a worker starts."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.sweep_pulses", status__in=["READY", "RUNNING"]
    ).exists()
    if not waiting:
        sweep_pulses.enqueue()
    return not waiting


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "tell_members_of_pulse": "a notification is unique per person, kind and pulse",
    "close_pulse": "answers are sealed once and the next pulse scheduled once (the community row is locked)",
    "sweep_pulses": "each step does only what is still due",
}
