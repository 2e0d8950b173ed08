"""The audit log speaks its reader's language: the same entries read in
French to a facilitator who chose French, in English to one who did not,
down to what a hidden thing is called and the words for a detail."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation

from copse import testing
from copse.audit import sentences
from copse.audit.services import record
from copse.conversations import services as conversations
from copse.meetings import services as meetings

THREAD_TITLE = "Merger with Fabrikam next spring"
MEETING_TITLE = "December meeting"


def _logged(community, facilitator):
    """A thread moved to a community its reader cannot see, a meeting
    cancelled, and a block on a proposal the reader cannot see."""
    thread = conversations.start_thread(
        actor=facilitator, community=community, kind="discussion", title=THREAD_TITLE, body="b"
    )
    elsewhere = testing.make_community(
        slug="inner-circle", name="The Inner Sanctum", visibility="confidential", listed=False
    )
    record(
        actor=facilitator,
        action="conversation.moved_out",
        community=community,
        thread=thread.pk,
        to=elsewhere.slug,
    )
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    meeting = meetings.create_meeting(
        actor=facilitator,
        community=community,
        title=MEETING_TITLE,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        time_zone="UTC",
        address="Room 1",
    )
    meetings.cancel_meeting(actor=facilitator, meeting=meeting, reason="Room flooded")
    record(
        actor=facilitator,
        action="proposal.position_taken",
        community=community,
        proposal=999_999,
        stance="block",
    )
    return thread, meeting


def _log(client, reader, community):
    client.force_login(reader)
    response = client.get(reverse("audit:community", args=[community.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_facilitator_reads_the_log_in_french_and_another_in_english(client, roles):
    community, people = roles
    french_reader = people["facilitator"]
    french_reader.language = "fr"
    french_reader.save(update_fields=["language"])
    english_reader = testing.make_user("second@example.com", name="Sam Second")
    testing.seat(community, english_reader, role="facilitator")
    thread, meeting = _logged(community, french_reader)
    thread_link = f'<a href="{thread.get_absolute_url()}">“{THREAD_TITLE}”</a>'
    meeting_link = f'<a href="{meeting.get_absolute_url()}">“{MEETING_TITLE}” ('

    french = _log(client, french_reader, community)
    with translation.override("fr"):
        french_day = sentences.when(meeting.starts_at)
    assert f"Fay Facilitator a déplacé {thread_link} vers une autre communauté" in french
    assert f"Fay Facilitator a annulé {meeting_link}{french_day})</a> (motif : " in french
    assert "Fay Facilitator a répondu à une proposition : objection bloquante" in french
    assert "moved" not in french and "cancelled" not in french

    english = _log(client, english_reader, community)
    english_day = sentences.when(meeting.starts_at)
    assert f"Fay Facilitator moved {thread_link} to another community" in english
    assert f"Fay Facilitator cancelled {meeting_link}{english_day})</a> (reason: " in english
    assert "Fay Facilitator answered a proposal: block" in english
    assert "déplacé" not in english and "annulé" not in english
    for log in (french, english):
        assert "Inner Sanctum" not in log
