"""How meeting actions read in the audit log."""

from copse.audit.sentences import Ref, register, when


def _meeting_name(meeting) -> str:
    return f"“{meeting.title}” ({when(meeting.starts_at)})"


MEETING = Ref(
    "meetings.Meeting",
    key="meeting_id",
    permission="meeting.view",
    hidden="a meeting",
    name=_meeting_name,
)
SERIES = Ref(
    "meetings.MeetingSeries",
    key="series_id",
    permission="community.read",
    hidden="a meeting series",
    name=lambda series: f"“{series.title}”",
    link=False,
)
MATERIAL = Ref(
    "meetings.Material",
    key="material_id",
    permission="meeting.view",
    hidden="a file",
    name=lambda material: material.original_name,
    related=("meeting__community",),
    link=False,
)

register("meeting.series_created", "{actor} started the meeting series {series}", series=SERIES)
register("meeting.series_ended", "{actor} ended the meeting series {series}", series=SERIES)
register("meeting.created", "{actor} scheduled {meeting}", meeting=MEETING)
register("meeting.changed", "{actor} changed the {fields} of {meeting}", meeting=MEETING)
register("meeting.cancelled", "{actor} cancelled {meeting} (reason: {reason})", meeting=MEETING)
register(
    "meeting.host_offer",
    "{actor} said whether their organisation would host (willing: {willing})",
)
register(
    "meeting.delegate_sent", "{actor} sent {subject} to {meeting} in their place", meeting=MEETING
)
register(
    "meeting.material_uploaded",
    "{actor} uploaded {material} to {meeting}",
    meeting=MEETING,
    material=MATERIAL,
)
register("meeting.material_removed", "{actor} removed a file from {meeting}", meeting=MEETING)
register("meeting.summary_published", "{actor} published the summary of {meeting}", meeting=MEETING)
register("meeting.summary_revised", "{actor} corrected the summary of {meeting}", meeting=MEETING)
register(
    "meeting.feedback_shared",
    "{actor} shared the feedback on {subject}'s presentation at {meeting} with them",
    meeting=MEETING,
)
register(
    "meeting.feedback_unshared",
    "{actor} stopped sharing the feedback on {subject}'s presentation at {meeting}",
    meeting=MEETING,
)
