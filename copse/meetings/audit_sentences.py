"""How meeting actions read in the audit log."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.audit.sentences import Ref, register, when


def _meeting_name(meeting) -> str:
    return f"“{meeting.title}” ({when(meeting.starts_at)})"


MEETING = Ref(
    "meetings.Meeting",
    key="meeting_id",
    permission="meeting.view",
    hidden=_("a meeting"),
    name=_meeting_name,
)
SERIES = Ref(
    "meetings.MeetingSeries",
    key="series_id",
    permission="community.read",
    hidden=_("a meeting series"),
    name=lambda series: f"“{series.title}”",
    link=False,
)
MATERIAL = Ref(
    "meetings.Material",
    key="material_id",
    permission="meeting.view",
    hidden=_("a file"),
    name=lambda material: material.original_name,
    related=("meeting__community",),
    link=False,
)
# A meeting's fields, as "changed the {fields} of" names them.
FIELDS = {
    "title": pgettext_lazy("meeting field", "title"),
    "description": pgettext_lazy("meeting field", "description"),
    "starts_at": pgettext_lazy("meeting field", "start"),
    "ends_at": pgettext_lazy("meeting field", "end"),
    "time_zone": pgettext_lazy("meeting field", "time zone"),
    "format": pgettext_lazy("meeting field", "format"),
    "host_organisation": pgettext_lazy("meeting field", "host organisation"),
    "host_contact": pgettext_lazy("meeting field", "host contact"),
    "address": pgettext_lazy("meeting field", "address"),
    "web_link": pgettext_lazy("meeting field", "web link"),
    "dinner_venue": pgettext_lazy("meeting field", "dinner venue"),
    "rsvp_deadline": pgettext_lazy("meeting field", "RSVP deadline"),
    "capacity": pgettext_lazy("meeting field", "capacity"),
}

register("meeting.series_created", _("{actor} started the meeting series {series}"), series=SERIES)
register("meeting.series_ended", _("{actor} ended the meeting series {series}"), series=SERIES)
register("meeting.created", _("{actor} scheduled {meeting}"), meeting=MEETING)
register(
    "meeting.changed",
    _("{actor} changed the {fields} of {meeting}"),
    meeting=MEETING,
    words={"fields": FIELDS},
)
register("meeting.cancelled", _("{actor} cancelled {meeting} (reason: {reason})"), meeting=MEETING)
register(
    "meeting.host_offer",
    _("{actor} said whether their organisation would host (willing: {willing})"),
)
register(
    "meeting.delegate_sent",
    _("{actor} sent {subject} to {meeting} in their place"),
    meeting=MEETING,
)
register(
    "meeting.material_uploaded",
    _("{actor} uploaded {material} to {meeting}"),
    meeting=MEETING,
    material=MATERIAL,
)
register("meeting.material_removed", _("{actor} removed a file from {meeting}"), meeting=MEETING)
register(
    "meeting.summary_published", _("{actor} published the summary of {meeting}"), meeting=MEETING
)
register(
    "meeting.summary_revised", _("{actor} corrected the summary of {meeting}"), meeting=MEETING
)
register(
    "meeting.feedback_shared",
    _("{actor} shared the feedback on {subject}'s presentation at {meeting} with them"),
    meeting=MEETING,
)
register(
    "meeting.feedback_unshared",
    _("{actor} stopped sharing the feedback on {subject}'s presentation at {meeting}"),
    meeting=MEETING,
)
