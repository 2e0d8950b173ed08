"""Communities proposed by anyone: the form, the proposer's own list, one
proposal (its proposer and the site admins), and the site admins' queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from copse.core import permissions
from copse.core.errors import attempt, submit
from copse.decisions import new_communities
from copse.decisions.new_community_forms import CommunityProposalForm, DecisionNoteForm


@login_required
@require_http_methods(["GET", "POST"])
def propose(request):
    permissions.require_or_404(request.user, "community.propose_new")
    status = 200
    if request.method == "POST":
        form = CommunityProposalForm(request.POST)
        sent = submit(form, lambda data: new_communities.propose(actor=request.user, **data))
        if sent.saved:
            messages.success(
                request,
                gettext(
                    "Your proposal is with the site administrators. You will hear from them by "
                    "mail."
                ),
            )
            return redirect("decisions:community_proposal", sent.result.pk)
        status = sent.status
    else:
        form = CommunityProposalForm()
    return render(request, "decisions/new_communities/new.html", {"form": form}, status=status)


@login_required
def mine(request):
    return render(
        request,
        "decisions/new_communities/mine.html",
        {"proposals": list(new_communities.proposals_of(request.user))},
    )


def _detail(request, proposal, *, status=200, form=None):
    may_decide = permissions.can(request.user, "community_proposal.decide", proposal)
    return render(
        request,
        "decisions/new_communities/detail.html",
        {
            "proposal": proposal,
            "is_site_admin": permissions.is_site_admin(request.user),
            "can_decide": may_decide and proposal.proposed_by_id != request.user.pk,
            "own_pending": may_decide and proposal.proposed_by_id == request.user.pk,
            "can_withdraw": permissions.can(request.user, "community_proposal.withdraw", proposal),
            "form": form or DecisionNoteForm(),
        },
        status=status,
    )


@login_required
def detail(request, proposal_id):
    return _detail(request, new_communities.proposal_for(request.user, proposal_id))


def _decide(request, proposal_id, decide, done):
    proposal = new_communities.proposal_for(request.user, proposal_id)
    form = DecisionNoteForm(request.POST)
    sent = submit(
        form, lambda data: decide(actor=request.user, proposal=proposal, note=data["note"])
    )
    if sent.saved:
        messages.success(request, done)
        return redirect("decisions:community_queue")
    return _detail(request, proposal, status=sent.status, form=form)


@login_required
@require_POST
def approve(request, proposal_id):
    return _decide(
        request,
        proposal_id,
        new_communities.approve,
        gettext(
            "Approved: the community is created and its proposer facilitates it. "
            "They are told by mail."
        ),
    )


@login_required
@require_POST
def decline(request, proposal_id):
    return _decide(
        request,
        proposal_id,
        new_communities.decline,
        gettext("Declined. The proposer is told by mail, with your note."),
    )


@login_required
@require_POST
def withdraw(request, proposal_id):
    proposal = new_communities.proposal_for(request.user, proposal_id)
    attempt(
        request,
        lambda: new_communities.withdraw(actor=request.user, proposal=proposal),
        done=gettext("Your proposal is withdrawn."),
    )
    return redirect("decisions:community_proposal", proposal.pk)


@login_required
def queue(request):
    return render(
        request,
        "decisions/new_communities/queue.html",
        {"queue": new_communities.queue(request.user)},
    )
