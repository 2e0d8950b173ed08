"""The download URLs, the feed URL and the page that issues and revokes it."""

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.calendars.models import CalendarFeed
from copse.calendars.tests import authorization_rows
from copse.calendars.tests.helpers import events, make_meeting, make_series_with_meetings
from copse.core import permissions
from copse.core.tests.authorization import SECRET
from copse.meetings.tests import authorization_rows as meeting_rows

FEED_URL = re.compile(r'value="(https?://[^"]+/calendar/feed/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def member(db):
    community = testing.make_community(slug="guild", visibility="members")
    user = testing.make_user()
    testing.seat(community, user)
    make_meeting(community, title="Guild night")
    return user


def _issue(client, user):
    """Press the button; return the feed path and token shown on the page."""
    client.force_login(user)
    response = client.post(reverse("calendars:regenerate"))
    assert response.status_code == 200
    url, token = FEED_URL.search(response.content.decode()).groups()
    client.logout()
    return reverse("calendars:feed", kwargs={"token": token}), token


def test_the_settings_page_offers_a_feed(client, member):
    client.force_login(member)
    response = client.get(reverse("calendars:settings"))
    assert response.status_code == 200
    assert b"You have no feed yet." in response.content
    assert b"csrfmiddlewaretoken" in response.content
    assert b"<script" not in response.content.split(b"</head>")[1]
    assert b"style=" not in response.content


def test_the_token_is_shown_once_and_only_its_digest_is_stored(client, member):
    path, token = _issue(client, member)
    assert len(token) >= 43
    stored = CalendarFeed.objects.get(user=member)
    assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_digest
    client.force_login(member)
    page = client.get(reverse("calendars:settings"))
    assert b"You have a feed" in page.content
    assert token.encode() not in page.content
    assert not any(token in str(value) for value in client.session.values())


def test_the_feed_answers_without_a_session(client, member):
    path, _ = _issue(client, member)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex"
    assert "max-age=300" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    (event,) = events(response.content)
    assert str(event["SUMMARY"]) == "Guild night"


def test_regenerating_breaks_the_old_address(client, member):
    old_path, _ = _issue(client, member)
    new_path, _ = _issue(client, member)
    assert new_path != old_path
    missing = client.get(old_path)
    assert missing.status_code == 404
    assert b"Page not found" in missing.content
    assert client.get(new_path).status_code == 200
    assert CalendarFeed.objects.filter(user=member).count() == 1


def test_revoking_breaks_the_address(client, member):
    path, _ = _issue(client, member)
    client.force_login(member)
    response = client.post(reverse("calendars:revoke"), follow=True)
    assert b"Your calendar feed is switched off." in response.content
    assert b"You have no feed yet." in response.content
    client.logout()
    assert client.get(path).status_code == 404
    assert not CalendarFeed.objects.filter(user=member).exists()


def test_revoking_without_a_feed_says_so(client, member):
    client.force_login(member)
    response = client.post(reverse("calendars:revoke"), follow=True)
    assert b"You had no calendar feed to switch off." in response.content


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 500])
def test_an_unknown_token_is_the_normal_404(client, db, token):
    response = client.get(reverse("calendars:feed", kwargs={"token": token}))
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_an_inactive_owner_has_no_feed(client, member):
    path, _ = _issue(client, member)
    member.is_active = False
    member.save()
    assert client.get(path).status_code == 404


def test_a_fetch_is_noted_at_most_once_an_hour(client, member):
    path, _ = _issue(client, member)
    client.get(path)
    first = CalendarFeed.objects.get(user=member).last_fetched_at
    assert first is not None
    client.get(path)
    assert CalendarFeed.objects.get(user=member).last_fetched_at == first
    earlier = timezone.now() - dt.timedelta(hours=2)
    CalendarFeed.objects.filter(user=member).update(last_fetched_at=earlier)
    client.get(path)
    assert CalendarFeed.objects.get(user=member).last_fetched_at > earlier + dt.timedelta(hours=1)


def test_the_feed_and_its_page_need_the_right_methods(client, member):
    client.force_login(member)
    assert client.get(reverse("calendars:regenerate")).status_code == 405
    assert client.get(reverse("calendars:revoke")).status_code == 405
    assert not CalendarFeed.objects.filter(user=member).exists()


def test_meeting_download_is_an_attachment_named_after_the_meeting(client, roles):
    community, people = roles
    meeting = make_meeting(community, title="Carrier talks: what's next?")
    client.force_login(people["member"])
    url = reverse("calendars:meeting_ics", kwargs={"slug": "circle", "meeting_id": meeting.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="carrier-talks-whats-next.ics"'
    # A download with a session carries the detail the viewer may see.
    assert str(events(response.content)[0]["SUMMARY"]) == "Carrier talks: what's next?"


def test_meeting_download_is_hidden_from_those_who_may_not_see_it(client, roles):
    community, people = roles
    meeting = make_meeting(community)
    client.force_login(people["former_member"])
    url = reverse("calendars:meeting_ics", kwargs={"slug": "circle", "meeting_id": meeting.pk})
    assert client.get(url).status_code == 404
    other = reverse("calendars:meeting_ics", kwargs={"slug": "elsewhere", "meeting_id": meeting.pk})
    client.force_login(people["member"])
    assert client.get(other).status_code == 404


def test_a_series_of_another_community_is_not_found(client, roles):
    community, people = roles
    other = testing.make_community(slug="guild", visibility="members")
    testing.seat(other, people["member"])
    theirs = make_series_with_meetings(other, first_date=timezone.localdate(), months=2)
    ours = make_series_with_meetings(community, first_date=timezone.localdate(), months=2)
    client.force_login(people["member"])
    wrong = reverse("calendars:series_ics", kwargs={"slug": "circle", "series_id": theirs.pk})
    assert client.get(wrong).status_code == 404
    right = reverse("calendars:series_ics", kwargs={"slug": "circle", "series_id": ours.pk})
    response = client.get(right)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="monthly-circle.ics"'


def test_the_matrix_feed_lists_the_secret_meeting_without_its_secret(client, roles):
    """The matrix fetches the member's feed as every role and checks the secret
    never shows: that only tests something if the meeting is in the feed."""
    community, people = roles
    ctx = {}
    meeting_rows.build(community, people, ctx)
    authorization_rows.build(community, people, ctx)
    permissions.forget_standings(people["member"])
    response = client.get(reverse("calendars:feed", kwargs={"token": ctx["calendar_token"]}))
    uids = {str(event["UID"]) for event in events(response.content)}
    assert f"meeting-{ctx['secret_meeting_id']}@" in " ".join(uids)
    assert SECRET.encode() not in response.content


def test_the_feed_is_served_when_its_fetch_time_cannot_be_written(client, member):
    from copse.core.tests.full_disk import database_refuses_writes

    path, _ = _issue(client, member)
    with database_refuses_writes() as refused:
        response = client.get(path)
    assert refused, "the fetch time was not written"
    assert response.status_code == 200 and b"Guild night" in response.content
    assert CalendarFeed.objects.get(user=member).last_fetched_at is None
