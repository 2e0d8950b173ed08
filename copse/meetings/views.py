"""Meeting pages. Views parse input, call selectors and services, render."""

from django.shortcuts import render

from copse.meetings import selectors


def meeting_detail(request, slug, meeting_id):
    meeting = selectors.meeting_for(request.user, slug, meeting_id)
    return render(request, "meetings/detail.html", {"meeting": meeting})
