"""Proposals the members decide together, and the caller's position on one."""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, Input, PersonOut, person
from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.markdown import render_markdown
from copse.decisions import selectors, services
from copse.decisions.models import Position, Proposal

router = Router(tags=["decisions"])


class ProposalOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    rule: str
    quorum: bool
    status: str
    proposed_by: PersonOut | None
    created_at: dt.datetime
    deadline: dt.datetime
    closed_at: dt.datetime | None
    url: str


class ProposalRow(ProposalOut):
    answered: int
    blocks: int
    answered_by_me: bool


class ProposalPage(Schema):
    items: list[ProposalRow]
    next: str | None


class PositionReplyOut(Schema):
    author: PersonOut | None
    body: str
    created_at: dt.datetime


class PositionOut(Schema):
    id: int
    person: PersonOut
    organisation: str | None
    stance: str
    reason: str
    by_mail: bool
    # It answered a revision the proposer has since changed.
    to_an_earlier_version: bool
    # Its person may still answer; whoever left mid-vote no longer decides.
    counted: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    replies: list[PositionReplyOut]


class ProposalTallyOut(Schema):
    agree: int
    abstain: int
    disagree: int
    block: int
    waiting: int
    answered: int
    eligible: int


class ProposalChangeOut(Schema):
    """What the proposal changes in Copse if it passes, by its kind."""

    norms_text: str | None
    new_purpose: str | None
    new_goals: str | None
    new_visibility: str | None
    new_listed: bool | None
    nominee: PersonOut | None


class ProposalRevisionOut(Schema):
    number: int
    title: str
    note: str
    revised_by: PersonOut | None
    revised_at: dt.datetime


class ProposalOutcomeOut(Schema):
    result: str
    problem: str | None
    text: str
    html: str
    written_by: PersonOut | None
    written_at: dt.datetime | None
    review_on: dt.date | None


class ProposalDetailOut(ProposalOut):
    body: str
    html: str
    revision: int
    change: ProposalChangeOut
    revisions: list[ProposalRevisionOut]
    tally: ProposalTallyOut
    # While open: whether it would pass were it to close now (None: a
    # facilitator decides), and why not.
    would_pass: bool | None
    would_pass_reason: str | None
    positions: list[PositionOut]
    waiting: list[PersonOut]
    mine: PositionOut | None
    may_answer: bool
    outcome: ProposalOutcomeOut | None


class PositionIn(Input):
    stance: Position.Stance
    # Needed for a block: the others answer it.
    reason: str = Field(default="", max_length=4000)


def _proposal(proposal: Proposal) -> dict:
    return {
        "id": proposal.pk,
        "community": proposal.community.slug,
        "kind": proposal.kind,
        "title": proposal.title,
        "rule": proposal.rule,
        "quorum": proposal.quorum,
        "status": proposal.status,
        "proposed_by": person(proposal.proposed_by),
        "created_at": proposal.created_at,
        "deadline": proposal.deadline,
        "closed_at": proposal.closed_at,
        "url": proposal.get_absolute_url(),
    }


def _position(position: Position, proposal: Proposal, *, counted: bool) -> dict:
    organisation = position.user.organisation
    return {
        "id": position.pk,
        "person": person(position.user),
        "organisation": organisation.name if organisation else None,
        "stance": position.stance,
        "reason": position.reason,
        "by_mail": position.by_mail,
        "to_an_earlier_version": position.revision < proposal.revision,
        "counted": counted,
        "created_at": position.created_at,
        "updated_at": position.updated_at,
        "replies": [
            {"author": person(reply.author), "body": reply.body, "created_at": reply.created_at}
            for reply in position.replies.all()
        ],
    }


def _change(proposal: Proposal) -> dict:
    kind = proposal.kind
    return {
        "norms_text": proposal.norms_text if kind == Proposal.Kind.NORMS else None,
        "new_purpose": proposal.new_purpose if kind == Proposal.Kind.GOALS else None,
        "new_goals": proposal.new_goals if kind == Proposal.Kind.GOALS else None,
        "new_visibility": (
            proposal.new_visibility or None if kind == Proposal.Kind.VISIBILITY else None
        ),
        "new_listed": proposal.new_listed if kind == Proposal.Kind.VISIBILITY else None,
        "nominee": person(proposal.nominee) if kind == Proposal.Kind.FACILITATOR else None,
    }


def _outcome(proposal: Proposal) -> dict | None:
    if proposal.is_open:
        return None
    return {
        "result": proposal.result,
        "problem": proposal.apply_problem or None,
        "text": proposal.outcome,
        "html": str(render_markdown(proposal.outcome)) if proposal.outcome else "",
        "written_by": person(proposal.outcome_by),
        "written_at": proposal.outcome_at,
        "review_on": proposal.review_on,
    }


def _readable_proposal(viewer, proposal_id: int) -> Proposal:
    proposal = selectors.proposal_by_id_for(viewer, proposal_id)
    if proposal is None:
        raise Http404
    return proposal


@router.get(
    "communities/{slug}/proposals",
    response={200: ProposalPage, **COMMON_ERRORS},
    summary="A community's proposals, open or decided, the newest first",
)
def list_proposals(
    request, slug: str, state: Literal["open", "decided"] = "open", after: str | None = None
):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.view_decisions")
    page = selectors.proposal_list(viewer, community, state=state, after=after or "")
    return {
        "items": [
            {
                **_proposal(row),
                "answered": row.answered,
                "blocks": row.blocks,
                "answered_by_me": row.answered_by_me,
            }
            for row in page.rows
        ],
        "next": page.next_cursor or None,
    }


@router.get(
    "proposals/{proposal_id}",
    response={200: ProposalDetailOut, **COMMON_ERRORS},
    summary="A proposal with everyone's positions, as its page shows them",
)
def read_proposal(request, proposal_id: int):
    viewer = request.auth
    proposal = _readable_proposal(viewer, proposal_id)
    view = selectors.proposal_view(viewer, proposal)
    counted = {p.pk: p.user_id not in view.former_ids for p in view.positions}
    is_open = proposal.is_open
    return {
        **_proposal(proposal),
        "body": proposal.body,
        "html": str(render_markdown(proposal.body)),
        "revision": proposal.revision,
        "change": _change(proposal),
        "revisions": [
            {
                "number": revision.number,
                "title": revision.title,
                "note": revision.note,
                "revised_by": person(revision.revised_by),
                "revised_at": revision.revised_at,
            }
            for revision in view.revisions
        ],
        "tally": {
            "agree": view.tally.agree,
            "abstain": view.tally.abstain,
            "disagree": view.tally.disagree,
            "block": view.tally.block,
            "waiting": view.tally.waiting,
            "answered": view.tally.answered,
            "eligible": view.tally.eligible,
        },
        "would_pass": view.as_it_stands.passed if is_open else None,
        "would_pass_reason": (
            view.as_it_stands.reason if is_open and view.as_it_stands.passed is False else None
        ),
        "positions": [
            _position(position, proposal, counted=counted[position.pk])
            for position in view.positions
        ],
        "waiting": [person(membership.user) for membership in view.waiting] if is_open else [],
        "mine": (
            _position(view.mine, proposal, counted=counted[view.mine.pk]) if view.mine else None
        ),
        "may_answer": permissions.can(viewer, "proposal.answer", proposal),
        "outcome": _outcome(proposal),
    }


@router.put(
    "proposals/{proposal_id}/position",
    response={200: PositionOut, **WRITE_ERRORS},
    summary="Say where you stand, or change it until the deadline; a block needs a reason",
)
def take_position(request, proposal_id: int, position: PositionIn):
    viewer = request.auth
    proposal = _readable_proposal(viewer, proposal_id)
    saved = services.take_position(
        actor=viewer, proposal=proposal, stance=str(position.stance), reason=position.reason
    )
    saved = (
        Position.objects.select_related("user__organisation", "proposal")
        .prefetch_related("replies__author")
        .get(pk=saved.pk)
    )
    return _position(saved, saved.proposal, counted=True)
