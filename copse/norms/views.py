"""Norms pages: the current version with its history, diffs, publishing, accepting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions
from copse.norms import selectors, services
from copse.norms.forms import NormsForm


def current(request, slug):
    community = community_by_slug_for(request.user, slug)
    standing = permissions.standing(request.user, community)
    context = {
        "community": community,
        "norms": selectors.current_norms(community),
        "history": selectors.norms_history(community),
        "needs_acceptance": standing.is_seated
        and standing.membership.norms_accepted < community.norms_version,
        "can_publish": permissions.can(request.user, "community.publish_norms", community),
        "can_see_acceptance": permissions.can(
            request.user, "community.view_norms_acceptance", community
        ),
    }
    return render(request, "norms/current.html", context)


def version(request, slug, number):
    community = community_by_slug_for(request.user, slug)
    norms = community.norms_versions.select_related("published_by").filter(number=number).first()
    if norms is None:
        raise Http404
    return render(request, "norms/version.html", {"community": community, "norms": norms})


def diff(request, slug):
    community = community_by_slug_for(request.user, slug)
    older_number = cursors.integer(request.GET.get("from"), minimum=1)
    newer_number = cursors.integer(request.GET.get("to"), minimum=1)
    if older_number is None or newer_number is None:
        raise Http404
    versions = {
        v.number: v
        for v in community.norms_versions.filter(number__in=[older_number, newer_number])
    }
    if older_number not in versions or newer_number not in versions:
        raise Http404
    older, newer = versions[older_number], versions[newer_number]
    return render(
        request,
        "norms/diff.html",
        {
            "community": community,
            "older": older,
            "newer": newer,
            "lines": selectors.diff_versions(older, newer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    community = community_by_slug_for(request.user, slug, "community.publish_norms")
    current_version = selectors.current_norms(community)
    form = NormsForm(
        request.POST or None, initial={"body": current_version.body if current_version else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            published = services.publish_norms(
                actor=request.user, community=community, **form.cleaned_data
            )
        except services.NormsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                gettext("Version %(number)s is published. Members will be asked to accept it.")
                % {"number": published.number},
            )
            return redirect("norms:current", slug=slug)
    return render(
        request,
        "norms/edit.html",
        {"community": community, "form": form, "current": current_version},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def accept(request, slug):
    community = community_by_slug_for(request.user, slug)
    standing = permissions.standing(request.user, community)
    if not standing.is_seated:
        raise Http404
    try:
        shown = int(request.POST.get("norms_version", ""))
    except ValueError:
        shown = -1
    if shown != community.norms_version:
        messages.error(
            request,
            gettext("The norms changed again while you were reading. Please read this version."),
        )
        return redirect("norms:current", slug=slug)
    services.accept_current_norms(actor=request.user, community=community)
    messages.success(request, gettext("Thank you: you accepted the current norms."))
    return redirect(community.get_absolute_url())


@login_required
def acceptance(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_norms_acceptance")
    return render(
        request,
        "norms/acceptance.html",
        {"community": community, "members": selectors.acceptance_by_member(community)},
    )
