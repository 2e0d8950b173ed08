"""Home: where a signed-in person lands, with what waits for them in every
community they belong to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from copse.home import selectors, services


@login_required
@require_GET
def index(request):
    since = services.record_visit(actor=request.user)
    page = selectors.home_for(request.user, since=since)
    return render(request, "home/index.html", {"page": page})
