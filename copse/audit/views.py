from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from copse.audit import selectors
from copse.communities.selectors import community_by_slug_for
from copse.core import permissions


def _page(request, community):
    return selectors.entries(request.user, community=community, before=request.GET.get("before"))


@login_required
def community_log(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_audit")
    rows, next_cursor = _page(request, community)
    return render(
        request,
        "audit/log.html",
        {"community": community, "rows": rows, "next_cursor": next_cursor},
    )


@login_required
def all_log(request):
    permissions.require_or_404(request.user, "audit.view_all")
    rows, next_cursor = _page(request, None)
    return render(request, "audit/log.html", {"rows": rows, "next_cursor": next_cursor})
