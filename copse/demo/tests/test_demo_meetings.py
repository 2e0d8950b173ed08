"""The demo's meetings show what people do around them: a member on leave
sends her delegate, members comment on a summary still in draft, and a guest
presenter reads the feedback shared with him; loaded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from copse.accounts.models import User
from copse.meetings.models import AgendaItem, Meeting, PresentationFeedback, Rsvp, SummaryComment

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Rsvp.objects.exclude(delegated_from=None).count(),
        SummaryComment.objects.count(),
        AgendaItem.objects.exclude(feedback_shared_at=None).count(),
    )


def test_the_demo_meetings_have_a_delegate_comments_on_a_draft_and_shared_feedback(client):
    call_command("demo", stdout=StringIO())
    first = _counts()
    call_command("demo", stdout=StringIO())
    assert _counts() == first  # loaded once
    now = timezone.now()

    # Margaret is on leave; Tom goes to the next lunch in her place.
    margaret = User.objects.get(email="margaret.osei@university.example")
    sent = Rsvp.objects.select_related("meeting", "user").get(delegated_from=margaret)
    assert sent.user.email == "tom.becker@university.example"
    assert sent.place == "going" and sent.meeting.starts_at > now
    client.force_login(margaret)
    page = client.get(sent.meeting.get_absolute_url()).content.decode()
    assert "You are on leave from" in page
    assert "<strong>Tom Becker</strong> goes in your place." in page

    # The last lunch's summary is a draft, with members' comments on it.
    draft = Meeting.objects.get(
        community__slug="administrators-cop",
        summary_published_at=None,
        ends_at__lt=now,
        pk__in=SummaryComment.objects.values("meeting_id"),
    )
    assert draft.summary_comments.count() == 2
    assert all(draft.ends_at < c.created_at <= now for c in draft.summary_comments.all())
    client.force_login(User.objects.get(email="joanne.whitfield@university.example"))
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Comments on the draft" in page and "1 September" in page
    assert '<button type="submit" name="publish" value="1">Publish as the meeting record' in page

    # A guest presenter reads the feedback on his talk, and no one's name.
    shared = AgendaItem.objects.select_related("presenter", "meeting").get(
        feedback_shared_at__isnull=False
    )
    assert shared.presenter.memberships.get(community=shared.meeting.community).role == (
        "guest_presenter"
    )
    assert shared.meeting.ends_at < shared.feedback_shared_at <= now
    client.force_login(shared.presenter)
    page = client.get(shared.meeting.get_absolute_url()).content.decode()
    assert "Feedback on your presentation" in page
    comments = [f.comment for f in PresentationFeedback.objects.filter(agenda_item=shared)]
    assert any(c and c in page for c in comments)
    for author in PresentationFeedback.objects.filter(agenda_item=shared).select_related("author"):
        assert author.author.name not in page
