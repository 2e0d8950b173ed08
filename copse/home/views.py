"""Home: where a signed-in person lands, with what waits for them in every
community they belong to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from copse.home import selectors, services


@login_required
@require_GET
def index(request):
    # The visit marker comes with the communities' statement; moving it
    # decides what counts as new for everything else on the page.
    communities, visit = selectors.my_communities(request.user)
    if visit is selectors.VISIT_NOT_READ:
        since = services.record_visit(actor=request.user)
    else:
        since = services.record_visit(actor=request.user, visit=visit)
    page = selectors.home_for(request.user, since=since, communities=communities)
    return render(request, "home/index.html", {"page": page})
