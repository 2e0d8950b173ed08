"""From a join request to the admission proposal the members answer about it.

Pages below decisions (the facilitators' members page, a requester's own
request) know a join request, not its proposal; they link here by URL name.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.decisions.admissions import proposal_for_request


def admission(request, slug, request_id):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    proposal = proposal_for_request(request_id)
    if proposal is None or proposal.community_id != community.pk:
        raise Http404
    proposal.community = community
    permissions.require_or_404(request.user, "proposal.read", proposal)
    return redirect(proposal.get_absolute_url())
