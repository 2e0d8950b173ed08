"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py)."""

from django.utils import timezone

#                                   an   nm   rq   iv   mb   dl   gp   fc   fm   sa
PRESENTER_TOO = [404, 404, 404, 404, 200, 200, 200, 200, 404, 404]


def _meeting(ctx):
    return {"slug": "circle", "meeting_id": ctx["meeting_id"]}


ROWS = {
    "meetings:detail": (_meeting, "get", "", None, PRESENTER_TOO),
}


def build(community, people, ctx):
    """A meeting next month at which the guest presenter presents."""
    from copse.meetings.models import AgendaItem, Meeting

    start = timezone.now() + timezone.timedelta(days=30)
    meeting = Meeting.objects.create(
        community=community,
        title="Quarterly gathering",
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=4),
        time_zone="Europe/London",
        address="1 Secret Street",
        organiser=people["facilitator"],
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Carrier negotiation",
        presenter=people["guest_presenter"],
    )
    ctx["meeting_id"] = meeting.pk
