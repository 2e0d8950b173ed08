"""Closing a proposal at its deadline, by its rule.

Below both the services and the background tasks: it enqueues nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from copse.audit.services import record
from copse.decisions import effects, outcomes
from copse.decisions.models import Proposal
from copse.decisions.signals import proposal_closed
from copse.decisions.voters import current_tally


def close(proposal_id: int, *, now: dt.datetime | None = None) -> Proposal | None:
    """Close an open proposal whose deadline has passed, by its rule. Runs
    from the background task at the deadline and from the daily sweep; a
    second run finds it closed and does nothing. The caller tells people
    (`tasks.tell_of_closing`) once it is committed."""
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update()
            .select_related("community")
            .filter(pk=proposal_id)
            .first()
        )
        # The clock is read once the row is locked: an answer that held the
        # lock first was saved before this moment, so no position is ever
        # newer than the closing.
        now = now or timezone.now()
        if locked is None or locked.status != Proposal.Status.OPEN or locked.deadline > now:
            return None
        result = outcomes.decide(locked.rule, current_tally(locked), quorum=locked.quorum)
        locked.closed_at = now
        locked.result = result.reason
        if result.passed is None:
            locked.status = Proposal.Status.AWAITING
        else:
            locked.status = Proposal.Status.PASSED if result.passed else Proposal.Status.NOT_PASSED
        locked.save(update_fields=["status", "closed_at", "result"])
        record(
            actor=None,
            action="proposal.closed",
            community=locked.community,
            proposal=locked.pk,
            status=locked.status,
        )
        if locked.status == Proposal.Status.PASSED:
            effects.apply(locked)
        elif locked.status == Proposal.Status.NOT_PASSED:
            effects.after_closing(locked)
        proposal_closed.send(sender=Proposal, proposal=locked)
    return locked
