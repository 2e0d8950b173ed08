"""What happens once a pulse has closed: its answers are written again in a
random order, and a repeating pulse schedules the next.

Below both the services and the background tasks: it enqueues nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from copse.audit.services import record
from copse.communities.models import Community
from copse.pulses.models import Pulse, PulseAnswer


def pending_pulse(community, today: dt.date) -> Pulse | None:
    """The community's pulse that is open or waiting to open, if any: there
    is at most one at a time."""
    return (
        Pulse.objects.filter(community=community, cancelled_at__isnull=True, closes_on__gte=today)
        .order_by("opens_on")
        .first()
    )


def next_dates(pulse: Pulse, today: dt.date) -> tuple[dt.date, dt.date]:
    """When the pulse after `pulse` opens and closes: its repeat after the
    opening, open as long, and never in the past (a sweep that ran late
    opens it today)."""
    opens_on = max(pulse.opens_on + relativedelta(months=pulse.repeat_every_months), today)
    return opens_on, opens_on + (pulse.closes_on - pulse.opens_on)


def schedule_next(pulse_id: int, *, today: dt.date | None = None) -> Pulse | None:
    """Schedule the pulse after a repeating one that has closed, once. Only
    the community's latest pulse repeats: a pulse scheduled since (or
    cancelled since, which stops the repeats) takes its place. Locks the
    community row, so two sweeps at once schedule one."""
    today = today or timezone.localdate()
    with transaction.atomic():
        pulse = Pulse.objects.filter(pk=pulse_id).first()
        if pulse is None:
            return None
        Community.objects.select_for_update().filter(pk=pulse.community_id).first()
        pulse.refresh_from_db()
        latest = (
            Pulse.objects.filter(community_id=pulse.community_id)
            .order_by("-opens_on", "-pk")
            .first()
        )
        if (
            latest != pulse
            or not _closed_by(pulse, today)
            or pulse.repeat_every_months == 0
            or pending_pulse(pulse.community, today) is not None
        ):
            return None
        opens_on, closes_on = next_dates(pulse, today)
        following = Pulse.objects.create(
            community_id=pulse.community_id,
            opens_on=opens_on,
            closes_on=closes_on,
            open_question=pulse.open_question,
            min_respondents=pulse.threshold,
            repeat_every_months=pulse.repeat_every_months,
            scheduled_by=pulse.scheduled_by,
        )
        record(
            actor=None,
            action="pulse.scheduled",
            community=pulse.community,
            pulse=following.pk,
            repeats=pulse.pk,
            opens_on=opens_on.isoformat(),
            closes_on=closes_on.isoformat(),
        )
    return following


def _closed_by(pulse: Pulse, today: dt.date) -> bool:
    return pulse.cancelled_at is None and pulse.closes_on < today


def seal_answers(pulse_id: int, *, today: dt.date | None = None) -> int:
    """Write a closed pulse's answers again, in a random order and under new
    random keys, in one transaction, once.

    While a pulse is open each answer is written in the same transaction as
    the row saying who answered, so the database's own bookkeeping (the
    order rows sit in on disk, the transaction that wrote them) could line
    the two up for someone reading the raw tables. Written again together,
    the answers share one transaction and an order that says nothing. The
    pulse row is locked first, as answering locks it, so no answer lands
    between the reading and the writing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        pulse = Pulse.objects.select_for_update().filter(pk=pulse_id).first()
        if pulse is None or pulse.answers_sealed_at is not None or not _closed_by(pulse, today):
            return 0
        answers = list(PulseAnswer.objects.filter(pulse=pulse))
        random.SystemRandom().shuffle(answers)
        PulseAnswer.objects.filter(pulse=pulse).delete()
        for answer in answers:
            answer.id = uuid.uuid4()
        PulseAnswer.objects.bulk_create(answers)
        Pulse.objects.filter(pk=pulse.pk).update(answers_sealed_at=timezone.now())
    return len(answers)


def closed_unsealed_ids(today: dt.date) -> list[int]:
    return list(
        Pulse.objects.filter(
            cancelled_at__isnull=True, closes_on__lt=today, answers_sealed_at__isnull=True
        ).values_list("pk", flat=True)
    )


def closed_repeating_ids(today: dt.date) -> list[int]:
    """Closed repeating pulses that no later pulse of their community
    follows: the ones whose next pulse may still be due."""
    later = Pulse.objects.filter(
        community_id=OuterRef("community_id"), opens_on__gt=OuterRef("opens_on")
    )
    return list(
        Pulse.objects.filter(
            cancelled_at__isnull=True, closes_on__lt=today, repeat_every_months__gt=0
        )
        .exclude(Exists(later))
        .values_list("pk", flat=True)
    )
