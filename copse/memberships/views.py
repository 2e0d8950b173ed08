"""Membership pages: joining, asking, invitations, leaving, and the facilitator's
members page. Views parse input and call memberships.services."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for, members_page, pending_requests
from copse.core import permissions
from copse.core.errors import UserFacingError, attempt
from copse.memberships import selectors, services
from copse.memberships.forms import (
    AcceptNormsForm,
    DecisionForm,
    DelegateForm,
    InvitationForm,
    JoinRequestForm,
    LeaveForm,
    RemovalForm,
    RoleForm,
)
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.norms.selectors import current_norms


def _norms_form(request, community):
    norms = current_norms(community)
    form = AcceptNormsForm(
        request.POST or None,
        initial={"norms_version": community.norms_version},
        norms_required=norms is not None,
    )
    return norms, form


@login_required
@require_http_methods(["GET", "POST"])
def join(request, slug):
    community = community_by_slug_for(request.user, slug)
    if permissions.standing(request.user, community).is_seated:
        return redirect(community.get_absolute_url())
    permissions.require_or_404(request.user, "community.join", community)
    return _accept_norms_then(
        request,
        community,
        "memberships/join.html",
        # Joining uses the person's invitation, in the role it names.
        {"invitation": services.usable_invitation_for(request.user, community)},
        lambda version: services.join_community(
            actor=request.user, community=community, accepted_norms_version=version
        ),
    )


def _accept_norms_then(request, community, template, context, seat):
    """Show the norms with an acceptance box; on a valid POST call `seat(version)`.

    A UserFacingError other than changed norms (a full community, a reached
    organisation cap, a used invitation) propagates to the styled error page.
    """
    norms, form = _norms_form(request, community)
    if request.method == "POST" and form.is_valid():
        try:
            membership = seat(form.cleaned_data["norms_version"])
        except services.NormsNotAccepted as error:
            form.add_error(None, error.message)
        else:
            if getattr(membership, "role", None) == "guest_presenter":
                # Guest presenters see only their meetings, not the community's pages.
                messages.success(request, _("Thank you. Here are the meetings you present at."))
                return redirect("meetings:mine")
            messages.success(request, _("Welcome to %(name)s.") % {"name": community.name})
            return redirect(community.get_absolute_url())
    return render(
        request,
        template,
        {"community": community, "norms": norms, "form": form, **context},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_to_join(request, slug):
    community = community_by_slug_for(request.user, slug)
    standing = permissions.standing(request.user, community)
    if standing.is_seated or standing.pending_request:
        return redirect(community.get_absolute_url())
    permissions.require_or_404(request.user, "community.request", community)
    form = JoinRequestForm(
        request.POST or None,
        members_decide=community.join_policy == community.JoinPolicy.MEMBERS,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(
                actor=request.user, community=community, note=form.cleaned_data["note"]
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            if community.join_policy == community.JoinPolicy.MEMBERS:
                done = _("Your request is with the members. You will hear by email either way.")
            else:
                done = _(
                    "Your request is with the facilitators. You will hear by email either way."
                )
            messages.success(request, done)
            return redirect(community.get_absolute_url())
    return render(
        request,
        "memberships/request.html",
        {"community": community, "form": form, "norms": current_norms(community)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def withdraw_request(request, slug):
    community = community_by_slug_for(request.user, slug)
    join_request = JoinRequest.objects.filter(
        community=community, user=request.user, status=JoinRequest.Status.PENDING
    ).first()
    if join_request is None:
        return redirect(community.get_absolute_url())
    services.withdraw_request(actor=request.user, join_request=join_request)
    messages.success(request, _("Your request was withdrawn."))
    return redirect("communities:directory")


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, slug):
    community = community_by_slug_for(request.user, slug)
    permissions.require_or_404(request.user, "community.leave", community)
    membership = permissions.standing(request.user, community).membership
    last = services.is_last_facilitator(membership)
    candidates = services.successor_candidates(community) if last else None
    form = LeaveForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave(
                actor=request.user,
                community=community,
                successor=form.cleaned_data.get("successor"),
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("You left %(name)s. What you wrote there remains.") % {"name": community.name},
            )
            return redirect("communities:directory")
    return render(
        request,
        "memberships/leave.html",
        {
            "community": community,
            "form": form,
            "last_facilitator": last,
            "no_successor": last and not candidates.exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def on_leave(request, slug):
    community = community_by_slug_for(request.user, slug)
    permissions.require_or_404(request.user, "community.leave", community)
    going = request.POST.get("on_leave") == "1"
    if going:
        done = _("You are on leave: you still read everything; come back whenever you like.")
    else:
        done = _("Welcome back to %(name)s.") % {"name": community.name}
    attempt(
        request,
        lambda: services.set_on_leave(actor=request.user, community=community, on_leave=going),
        done=done,
    )
    return redirect(community.get_absolute_url())


@login_required
def manage(request, slug):
    community = community_by_slug_for(request.user, slug, "community.manage")
    rows, next_after = members_page(request.user, community, after=request.GET.get("after"))
    context = {
        "community": community,
        "requests": pending_requests(request.user, community),
        "invitations": selectors.open_invitations(community),
        "members": rows,
        "next_after": next_after,
        "guests": selectors.guest_presenters(community),
        "former": selectors.former_members(request.user, community),
        "reasons_hidden": not permissions.can(request.user, "community.read_reasons", community),
        "invite_form": InvitationForm(),
        "delegate_form": DelegateForm(community=community),
        "band": community.size_band,
        # Admission proposals are for the seated; a site admin managing the
        # community sees that the members decide, not what they discuss.
        "seated": permissions.standing(request.user, community).is_seated,
    }
    return render(request, "memberships/manage.html", context)


@login_required
@require_POST
def decide(request, slug, request_id):
    community = community_by_slug_for(request.user, slug, "community.manage")
    join_request = get_object_or_404(JoinRequest, pk=request_id, community=community)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline."))
        return redirect("memberships:manage", slug=slug)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_request(
            actor=request.user,
            join_request=join_request,
            approve=approve,
            note=form.cleaned_data["note"],
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        if approve:
            done = _("%(name)s's request was approved; they have been told.")
        else:
            done = _("%(name)s's request was declined; they have been told.")
        messages.success(request, done % {"name": join_request.user.name})
    return redirect("memberships:manage", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    community = community_by_slug_for(request.user, slug, "community.invite")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                actor=request.user, community=community, **form.cleaned_data
            )
        except UserFacingError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("memberships:manage", slug=slug)
    return render(
        request,
        "memberships/invite.html",
        {"community": community, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_invitation(request, slug, invitation_id):
    community = community_by_slug_for(request.user, slug, "community.invite")
    invitation = get_object_or_404(Invitation, pk=invitation_id, community=community)
    services.revoke_invitation(actor=request.user, invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("memberships:manage", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, slug, membership_id):
    community = community_by_slug_for(request.user, slug, "community.manage")
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, community=community
    )
    form = RemovalForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(name)s was removed and told why.") % {"name": membership.user.name}
            )
            return redirect("memberships:manage", slug=slug)
    return render(
        request,
        "memberships/remove.html",
        {"community": community, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def change_role(request, slug, membership_id):
    community = community_by_slug_for(request.user, slug, "community.manage")
    membership = get_object_or_404(Membership, pk=membership_id, community=community)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Role changed."))
    else:
        messages.error(request, _("Choose a role."))
    return redirect("memberships:manage", slug=slug)


@login_required
@require_POST
def appoint_delegate(request, slug):
    community = community_by_slug_for(request.user, slug, "community.manage")
    form = DelegateForm(request.POST, community=community)
    if form.is_valid():
        try:
            invitation = services.invite_delegate(
                actor=request.user,
                community=community,
                email=form.cleaned_data["email"],
                principal=form.cleaned_data["principal"],
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            # The same answer whether or not the address has an account.
            messages.success(
                request,
                _("Invitation sent to %(email)s to read on behalf of %(name)s.")
                % {"email": invitation.email, "name": form.cleaned_data["principal"].user.name},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("memberships:manage", slug=slug)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The emailed link. Signed-out visitors are sent through sign-up or sign-in
    and come back here; the invited address counts as verified."""
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationInvalid as error:
        return render(
            request, "core/error.html", {"title": error.title, "message": error.message}, status=410
        )
    community = invitation.community
    if not request.user.is_authenticated:
        # The link reached this address, so sign-up with it needs no second check.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(
            request,
            "memberships/invitation_signed_out.html",
            {"invitation": invitation, "community": community, "next": request.get_full_path()},
        )
    return _accept_norms_then(
        request,
        community,
        "memberships/invitation.html",
        {"invitation": invitation},
        lambda version: services.accept_invitation(
            actor=request.user, invitation=invitation, accepted_norms_version=version
        ),
    )
