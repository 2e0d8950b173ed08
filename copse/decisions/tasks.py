"""Background work for decisions: telling members, closing at the deadline,
announcing outcomes, and the daily sweep (closing anything overdue, putting
decisions due for review back on the topics backlog).

Tasks take ids and load fresh rows; `notifications.services.notify` checks
again that each person may read the proposal now.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = dt.timedelta(hours=24)


def _proposal(proposal_id: int):
    from copse.decisions.models import Proposal

    return Proposal.objects.select_related("community").filter(pk=proposal_id).first()


def _notify_all(users, *, kind: str, target, actor=None, again: bool = False) -> int:
    from copse.notifications.services import notify

    read_action = "poll.read" if target._meta.model_name == "datepoll" else "proposal.read"
    sent = 0
    for user in users:
        if notify(
            user=user, kind=kind, target=target, actor=actor, read_action=read_action, again=again
        ):
            sent += 1
    return sent


@task()
def tell_members_of_proposal(proposal_id: int) -> int:
    """Everyone who may answer is asked, in the app (and by mail, see mailing.notices)."""
    from copse.decisions.voters import voters

    proposal = _proposal(proposal_id)
    if proposal is None or not proposal.is_open:
        return 0
    people = [m.user for m in voters(proposal.community).select_related("user")]
    return _notify_all(people, kind="proposal", target=proposal, actor=proposal.proposed_by)


def schedule_closing(proposal_id: int, deadline: dt.datetime) -> bool:
    """Queue the closing at the deadline where the backend can run work later;
    the daily sweep closes whatever a lost task left open."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    close_proposal.using(run_after=deadline).enqueue(proposal_id)
    return True


@task()
def close_proposal(proposal_id: int) -> str:
    closed = _close_and_tell(proposal_id, now=timezone.now())
    return closed.status if closed is not None else ""


def _close_and_tell(proposal_id: int, *, now):
    from copse.decisions.closing import close

    closed = close(proposal_id, now=now)
    if closed is not None:
        tell_of_closing.enqueue(closed.pk)
    return closed


@task()
def nudge_waiting(nudge_id: int) -> int:
    from copse.decisions.models import Nudge
    from copse.decisions.voters import waiting_for

    nudge = (
        Nudge.objects.select_related("proposal__community", "sent_by").filter(pk=nudge_id).first()
    )
    if nudge is None or not nudge.proposal.is_open:
        return 0
    people = [m.user for m in waiting_for(nudge.proposal).select_related("user")]
    return _notify_all(
        people, kind="proposal_nudge", target=nudge.proposal, actor=nudge.sent_by, again=True
    )


@task()
def tell_of_closing(proposal_id: int) -> int:
    """The proposer and the facilitators are asked to write the outcome (or,
    under the facilitator rule, to decide); a nominee whose nomination passed
    is asked to accept."""
    from copse.memberships.models import Membership

    proposal = _proposal(proposal_id)
    if proposal is None or proposal.status == "open":
        return 0
    people = [
        m.user
        for m in Membership.objects.filter(
            community=proposal.community, role="facilitator", status="active"
        ).select_related("user")
    ]
    if proposal.proposed_by is not None:
        people.append(proposal.proposed_by)
    sent = _notify_all(people, kind="proposal_closed", target=proposal)
    if proposal.kind == "facilitator" and proposal.status == "passed" and proposal.nominee:
        sent += _notify_all([proposal.nominee], kind="nominated", target=proposal)
    return sent


@task()
def announce_outcome(proposal_id: int) -> int:
    """The outcome statement goes to every seated member (and delegate)."""
    from copse.memberships.models import Membership

    proposal = _proposal(proposal_id)
    if proposal is None or not proposal.outcome:
        return 0
    people = [
        m.user
        for m in Membership.objects.filter(
            community=proposal.community,
            status="active",
            role__in=("member", "facilitator", "delegate"),
        ).select_related("user")
    ]
    return _notify_all(people, kind="decided", target=proposal, actor=proposal.outcome_by)


@task()
def sweep_decisions() -> dict:
    """Daily: close what is overdue, bring decisions due for review back to the
    backlog, and come back tomorrow."""
    from django_tasks import default_task_backend

    from copse.decisions import reviews
    from copse.decisions.models import Proposal
    from copse.decisions.norms_reviews import remind_due as remind_norms_reviews

    now = timezone.now()
    closed = 0
    for pk in Proposal.objects.filter(status="open", deadline__lte=now).values_list(
        "pk", flat=True
    ):
        if _close_and_tell(pk, now=now) is not None:
            closed += 1
    reviewed = reviews.bring_back_due(today=timezone.localdate())
    norms_reviews = remind_norms_reviews(now=now)
    if default_task_backend.supports_defer:
        sweep_decisions.using(run_after=now + SWEEP_EVERY).enqueue()
    return {"closed": closed, "reviewed": reviewed, "norms_reviews": norms_reviews}


def ensure_sweep_planned() -> bool:
    """Start the daily sweep unless it is already waiting in the queue.
    Called when a worker starts, so a fresh install closes overdue proposals
    without anyone queueing the first sweep by hand."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.sweep_decisions", status__in=["READY", "RUNNING"]
    ).exists()
    if not waiting:
        sweep_decisions.enqueue()
    return not waiting


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "tell_members_of_proposal": "a notification is unique per person, kind and proposal",
    "close_proposal": "closing finds the proposal closed and does nothing",
    "nudge_waiting": "a repeat only brings the same notification back to the top",
    "tell_of_closing": "a notification is unique per person, kind and proposal",
    "announce_outcome": "a notification is unique per person, kind and proposal",
    "sweep_decisions": "each step does only what is still due",
}


# --- Date polls ---------------------------------------------------------------------


@task()
def tell_members_of_poll(poll_id: int) -> int:
    """Everyone who may answer a new date poll is asked, members and delegates."""
    from copse.decisions.models import DatePoll
    from copse.decisions.voters import poll_voters

    poll = DatePoll.objects.select_related("community", "proposed_by").filter(pk=poll_id).first()
    if poll is None or poll.status != DatePoll.Status.OPEN:
        return 0
    people = [m.user for m in poll_voters(poll.community).select_related("user")]
    return _notify_all(people, kind="date_poll", target=poll, actor=poll.proposed_by)


SAFE_TO_REPEAT["tell_members_of_poll"] = "a notification is unique per person, kind and poll"


@task()
def tell_of_community_decision(community_proposal_id: int) -> bool:
    """The person who proposed a community hears the site admins' decision by
    mail, in their language: they may have no community yet where a notice
    could live."""
    from copse.core.languages import in_language_of
    from copse.core.mail import send_templated
    from copse.decisions.models import CommunityProposal

    proposal = (
        CommunityProposal.objects.select_related("proposed_by", "community")
        .filter(pk=community_proposal_id)
        .first()
    )
    if proposal is None or proposal.status not in ("approved", "declined"):
        return False
    if not proposal.proposed_by.is_active:
        return False
    with in_language_of(proposal.proposed_by):
        send_templated(
            to=proposal.proposed_by.email,
            template="decisions/email/community_decided",
            context={"proposal": proposal},
        )
    return True


SAFE_TO_REPEAT["tell_of_community_decision"] = "at worst the proposer gets the same mail twice"
