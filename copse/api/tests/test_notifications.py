"""The caller's notifications through the API: their own and nobody else's,
each checked again against the permission core as the inbox does, so a
notice about something they may no longer read is not there at all."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from copse.api.tests.helpers import (
    bearer,
    cache_in_memory,  # noqa: F401  (a fixture)
    token_for,
)
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.decisions.models import Proposal
from copse.library import services as library
from copse.memberships.models import Membership
from copse.notifications.models import Notification
from copse.notifications.services import notify

pytestmark = pytest.mark.django_db

TITLE = "Which carrier did you switch to?"


@pytest.fixture
def circle(roles):
    """The member's ask in the confidential circle, the facilitator's reply
    mentioning them, and the notice of it."""
    community, people = roles
    thread = conversations.start_thread(
        actor=people["member"], community=community, kind="ask", title=TITLE, body="We pay a lot."
    )
    reply = conversations.post_reply(
        actor=people["facilitator"], thread=thread, body=f"@{people['member'].handle} we did."
    )
    mention = notify(
        user=people["member"],
        kind="mention",
        target=reply,
        actor=people["facilitator"],
        read_action="post.read",
    )
    return community, people, thread, mention


def _headers(user, scope="read"):
    return bearer(token_for(user, scopes=[scope]))


def test_the_inbox_shows_ones_own_notice_with_what_it_is_about(client, circle):
    community, people, thread, mention = circle
    page = client.get("/api/notifications", **_headers(people["member"])).json()
    assert page["next"] is None
    [notice] = page["items"]
    assert notice["id"] == mention.pk
    assert notice["kind"] == "mention" and notice["label"] == "mentioned you"
    assert notice["actor"]["name"] == "Fay Facilitator"
    assert notice["community"] == {"slug": "circle", "name": community.name}
    assert notice["target"]["type"] == "post"
    assert notice["target"]["title"] == TITLE
    assert notice["target"]["url"].startswith(thread.get_absolute_url())
    assert notice["read_at"] is None
    # Nobody else's inbox holds it.
    other = client.get("/api/notifications", **_headers(people["facilitator"])).json()
    assert other["items"] == []


def test_marking_one_read_and_then_all(client, circle):
    community, people, _, mention = circle
    member = people["member"]
    second = notify(
        user=member,
        kind="reused",
        target=library.create_item(
            actor=people["facilitator"], community=community, kind="page", title="Tariffs", body="x"
        ),
        actor=people["facilitator"],
        read_action="library_item.read",
    )
    write = _headers(member, "write")
    read = _headers(member)
    marked = client.post(f"/api/notifications/{mention.pk}/read", **write)
    assert marked.status_code == 200
    assert marked.json()["read_at"] is not None
    unread = client.get("/api/notifications?unread=true", **read).json()["items"]
    assert [n["id"] for n in unread] == [second.pk]
    assert unread[0]["target"] == {
        "type": "libraryitem",
        "id": second.target_id,
        "title": "Tariffs",
        "url": f"/library/{second.target_id}/",
    }

    everything = client.post("/api/notifications/read", **write)
    assert everything.json() == {"marked": 1}
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    assert client.get("/api/notifications?unread=true", **read).json()["items"] == []


def test_nobody_marks_someone_elses_notice(client, circle):
    _, people, _, mention = circle
    for role in ("facilitator", "delegate", "non_member", "site_admin"):
        response = client.post(
            f"/api/notifications/{mention.pk}/read", **_headers(people[role], "write")
        )
        assert response.status_code == 404
        assert TITLE not in response.content.decode()
    assert Notification.objects.get(pk=mention.pk).read_at is None


def test_a_former_member_no_longer_sees_nor_marks_what_they_were_told(client, circle):
    community, people, _, mention = circle
    Membership.objects.filter(community=community, user=people["member"]).update(status="left")
    headers = _headers(people["member"])
    page = client.get("/api/notifications", **headers)
    assert page.json()["items"] == []
    assert TITLE not in page.content.decode()
    marked = client.post(
        f"/api/notifications/{mention.pk}/read", **_headers(people["member"], "write")
    )
    assert marked.status_code == 404


def test_a_notice_about_a_removed_post_is_gone(client, circle):
    _, people, _, mention = circle
    Post.objects.filter(pk=mention.target_id).update(removed_at=timezone.now())
    page = client.get("/api/notifications", **_headers(people["member"])).json()
    assert page["items"] == []


def _many(community, people, thread, count):
    """`count` more notices of the member's: about posts, proposals and
    library items, the oldest first."""
    member, facilitator = people["member"], people["facilitator"]
    posts = Post.objects.bulk_create(
        Post(
            thread=thread,
            community=community,
            author=facilitator,
            position=100 + n,
            body=f"Reply {n}",
            body_html=f"<p>Reply {n}</p>",
        )
        for n in range(count)
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            community=community,
            proposed_by=facilitator,
            title=f"Proposal {n}",
            body="Decide.",
            deadline=timezone.now() + dt.timedelta(days=3),
        )
        for n in range(count)
    )
    item = library.create_item(
        actor=facilitator, community=community, kind="page", title="Tariffs", body="x"
    )
    types = ContentType.objects.get_for_models(Post, Proposal, type(item))
    notices = [
        Notification(
            user=member,
            community=community,
            kind="reply",
            actor=facilitator,
            target_type=types[Post],
            target_id=post.pk,
        )
        for post in posts
    ] + [
        Notification(
            user=member,
            community=community,
            kind="proposal",
            actor=facilitator,
            target_type=types[Proposal],
            target_id=proposal.pk,
        )
        for proposal in proposals
    ]
    notices.append(
        Notification(
            user=member,
            community=community,
            kind="reused",
            actor=facilitator,
            target_type=types[type(item)],
            target_id=item.pk,
        )
    )
    Notification.objects.bulk_create(notices)


def test_the_inbox_pages_through_every_notice_once(client, circle):
    community, people, thread, _ = circle
    _many(community, people, thread, 20)
    headers = _headers(people["member"])
    seen, after = [], None
    for _ in range(4):
        query = f"?after={quote(after)}" if after else ""
        page = client.get(f"/api/notifications{query}", **headers).json()
        seen += [n["id"] for n in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert after is None
    assert len(seen) == len(set(seen)) == 42


@pytest.mark.usefixtures("cache_in_memory")
@pytest.mark.parametrize("size", [2, 40])
def test_the_inbox_runs_the_same_queries_at_two_sizes(
    client, circle, django_assert_max_num_queries, size
):
    community, people, thread, _ = circle
    headers = _headers(people["member"])
    client.get("/api/me", **headers)  # the token's first use is noted once
    with CaptureQueriesContext(connection) as baseline:
        client.get("/api/notifications", **headers)
    _many(community, people, thread, size)
    # The caller's 2 (the token, the user), standings, the notices, and one
    # for each kind of target on the page (posts, proposals, library items).
    with django_assert_max_num_queries(len(baseline) + 2) as captured:
        response = client.get("/api/notifications", **headers)
    assert len(response.json()["items"]) == min(2 * size + 2, 30)
    assert len(captured) <= 7
