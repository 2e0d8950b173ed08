"""Free-text reasons of a members or confidential community stay with its
facilitators and the person concerned, attacks first: a site admin reading
every page that shows reasons (the community's and the programme's audit log,
the members page's former members) never sees what was written."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.meetings import services as meetings
from copse.memberships import services as memberships
from copse.memberships.models import Membership

REMOVAL = "Leaked the merger plan to a journalist"
CANCELLATION = "The chair is in hospital for surgery"
TAKEDOWN = "Named a colleague under investigation"


def _write_reasons(community, people):
    facilitator = people["facilitator"]
    memberships.remove_member(
        actor=facilitator,
        membership=Membership.objects.get(community=community, user=people["member"]),
        reason=REMOVAL,
    )
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    meeting = meetings.create_meeting(
        actor=facilitator,
        community=community,
        title="Quarterly",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        time_zone="UTC",
        address="Room 1",
    )
    meetings.cancel_meeting(actor=facilitator, meeting=meeting, reason=CANCELLATION)
    writer = testing.make_user(name="Wanda Writer")
    testing.seat(community, writer)
    thread = conversations.start_thread(
        actor=facilitator, community=community, kind="discussion", title="t", body="b"
    )
    post = conversations.post_reply(actor=writer, thread=thread, body="A reply")
    conversations.remove_post(actor=facilitator, post=post, reason=TAKEDOWN)


def _reason_pages(community):
    return [
        reverse("audit:community", args=[community.slug]),
        reverse("audit:all"),
        reverse("memberships:manage", args=[community.slug]),
    ]


def test_site_admin_reads_no_reason_of_a_confidential_community(client, roles):
    community, people = roles
    _write_reasons(community, people)
    client.force_login(people["site_admin"])
    for url in _reason_pages(community):
        response = client.get(url)
        assert response.status_code == 200, url
        for reason in (REMOVAL, CANCELLATION, TAKEDOWN):
            assert reason.encode() not in response.content, f"{url} shows {reason!r}"
    # The log still says that something happened, and that a reason exists.
    log = client.get(reverse("audit:community", args=[community.slug])).content.decode()
    assert "Fay Facilitator removed Mona Member from The Circle (reason: (shown to" in log
    assert "facilitators and the person concerned only" in log


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_facilitators_read_every_reason(client, roles, visibility):
    community, people = roles
    community.visibility = visibility
    community.save(update_fields=["visibility"])
    _write_reasons(community, people)
    client.force_login(people["facilitator"])
    log = client.get(reverse("audit:community", args=[community.slug])).content.decode()
    for reason in (REMOVAL, CANCELLATION, TAKEDOWN):
        assert reason in log
    manage = client.get(reverse("memberships:manage", args=[community.slug])).content.decode()
    assert REMOVAL in manage


def test_site_admin_reads_reasons_of_an_open_community(client, roles):
    """Open communities' content is open to every signed-in person anyway."""
    community, people = roles
    community.visibility = "open"
    community.save(update_fields=["visibility"])
    _write_reasons(community, people)
    client.force_login(people["site_admin"])
    log = client.get(reverse("audit:all")).content.decode()
    assert REMOVAL in log and CANCELLATION in log


def test_members_site_admin_reads_no_reason_either(client, roles):
    community, people = roles
    community.visibility = "members"
    community.save(update_fields=["visibility"])
    _write_reasons(community, people)
    client.force_login(people["site_admin"])
    for url in _reason_pages(community):
        assert REMOVAL.encode() not in client.get(url).content, url


def test_the_forms_say_who_reads_the_reason(client, roles):
    community, people = roles
    membership = Membership.objects.get(community=community, user=people["member"])
    for who, expected in (
        ("facilitator", "site admins do not see it"),
        ("site_admin", "site admins do not see it"),
    ):
        client.force_login(people[who])
        page = client.get(reverse("memberships:remove", args=[community.slug, membership.pk]))
        assert expected in page.content.decode()
    community.visibility = "open"
    community.save(update_fields=["visibility"])
    page = client.get(reverse("memberships:remove", args=[community.slug, membership.pk]))
    assert "facilitators and the site admins" in page.content.decode()


def test_the_removed_person_is_told_their_reason(
    roles, mailoutbox, django_capture_on_commit_callbacks
):
    community, people = roles
    with django_capture_on_commit_callbacks(execute=True):
        _write_reasons(community, people)
    told = [m for m in mailoutbox if people["member"].email in m.to]
    assert any(REMOVAL in m.body for m in told)


def test_a_site_admin_managing_a_confidential_community_does_not_read_a_join_request_note(
    client, roles
):
    community, people = roles
    note = "My firm is about to be acquired, which is why I want in"
    request = testing.request_join(community, testing.make_user(name="Nina Newcomer"))
    request.note = note
    request.save(update_fields=["note"])
    manage = reverse("memberships:manage", args=[community.slug])
    client.force_login(people["site_admin"])
    page = client.get(manage).content.decode()
    assert "Nina Newcomer" in page and note not in page
    assert "They wrote a note for the facilitators." in page
    client.force_login(people["facilitator"])
    assert note in client.get(manage).content.decode()
