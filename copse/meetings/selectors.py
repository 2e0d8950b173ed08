"""Reads about meetings, always as seen by one viewer."""

from django.http import Http404

from copse.core import permissions
from copse.meetings.models import Meeting


def meeting_for(viewer, slug: str, meeting_id: int, action: str = "meeting.view") -> Meeting:
    """The meeting if `viewer` may `action` it, else the same 404 as a missing one.

    Guest presenters reach their meetings here although the community itself
    is hidden from them, so this does not go through the community lookup.
    """
    meeting = (
        Meeting.objects.select_related(
            "community", "series", "host_organisation", "host_contact", "organiser"
        )
        .filter(pk=meeting_id, community__slug=slug)
        .first()
    )
    if meeting is None:
        raise Http404
    permissions.require_or_404(viewer, action, meeting)
    return meeting
