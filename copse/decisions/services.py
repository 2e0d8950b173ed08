"""Every change to proposals: one function per action.

Each checks permission through copse.core.permissions, then writes in one
transaction that locks the proposal row, so a position saved at the deadline
and the closing task never both win: whichever locks first decides whether
the proposal is still open. What a passed proposal changes in Copse is
`decisions.effects`; who is told is `decisions.tasks`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.audit.services import record
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.decisions import closing, effects, outcomes, tasks
from copse.decisions.models import Nudge, Position, PositionReply, Proposal, ProposalRevision
from copse.decisions.signals import proposal_closed, proposal_decided, proposal_opened
from copse.decisions.titles import clean_title
from copse.decisions.voters import waiting_for

# A proposal stays open at least this long, so members on a weekly rhythm see it.
MIN_OPEN = dt.timedelta(hours=24)
MAX_OPEN = dt.timedelta(days=90)
# Facilitators nudge the people who have not answered at most this often.
NUDGE_EVERY = dt.timedelta(hours=24)


class ProposalError(UserFacingError):
    title = _("The proposal could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = _("That is not possible here")
    status = 403


def _clean_title(title: str) -> str:
    return clean_title(
        title,
        error=ProposalError,
        empty=gettext("Give the proposal a title: what is to be decided."),
    )


def _check_deadline(deadline: dt.datetime, now: dt.datetime) -> None:
    if deadline < now + MIN_OPEN:
        raise ProposalError(
            gettext(
                "Give people at least a day to answer: set the deadline 24 hours or more from now."
            )
        )
    if deadline > now + MAX_OPEN:
        raise ProposalError(
            gettext("Set a deadline within 90 days, while the question is still fresh.")
        )


def create_proposal(
    *,
    actor,
    community: Community,
    title: str,
    body: str,
    kind: str = Proposal.Kind.FREE,
    rule: str = Proposal.Rule.CONSENT,
    deadline: dt.datetime,
    quorum: bool = False,
    **change,
) -> Proposal:
    """A proposal put to the members. `change` carries what the kind changes
    (`effects.prepare` checks it: the new norms text, goals, visibility...)."""
    if not permissions.can(actor, "community.propose", community):
        raise NotAllowed(_why_not(actor, community))
    if kind == Proposal.Kind.ADMISSION:
        raise ProposalError(gettext("Admissions open by themselves when someone asks to join."))
    if kind not in Proposal.Kind.values:
        raise ProposalError(gettext("Choose what kind of proposal this is."))
    if rule not in Proposal.Rule.values:
        raise ProposalError(gettext("Choose how the members decide."))
    now = timezone.now()
    _check_deadline(deadline, now)
    body = (body or "").strip()
    if not body:
        raise ProposalError(gettext("Say what you propose and why: members answer what they read."))
    proposal = Proposal(
        community=community,
        proposed_by=actor,
        title=_clean_title(title),
        body=body,
        kind=kind,
        rule=rule,
        deadline=deadline,
        quorum=quorum,
    )
    effects.prepare(proposal, change)
    with transaction.atomic():
        proposal.save()
        record(
            actor=actor,
            action="proposal.opened",
            community=community,
            proposal=proposal.pk,
            kind=kind,
            rule=proposal.rule,
        )
        _after_opening(proposal)
    return proposal


def _after_opening(proposal: Proposal) -> None:
    proposal_opened.send(sender=Proposal, proposal=proposal)
    pk, deadline = proposal.pk, proposal.deadline
    transaction.on_commit(lambda: tasks.tell_members_of_proposal.enqueue(pk))
    transaction.on_commit(lambda: tasks.schedule_closing(pk, deadline))


def _why_not(actor, community) -> str:
    standing = permissions.standing(actor, community)
    if standing.is_active_contributor and community.who_may_propose == "facilitators":
        return gettext("In this community only facilitators make proposals. Suggest it to them.")
    if standing.is_active_contributor:
        return gettext("The norms changed: accept the new version to make a proposal.")
    if standing.is_seated and standing.membership.status == "on_leave":
        return gettext("You are on leave from this community. Come back from leave to take part.")
    if standing.role == "delegate":
        return gettext("Delegates follow the decisions; the member you stand in for takes part.")
    return gettext("Only active members of this community can make proposals.")


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("community").get(pk=proposal.pk)


def take_position(
    *, actor, proposal: Proposal, stance: str, reason: str = "", by_mail: bool = False
) -> Position:
    """Save or change the actor's position while the proposal is open and
    before its deadline. A block needs a reason."""
    if stance not in Position.Stance.values:
        raise ProposalError(gettext("Choose agree, abstain, disagree or block."))
    reason = (reason or "").strip()
    if stance == Position.Stance.BLOCK and not reason:
        raise ProposalError(
            gettext(
                "Say why you block: a block stops the proposal, so the others need your reason "
                "to answer it."
            )
        )
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Proposal.Status.OPEN or locked.deadline <= timezone.now():
            raise ProposalError(
                gettext("This proposal has closed; positions can no longer change.")
            )
        if not permissions.can(actor, "proposal.answer", locked):
            raise NotAllowed(gettext("Only active members of this community answer its proposals."))
        before = Position.objects.filter(proposal=locked, user=actor).first()
        position, _ = Position.objects.update_or_create(
            proposal=locked,
            user=actor,
            defaults={
                "stance": stance,
                "reason": reason,
                "revision": locked.revision,
                "by_mail": by_mail,
            },
        )
        action = "proposal.position_taken"
        if before is not None and before.stance == Position.Stance.BLOCK and stance != "block":
            action = "proposal.block_withdrawn"
        record(
            actor=actor,
            action=action,
            community=locked.community,
            proposal=locked.pk,
            stance=stance,
        )
    return position


def withdraw_block(*, actor, proposal: Proposal) -> Position:
    """The blocker lifts their block; they then abstain until they say more."""
    position = Position.objects.filter(proposal=proposal, user=actor).first()
    if position is None or position.stance != Position.Stance.BLOCK:
        raise ProposalError(gettext("You have no block on this proposal to withdraw."))
    return take_position(
        actor=actor,
        proposal=proposal,
        stance=Position.Stance.ABSTAIN,
        reason=position.reason,
    )


def reply_to_position(*, actor, position: Position, body: str) -> PositionReply:
    body = (body or "").strip()
    if not body:
        raise ProposalError(gettext("Write your answer first."))
    proposal = position.proposal
    if not permissions.can(actor, "proposal.reply", proposal):
        raise NotAllowed(
            gettext("Only active members answer positions while the proposal is open.")
        )
    return PositionReply.objects.create(position=position, author=actor, body=body)


def revise_proposal(
    *, actor, proposal: Proposal, title: str, body: str, note: str, norms_text: str | None = None
) -> Proposal:
    """The proposer changes the text while it is open. Positions stay; each
    shows that it answered an earlier revision until its author answers again."""
    if not permissions.can(actor, "proposal.revise", proposal):
        raise NotAllowed(gettext("Only the proposer revises a proposal, while it is open."))
    title = _clean_title(title)
    body = (body or "").strip()
    if not body:
        raise ProposalError(gettext("The proposal cannot be empty."))
    note = " ".join((note or "").split())[:300]
    if not note:
        raise ProposalError(
            gettext("Say in a note what you changed, so those who answered can look again.")
        )
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Proposal.Status.OPEN:
            raise ProposalError(gettext("This proposal has closed and can no longer be revised."))
        new_norms = locked.norms_text if norms_text is None else norms_text.strip()
        if (title, body, new_norms) == (locked.title, locked.body, locked.norms_text):
            raise ProposalError(gettext("Nothing changed: the text is the same as before."))
        if locked.kind == Proposal.Kind.NORMS:
            effects.check_norms_text(locked, new_norms)
        ProposalRevision.objects.create(
            proposal=locked,
            number=locked.revision,
            title=locked.title,
            body=locked.body,
            norms_text=locked.norms_text,
            note=note,
            revised_by=actor,
        )
        locked.title, locked.body, locked.norms_text = title, body, new_norms
        locked.revision += 1
        locked.save(update_fields=["title", "body", "norms_text", "revision"])
        record(
            actor=actor,
            action="proposal.revised",
            community=locked.community,
            proposal=locked.pk,
            revision=locked.revision,
        )
    return locked


def withdraw_proposal(*, actor, proposal: Proposal) -> Proposal:
    if not permissions.can(actor, "proposal.withdraw", proposal):
        raise NotAllowed(
            gettext("Only the proposer or a facilitator withdraws a proposal, while open.")
        )
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Proposal.Status.OPEN:
            raise ProposalError(gettext("This proposal has already closed."))
        locked.status = Proposal.Status.WITHDRAWN
        locked.closed_at = timezone.now()
        locked.result = outcomes.WITHDRAWN
        locked.save(update_fields=["status", "closed_at", "result"])
        effects.after_closing(locked)
        proposal_closed.send(sender=Proposal, proposal=locked)
        record(
            actor=actor, action="proposal.withdrawn", community=locked.community, proposal=locked.pk
        )
    return locked


def nudge(*, actor, proposal: Proposal) -> int:
    """Remind those who have not answered, in the app and by mail; once a day."""
    if not permissions.can(actor, "proposal.nudge", proposal):
        raise NotAllowed(gettext("Facilitators nudge, while the proposal is open."))
    last = proposal.nudges.first()
    if last is not None and last.sent_at > timezone.now() - NUDGE_EVERY:
        raise ProposalError(
            gettext(
                "Those who have not answered were reminded less than a day ago; give them time."
            )
        )
    count = waiting_for(proposal).count()
    if count == 0:
        raise ProposalError(gettext("Everyone has answered; there is nobody to remind."))
    with transaction.atomic():
        made = Nudge.objects.create(proposal=proposal, sent_by=actor, recipients=count)
        record(
            actor=actor,
            action="proposal.nudged",
            community=proposal.community,
            proposal=proposal.pk,
        )
    transaction.on_commit(lambda: tasks.nudge_waiting.enqueue(made.pk))
    return count


def close_if_due(proposal_id: int, *, now: dt.datetime | None = None) -> Proposal | None:
    """Close an open proposal whose deadline has passed (`closing.close`), and
    tell the proposer and the facilitators once it is committed."""
    closed = closing.close(proposal_id, now=now)
    if closed is not None:
        pk = closed.pk
        transaction.on_commit(lambda: tasks.tell_of_closing.enqueue(pk))
    return closed


def decide_as_facilitator(*, actor, proposal: Proposal, passed: bool, outcome: str) -> Proposal:
    """The facilitator rule: having heard everyone, a facilitator decides,
    and says what and why in the same step."""
    if not permissions.can(actor, "proposal.decide", proposal):
        raise NotAllowed(gettext("A facilitator decides once the proposal has closed for answers."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ProposalError(gettext("Write what you decided and why: the members will read it."))
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != Proposal.Status.AWAITING:
            raise ProposalError(gettext("This proposal has already been decided."))
        locked.status = Proposal.Status.PASSED if passed else Proposal.Status.NOT_PASSED
        locked.result = outcomes.DECIDED_BY % {"name": actor.name}
        locked.save(update_fields=["status", "result"])
        if passed:
            effects.apply(locked)
        else:
            effects.after_closing(locked)
        proposal_decided.send(sender=Proposal, proposal=locked)
    return write_outcome(actor=actor, proposal=locked, outcome=outcome, review_on=None)


def write_outcome(
    *, actor, proposal: Proposal, outcome: str, review_on: dt.date | None
) -> Proposal:
    """The outcome statement, announced to every member in the app and by mail.
    It can be corrected later; only the first writing is announced."""
    if not permissions.can(actor, "proposal.write_outcome", proposal):
        raise NotAllowed(
            gettext("A facilitator or the proposer writes the outcome, once it has closed.")
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ProposalError(gettext("Write what was decided and why: the members will read it."))
    if review_on is not None and review_on <= timezone.localdate():
        raise ProposalError(gettext("Choose a review date in the future, or leave it empty."))
    with transaction.atomic():
        locked = _locked(proposal)
        first = locked.outcome_at is None
        locked.outcome = outcome
        locked.outcome_by = actor
        locked.outcome_at = locked.outcome_at or timezone.now()
        locked.review_on = review_on
        locked.save(update_fields=["outcome", "outcome_by", "outcome_at", "review_on"])
        record(
            actor=actor,
            action="proposal.outcome_written",
            community=locked.community,
            proposal=locked.pk,
        )
    if first:
        pk = locked.pk
        transaction.on_commit(lambda: tasks.announce_outcome.enqueue(pk))
    return locked


def answer_nomination(*, actor, proposal: Proposal, accept: bool) -> Proposal:
    """The nominee accepts or declines becoming a facilitator."""
    if not permissions.can(actor, "proposal.answer_nomination", proposal):
        raise NotAllowed(gettext("Only the person nominated answers, once the members agreed."))
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.nominee_answered_at is not None:
            raise ProposalError(gettext("You have already answered."))
        locked.nominee_answered_at = timezone.now()
        locked.nominee_accepted = accept
        locked.save(update_fields=["nominee_answered_at", "nominee_accepted"])
        if accept:
            effects.seat_nominee(locked)
        record(
            actor=actor,
            action="proposal.nomination_accepted" if accept else "proposal.nomination_declined",
            community=locked.community,
            proposal=locked.pk,
        )
    return locked


def default_deadline(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now + dt.timedelta(days=settings.COPSE_PROPOSAL_DAYS)
