"""Peer nominations: a member nominates a peer; the facilitators invite,
decline, or put it to the members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.errors import attempt, submit
from copse.decisions import nominations
from copse.decisions.nomination_forms import AskMembersForm, DeclineForm, InviteForm, NominationForm


def _community(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view")
    if not nominations.may_see_nominations(request.user, community):
        raise Http404
    return community


@login_required
def nomination_list(request, slug):
    community = _community(request, slug)
    return render(
        request,
        "decisions/nominations/list.html",
        {
            "community": community,
            "listing": nominations.nomination_list(request.user, community),
            "can_nominate": permissions.can(request.user, "community.nominate_peer", community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.nominate_peer")
    status = 200
    if request.method == "POST":
        form = NominationForm(request.POST)
        sent = submit(
            form, lambda data: nominations.nominate(actor=request.user, community=community, **data)
        )
        if sent.saved:
            messages.success(
                request,
                gettext("You nominated %(name)s. The facilitators decide.")
                % {"name": sent.result.name},
            )
            return redirect("decisions:nomination", community.slug, sent.result.pk)
        status = sent.status
    else:
        form = NominationForm()
    return render(
        request,
        "decisions/nominations/new.html",
        {"community": community, "form": form},
        status=status,
    )


def _detail(request, nomination, *, status=200, **forms):
    proposal = nominations.latest_proposal(nomination)
    can_decide = permissions.can(request.user, "nomination.decide", nomination)
    answer = nominations.members_answer(nomination, proposal)
    context = {
        "community": nomination.community,
        "nomination": nomination,
        "proposal": proposal,
        "members_answer": answer,
        "can_decide": can_decide,
        "can_invite": can_decide and answer in ("", "agreed"),
        "can_decline": can_decide and answer in ("", "not_agreed"),
        "can_ask_members": can_decide
        and nomination.status == "pending"
        and permissions.can(request.user, "community.propose", nomination.community),
        "can_withdraw": nomination.status == "pending"
        and nomination.nominated_by_id == request.user.pk,
        "invite_form": forms.get("invite_form") or InviteForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "ask_form": forms.get("ask_form") or AskMembersForm(),
    }
    return render(request, "decisions/nominations/detail.html", context, status=status)


def _on_the_page(request, nomination, form, write, *, done: str, **forms):
    """A facilitator's form on the nomination's page: saved, back to the page
    with `done`; not saved, the page again with what was typed and why."""
    sent = submit(form, write)
    if sent.saved:
        messages.success(request, done)
        return redirect("decisions:nomination", nomination.community.slug, nomination.pk)
    return _detail(request, nomination, status=sent.status, **forms)


def _nomination(request, slug, nomination_id):
    community = community_by_slug_for(request.user, slug, "community.view")
    return nominations.nomination_for(request.user, community, nomination_id)


@login_required
def nomination_detail(request, slug, nomination_id):
    return _detail(request, _nomination(request, slug, nomination_id))


@login_required
@require_POST
def nomination_invite(request, slug, nomination_id):
    nomination = _nomination(request, slug, nomination_id)
    form = InviteForm(request.POST)
    return _on_the_page(
        request,
        nomination,
        form,
        lambda data: nominations.invite(
            actor=request.user, nomination=nomination, message=data["message"]
        ),
        done=gettext("The invitation is on its way to %(name)s.") % {"name": nomination.name},
        invite_form=form,
    )


@login_required
@require_POST
def nomination_decline(request, slug, nomination_id):
    nomination = _nomination(request, slug, nomination_id)
    form = DeclineForm(request.POST)
    return _on_the_page(
        request,
        nomination,
        form,
        lambda data: nominations.decline(
            actor=request.user, nomination=nomination, note=data["note"]
        ),
        done=gettext("The nomination is declined; the member who made it reads your note."),
        decline_form=form,
    )


@login_required
@require_POST
def nomination_propose(request, slug, nomination_id):
    nomination = _nomination(request, slug, nomination_id)
    form = AskMembersForm(request.POST)
    sent = submit(
        form,
        lambda data: nominations.put_to_members(
            actor=request.user,
            nomination=nomination,
            rule=data["rule"],
            deadline=data["deadline"],
        ),
    )
    if sent.saved:
        messages.success(request, gettext("The members are asked whether to invite them."))
        return redirect(sent.result.get_absolute_url())
    return _detail(request, nomination, status=sent.status, ask_form=form)


@login_required
@require_POST
def nomination_withdraw(request, slug, nomination_id):
    nomination = _nomination(request, slug, nomination_id)
    attempt(
        request,
        lambda: nominations.withdraw(actor=request.user, nomination=nomination),
        done=gettext("Your nomination is withdrawn."),
    )
    return redirect("decisions:nomination", nomination.community.slug, nomination.pk)
