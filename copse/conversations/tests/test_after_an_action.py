"""After an action on a post (reply, helpful mark, edit, quote, removal) the
thread opens at the page that holds the post, with the question first and the
post in view; opening a thread reads its notifications."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copse import testing
from copse.conversations import services
from copse.conversations.models import POST_PAGE_SIZE, Post
from copse.notifications.models import Notification
from copse.notifications.services import notify

QUESTION = "Our telecom bill doubled. Who renegotiated or switched?"


def _ask(dev, community, replies: int, peers):
    thread = services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Telecom costs are out of control",
        body=QUESTION,
        tag_names=["telecom"],
    )
    for n in range(replies):
        services.post_reply(
            actor=peers[n % len(peers)], thread=thread, body=f"Reply number {n + 1}"
        )
    thread.refresh_from_db()
    return thread


def _shows_question(html: str) -> bool:
    return 'id="post-0"' in html and QUESTION in html


@pytest.fixture
def long_ask(cio):
    community, maria, dev, peers = cio
    return community, dev, peers, _ask(dev, community, POST_PAGE_SIZE + 10, peers)


def test_a_reply_on_a_later_page_opens_that_page_with_the_question_first(client, long_ask):
    community, dev, peers, thread = long_ask
    client.force_login(peers[0])
    response = client.post(
        reverse("conversations:reply", args=[community.slug, thread.pk]), {"body": "Mine too."}
    )
    reply = Post.objects.get(thread=thread, body="Mine too.")
    assert reply.position == POST_PAGE_SIZE + 11
    assert response.status_code == 302
    assert response["Location"] == (
        f"{thread.get_absolute_url()}?after={POST_PAGE_SIZE - 1}#post-{reply.position}"
    )
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert _shows_question(html)
    assert f'id="post-{reply.position}"' in html
    # The question comes first, then the page's own posts from position 50 on.
    assert html.index('id="post-0"') < html.index(f'id="post-{POST_PAGE_SIZE}"')
    assert f'id="post-{POST_PAGE_SIZE - 1}"' not in html


def test_a_reply_on_the_first_page_links_the_thread_itself(client, cio):
    community, maria, dev, peers = cio
    thread = _ask(dev, community, 2, peers)
    client.force_login(peers[0])
    response = client.post(
        reverse("conversations:reply", args=[community.slug, thread.pk]), {"body": "Same here."}
    )
    assert response["Location"] == f"{thread.get_absolute_url()}#post-3"
    assert _shows_question(client.get(thread.get_absolute_url()).content.decode())


def test_marking_a_reply_helpful_comes_back_to_it_with_the_question(client, long_ask):
    community, dev, peers, thread = long_ask
    post = thread.posts.get(position=POST_PAGE_SIZE + 5)
    client.force_login(dev)
    response = client.post(reverse("conversations:helpful", args=[community.slug, post.pk]))
    assert response["Location"] == post.get_absolute_url()
    assert response["Location"].endswith(f"?after={POST_PAGE_SIZE - 1}#post-{post.position}")
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert _shows_question(html)
    article = re.search(rf'<article[^>]*id="post-{post.position}".*?</article>', html, re.S)
    assert "Helpful" in article.group(0)


def test_an_htmx_action_loads_the_page_that_holds_the_post(client, long_ask):
    community, dev, peers, thread = long_ask
    post = thread.posts.get(position=POST_PAGE_SIZE + 2)
    client.force_login(dev)
    response = client.post(
        reverse("conversations:helpful", args=[community.slug, post.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == post.get_absolute_url()


def test_an_edit_comes_back_to_the_edited_post(client, long_ask):
    community, dev, peers, thread = long_ask
    post = thread.posts.get(position=POST_PAGE_SIZE + 3)
    client.force_login(post.author)
    response = client.post(
        reverse("conversations:edit_post", args=[community.slug, post.pk]),
        {"body": "Reply number 53, with the carrier's name."},
    )
    assert response["Location"] == post.get_absolute_url()
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert _shows_question(html) and "with the carrier" in html and "name." in html


def test_a_quote_stays_on_the_page_and_goes_to_the_reply_box(client, long_ask):
    community, dev, peers, thread = long_ask
    quoted = thread.posts.get(position=POST_PAGE_SIZE + 4)
    client.force_login(peers[1])
    page = client.get(f"{thread.get_absolute_url()}?after={POST_PAGE_SIZE - 1}").content.decode()
    link = f'href="?after={POST_PAGE_SIZE - 1}&amp;quote={quoted.pk}#reply"'
    assert link in page
    quoting = client.get(
        f"{thread.get_absolute_url()}?after={POST_PAGE_SIZE - 1}&quote={quoted.pk}"
    ).content.decode()
    assert _shows_question(quoting)
    assert f'id="post-{quoted.position}"' in quoting
    assert "&gt; **" in quoting and "wrote (#" in quoting


def test_the_last_page_and_a_refused_reply_show_the_question(client, long_ask):
    community, dev, peers, thread = long_ask
    client.force_login(peers[0])
    assert _shows_question(client.get(thread.get_absolute_url() + "?page=last").content.decode())
    refused = client.post(
        reverse("conversations:reply", args=[community.slug, thread.pk]), {"body": "  "}
    )
    assert refused.status_code == 400
    assert _shows_question(refused.content.decode())


def test_removing_a_reply_comes_back_to_where_it_was(client, long_ask):
    community, dev, peers, thread = long_ask
    post = thread.posts.get(position=POST_PAGE_SIZE + 1)
    client.force_login(post.author)
    response = client.post(
        reverse("conversations:remove_post", args=[community.slug, post.pk]), {"reason": ""}
    )
    assert response["Location"] == post.get_absolute_url()


def test_a_notification_opens_the_page_that_holds_its_post(client, long_ask):
    community, dev, peers, thread = long_ask
    post = thread.posts.get(position=POST_PAGE_SIZE + 6)
    notification = notify(
        user=dev, kind="reply", target=post, actor=post.author, read_action="post.read"
    )
    client.force_login(dev)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == post.get_absolute_url()


def _notify(user, post):
    return notify(user=user, kind="reply", target=post, actor=post.author, read_action="post.read")


def test_opening_a_thread_reads_its_notifications_in_one_update(client, cio):
    community, maria, dev, peers = cio
    thread = _ask(dev, community, POST_PAGE_SIZE + 5, peers)
    other = _ask(dev, community, 1, peers)
    # About posts on the first page, on a later page, and in another thread.
    here = [_notify(dev, thread.posts.get(position=p)) for p in (1, 2, POST_PAGE_SIZE + 4)]
    elsewhere = _notify(dev, other.posts.get(position=1))
    # Someone else's notification about the same thread stays theirs.
    theirs = _notify(maria, thread.posts.get(position=1))
    client.force_login(dev)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(thread.get_absolute_url()).status_code == 200
    updates = [
        q["sql"]
        for q in captured
        if q["sql"].startswith("UPDATE") and "notifications_notification" in q["sql"]
    ]
    assert len(updates) == 1
    assert all(Notification.objects.get(pk=n.pk).read_at is not None for n in here), (
        "every notification about the thread is read"
    )
    assert Notification.objects.get(pk=elsewhere.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # The header's unread count no longer counts them.
    assert Notification.objects.filter(user=dev, read_at__isnull=True).count() == 1


def test_a_reader_who_may_not_read_the_thread_reads_no_notification(client, cio):
    """A former member keeps an old notification: opening the thread is a 404
    and marks nothing."""
    community, maria, dev, peers = cio
    thread = _ask(dev, community, 1, peers)
    left = peers[0]
    notification = _notify(left, thread.posts.get(position=0))
    from copse.memberships.models import Membership

    Membership.objects.filter(user=left, community=community).update(status="left")
    client.force_login(left)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_an_old_link_into_the_middle_of_a_thread_still_shows_the_question(client, long_ask):
    community, dev, peers, thread = long_ask
    client.force_login(peers[2])
    html = client.get(f"{thread.get_absolute_url()}?after=7").content.decode()
    assert _shows_question(html) and 'id="post-8"' in html and 'id="post-7"' not in html


def test_someone_signed_out_reads_an_open_thread_with_the_question(client, db):
    community = testing.make_community(slug="open-cop", visibility="open")
    asker = testing.make_user(name="Asker")
    testing.seat(community, asker)
    thread = _ask(asker, community, POST_PAGE_SIZE + 1, [asker])
    html = client.get(f"{thread.get_absolute_url()}?after={POST_PAGE_SIZE - 1}").content.decode()
    assert _shows_question(html)
