"""What a delivery carries: of a confidential community ids, the event, its
time and links, never a word anyone wrote or anyone's name; site-wide
webhooks only what a site admin may know."""

import pytest

from copse import testing
from copse.conversations import services as conversations
from copse.memberships import services as memberships
from copse.webhooks import services
from copse.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.usefixtures("loopback_allowed")

TITLE = "Layoffs planned at Fabrikam"
BODY = "We cut 40 posts in March; keep this in the room."


def _people(community):
    facilitator = testing.make_user(name="Fiona Facil")
    member = testing.make_user(name="Zed Writer")
    testing.seat(community, facilitator, role="facilitator")
    testing.seat(community, member)
    return facilitator, member


def _everything_they_wrote(community, member):
    return (TITLE, BODY, member.name, member.handle, community.name, "Fiona Facil", "Zed")


def test_a_confidential_communitys_webhook_carries_no_content(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(
        slug="boardroom", name="Boardroom Circle", visibility="confidential", listed=False
    )
    facilitator, member = _people(community)
    services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=["post.published", "thread.created", "post.edited", "membership.started"],
    )
    newcomer = testing.make_user(name="Nora Newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        thread = conversations.start_thread(
            actor=member, community=community, kind="discussion", title=TITLE, body=BODY
        )
    opening = thread.posts.get(position=0)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.edit_post(actor=member, post=opening, body=BODY + " Really.")
    invitation = memberships.invite(actor=facilitator, community=community, email=newcomer.email)
    with django_capture_on_commit_callbacks(execute=True):
        memberships.accept_invitation(
            actor=newcomer, invitation=invitation, accepted_norms_version=0
        )
    events = sorted(r.headers["Copse-Event"] for r in receiver.received)
    assert events == ["membership.started", "post.edited", "post.published", "thread.created"]
    for request in receiver.received:
        raw = request.body.decode()
        for secret in (*_everything_they_wrote(community, member), "Nora", "Newcomer", "Really"):
            assert secret not in raw, f"{secret!r} in {request.headers['Copse-Event']}"
        document = request.json
        assert document["disclosure"] == "ids_and_links"
        assert set(document["community"]) == {"id", "url"}
    published = next(r for r in receiver.received if r.headers["Copse-Event"] == "post.published")
    data = published.json["data"]
    assert data["post"]["id"] == opening.pk
    assert data["post"]["url"].startswith("http")
    assert set(data["post"]) == {"id", "thread_id", "position", "url"}
    assert set(data["thread"]) == {"id", "url"}
    started = next(r for r in receiver.received if r.headers["Copse-Event"] == "membership.started")
    assert set(started.json["data"]["membership"]) == {"id", "url"}


def test_a_thread_written_while_confidential_stays_ids_only_after_the_community_opens(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(slug="was-closed", visibility="confidential")
    facilitator, member = _people(community)
    thread = conversations.start_thread(
        actor=member, community=community, kind="discussion", title=TITLE, body=BODY
    )
    testing.members_open_up(community, facilitator, visibility="members")
    services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=["post.published"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversations.post_reply(actor=member, thread=thread, body="A reply with the figures.")
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="New", body="Fresh words"
        )
    by_thread = {r.json["data"]["thread"]["id"]: r for r in receiver.received}
    old = by_thread[thread.pk]
    assert old.json["disclosure"] == "ids_and_links"
    assert b"figures" not in old.body and TITLE.encode() not in old.body
    new = next(r for key, r in by_thread.items() if key != thread.pk)
    assert new.json["disclosure"] == "content"
    assert new.json["data"]["post"]["body"] == "Fresh words"


def _site_hook(receiver, events):
    admin = testing.make_site_admin(name="Ada Admin")
    hook, _ = services.create_webhook(
        actor=admin, community=None, target_url=receiver.url(), events=events
    )
    return admin, hook


def test_a_site_wide_webhook_hears_nothing_of_a_confidential_communitys_conversations(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(
        slug="hidden", name="Hidden Circle", visibility="confidential"
    )
    facilitator, member = _people(community)
    _, hook = _site_hook(receiver, ["post.published", "thread.created", "membership.started"])
    newcomer = testing.make_user(name="Nora Newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title=TITLE, body=BODY
        )
        invitation = memberships.invite(
            actor=facilitator, community=community, email=newcomer.email
        )
        memberships.accept_invitation(
            actor=newcomer, invitation=invitation, accepted_norms_version=0
        )
    # Not even a row in the log for the conversation.
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["membership.started"]
    (request,) = receiver.received
    assert request.json["disclosure"] == "ids"
    assert request.json["community"] == {"id": community.pk}
    assert request.json["data"] == {
        "membership": {"id": community.memberships.get(user=newcomer).pk}
    }
    for secret in ("Hidden", "hidden", "Nora", TITLE):
        assert secret not in request.body.decode()


def test_a_site_wide_webhook_hears_ids_and_links_of_a_members_only_community(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(
        slug="listed-members", name="Listed Members", visibility="members", listed=True
    )
    _, member = _people(community)
    _site_hook(receiver, ["post.published"])
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title=TITLE, body=BODY
        )
    (request,) = receiver.received
    assert request.json["disclosure"] == "ids_and_links"
    for secret in _everything_they_wrote(community, member):
        assert secret not in request.body.decode()


def test_an_unlisted_members_only_community_is_to_a_site_wide_webhook_as_a_confidential_one(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(slug="quiet", visibility="members", listed=False)
    _, member = _people(community)
    _site_hook(receiver, ["post.published"])
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title=TITLE, body=BODY
        )
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_site_wide_webhook_hears_an_open_communitys_content(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(
        slug="open-forum", name="Open Forum", visibility="open", join_policy="open"
    )
    _, member = _people(community)
    _site_hook(receiver, ["post.published"])
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="Open talk", body="Hi all"
        )
    (request,) = receiver.received
    document = request.json
    assert document["disclosure"] == "content"
    assert document["community"]["name"] == "Open Forum"
    assert document["data"]["post"]["body"] == "Hi all"
    assert document["data"]["post"]["author"]["name"] == "Zed Writer"


def test_who_answered_a_meeting_never_reaches_a_site_wide_webhook(
    db, receiver, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from copse.meetings import services as meetings

    community = testing.make_community(slug="open-meets", visibility="open", join_policy="open")
    facilitator, member = _people(community)
    _site_hook(receiver, ["rsvp.answered"])
    start = timezone.now() + dt.timedelta(days=7)
    meeting = meetings.create_meeting(
        actor=facilitator,
        community=community,
        title="Quarterly",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        meetings.rsvp(actor=member, meeting=meeting, answer="yes")
    (request,) = receiver.received
    assert request.json["disclosure"] == "ids_and_links"
    assert "Zed" not in request.body.decode()
    assert set(request.json["data"]["rsvp"]) == {"id", "meeting_id"}
