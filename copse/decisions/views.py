"""Proposal pages: the list, a new proposal, the proposal with everyone's
positions, and each action on it.

Every form is a plain POST that redirects back with a message; one that
cannot be saved comes back with what was typed and the reason, at 400
(403 where the person may read but not act).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.models import Community
from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.errors import attempt, submit
from copse.decisions import selectors, services
from copse.decisions.effects import opens_up
from copse.decisions.forms import (
    DecideForm,
    OutcomeForm,
    PositionForm,
    ProposalForm,
    ReplyForm,
    ReviseForm,
)
from copse.decisions.models import Position, Proposal
from copse.decisions.voters import voters
from copse.norms.selectors import current_norms, diff_lines


def proposal_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    page = selectors.proposal_list(
        request.user,
        community,
        state=request.GET.get("state", "open"),
        after=request.GET.get("after", ""),
    )
    return render(
        request,
        "decisions/list.html",
        {
            "community": community,
            "page": page,
            "can_propose": permissions.can(request.user, "community.propose", community),
            # Who answers proposals here (proposal.answer, for any open one).
            "can_answer": permissions.standing(request.user, community).is_active_contributor,
        },
    )


def _nominees(community):
    return voters(community).exclude(role="facilitator").select_related("user")


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.propose")
    nominees = _nominees(community)
    norms = current_norms(community)
    if request.method == "POST":
        form = ProposalForm(request.POST, nominees=nominees, time_zone=request.user.time_zone)
        sent = submit(
            form,
            lambda data: services.create_proposal(
                actor=request.user,
                community=community,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                rule=data["rule"],
                deadline=data["deadline"],
                quorum=data["quorum"],
                **form.change(),
            ),
        )
        if sent.saved:
            messages.success(
                request, _("Your proposal is open. Every member has been asked for their answer.")
            )
            return redirect(sent.result.get_absolute_url())
        status = sent.status
    else:
        kind = request.GET.get("kind", "")
        initial = {"kind": kind} if kind in Proposal.Kind.values else {}
        initial.update(_prefilled_change(request, community, kind))
        if norms is not None:
            initial["norms_text"] = norms.body
        form = ProposalForm(initial=initial, nominees=nominees, time_zone=request.user.time_zone)
        status = 200
    return render(
        request,
        "decisions/new.html",
        {"community": community, "form": form, "norms": norms},
        status=status,
    )


def _prefilled_change(request, community, kind: str) -> dict:
    """What a page that links here asked to change (the settings page sends a
    visibility or listing the facilitator tried to set); goals start from
    today's text so the proposer edits rather than retypes."""
    if kind == Proposal.Kind.VISIBILITY:
        initial = {}
        visibility = request.GET.get("new_visibility", "")
        if visibility in Community.Visibility.values:
            initial["new_visibility"] = visibility
        if request.GET.get("new_listed", "") in ("0", "1"):
            initial["new_listed"] = request.GET["new_listed"]
        return initial
    if kind == Proposal.Kind.GOALS:
        return {"new_purpose": community.purpose, "new_goals": community.goals}
    return {}


def _detail_context(request, proposal, **forms):
    viewer = request.user
    view = selectors.proposal_view(viewer, proposal)
    norms_diff = None
    if proposal.kind == Proposal.Kind.NORMS:
        base = current_norms(proposal.community)
        norms_diff = diff_lines(base.body if base else "", proposal.norms_text)
    return {
        "community": proposal.community,
        "proposal": proposal,
        "view": view,
        "norms_diff": norms_diff,
        "opens_up": proposal.kind == Proposal.Kind.VISIBILITY and opens_up(proposal),
        "can_answer": permissions.can(viewer, "proposal.answer", proposal),
        "can_reply": permissions.can(viewer, "proposal.reply", proposal),
        "can_revise": permissions.can(viewer, "proposal.revise", proposal),
        "can_withdraw": permissions.can(viewer, "proposal.withdraw", proposal),
        "can_nudge": permissions.can(viewer, "proposal.nudge", proposal),
        "can_decide": permissions.can(viewer, "proposal.decide", proposal),
        "can_write_outcome": permissions.can(viewer, "proposal.write_outcome", proposal),
        "can_answer_nomination": permissions.can(viewer, "proposal.answer_nomination", proposal),
        "position_form": forms.get("position_form")
        or PositionForm(
            initial={"stance": view.mine.stance, "reason": view.mine.reason} if view.mine else None
        ),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(initial={"outcome": proposal.outcome, "review_on": proposal.review_on}),
        "reply_form": forms.get("reply_form"),
        "reply_to": forms.get("reply_to"),
    }


def proposal_detail(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    return render(request, "decisions/detail.html", _detail_context(request, proposal))


def _back(proposal, anchor=""):
    return redirect(proposal.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _proposal(request, slug, proposal_id, action="proposal.read"):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    return selectors.proposal_for(request.user, community, proposal_id, action)


def _on_the_page(request, proposal, form, write, *, done, anchor: str, **forms):
    """A form on the proposal's page: saved, back to the page at `anchor`
    with `done` (words, or words made from what the service returned); not
    saved, the page again with what was typed and why."""
    sent = submit(form, write)
    if sent.saved:
        messages.success(request, done(sent.result) if callable(done) else done)
        return _back(proposal, anchor)
    context = _detail_context(request, proposal, **forms)
    return render(request, "decisions/detail.html", context, status=sent.status)


@login_required
@require_POST
def position(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    form = PositionForm(request.POST)
    return _on_the_page(
        request,
        proposal,
        form,
        lambda data: services.take_position(
            actor=request.user, proposal=proposal, stance=data["stance"], reason=data["reason"]
        ),
        done=lambda saved: (
            _("Your position is saved: %(stance)s. You can change it until the deadline.")
            % {"stance": saved.get_stance_display().lower()}
        ),
        anchor="your-position",
        position_form=form,
    )


def _act(request, proposal, action, done: str, anchor=""):
    attempt(request, action, done=done)
    return _back(proposal, anchor)


@login_required
@require_POST
def withdraw_block(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    return _act(
        request,
        proposal,
        lambda: services.withdraw_block(actor=request.user, proposal=proposal),
        _("You withdrew your block. Your position is now abstain; change it if you like."),
        "your-position",
    )


@login_required
@require_POST
def reply(request, slug, proposal_id, position_id):
    proposal = _proposal(request, slug, proposal_id)
    answered = get_object_or_404(Position, pk=position_id, proposal=proposal)
    form = ReplyForm(request.POST)
    return _on_the_page(
        request,
        proposal,
        form,
        lambda data: services.reply_to_position(
            actor=request.user, position=answered, body=data["body"]
        ),
        done=_("Your answer to %(name)s is posted.") % {"name": answered.user.name},
        anchor=f"position-{answered.pk}",
        reply_form=form,
        reply_to=answered.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def revise(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id, "proposal.revise")
    status = 200
    if request.method == "POST":
        form = ReviseForm(request.POST)
        sent = submit(
            form,
            lambda data: services.revise_proposal(
                actor=request.user,
                proposal=proposal,
                title=data["title"],
                body=data["body"],
                note=data["note"],
                norms_text=data["norms_text"] if proposal.kind == Proposal.Kind.NORMS else None,
            ),
        )
        if sent.saved:
            messages.success(request, _("Your revision is up. Those who answered see your note."))
            return _back(proposal)
        status = sent.status
    else:
        form = ReviseForm(
            initial={
                "title": proposal.title,
                "body": proposal.body,
                "norms_text": proposal.norms_text,
            }
        )
    if proposal.kind != Proposal.Kind.NORMS:
        form.fields.pop("norms_text", None)
    return render(
        request,
        "decisions/revise.html",
        {"community": proposal.community, "proposal": proposal, "form": form},
        status=status,
    )


@login_required
@require_POST
def withdraw(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    return _act(
        request,
        proposal,
        lambda: services.withdraw_proposal(actor=request.user, proposal=proposal),
        _("The proposal is withdrawn."),
    )


@login_required
@require_POST
def nudge(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    return _act(
        request,
        proposal,
        lambda: services.nudge(actor=request.user, proposal=proposal),
        _("Those who have not answered were reminded, in Copse and by mail."),
        "waiting",
    )


@login_required
@require_POST
def decide(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    form = DecideForm(request.POST)
    return _on_the_page(
        request,
        proposal,
        form,
        lambda data: services.decide_as_facilitator(
            actor=request.user,
            proposal=proposal,
            passed=data["decision"] == "pass",
            outcome=data["outcome"],
        ),
        done=_("Your decision is recorded and announced to every member."),
        anchor="outcome",
        decide_form=form,
    )


@login_required
@require_POST
def outcome(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    form = OutcomeForm(request.POST)
    first = proposal.outcome_at is None
    return _on_the_page(
        request,
        proposal,
        form,
        lambda data: services.write_outcome(
            actor=request.user,
            proposal=proposal,
            outcome=data["outcome"],
            review_on=data["review_on"],
        ),
        done=_("The outcome is announced to every member.")
        if first
        else _("The outcome is corrected."),
        anchor="outcome",
        outcome_form=form,
    )


@login_required
@require_POST
def nomination(request, slug, proposal_id):
    proposal = _proposal(request, slug, proposal_id)
    accept = request.POST.get("accept") == "1"
    return _act(
        request,
        proposal,
        lambda: services.answer_nomination(actor=request.user, proposal=proposal, accept=accept),
        _("You are now a facilitator of this community.")
        if accept
        else _("You declined; thank you for answering."),
    )
