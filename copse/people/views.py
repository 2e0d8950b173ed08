"""A person's profile, the expertise and experience they shared with the
viewer, and the activity of theirs that the viewer may read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from copse.accounts.models import User
from copse.conversations import selectors as conversation_selectors
from copse.core import permissions
from copse.expertise import selectors as expertise_selectors


@login_required
def profile(request, handle):
    person = User.objects.select_related("organisation").filter(handle=handle).first()
    if person is None:
        raise Http404
    permissions.require_or_404(request.user, "person.view", person)
    activity = conversation_selectors.activity_of(
        request.user, person, before=request.GET.get("before")
    )
    context = {
        "person": person,
        "activity": activity,
        # Only what the person told in communities they share with the viewer.
        "entries": expertise_selectors.entries_of(request.user, person),
    }
    return render(request, "people/profile.html", context)
