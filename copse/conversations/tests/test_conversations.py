"""Threads, replies, asks and moderation, as the seed stories tell them."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.conversations import selectors, services
from copse.conversations.models import Draft, Post, PostRevision, Thread
from copse.core import permissions
from copse.notifications.models import Notification


def _ask(dev, community):
    return services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Telecom costs are out of control: who has switched carriers?",
        body="Our **telecom** bill doubled. Who renegotiated or switched?",
        tag_names=["telecom", "AT&T"],
    )


def test_ask_counts_peers_and_organisations_and_is_answered_by_a_helpful_mark(
    cio, django_capture_on_commit_callbacks
):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    with django_capture_on_commit_callbacks(execute=True):
        replies = [
            services.post_reply(actor=p, thread=ask, body=f"We switched. {n}")
            for n, p in enumerate(peers)
        ]
        services.post_reply(actor=dev, thread=ask, body="Thanks all")
    stats = selectors.ask_stats(ask)
    assert (stats.peers, stats.organisations) == (5, 5)
    assert Thread.objects.get(pk=ask.pk).ask_state == "open"
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_helpful(actor=dev, post=replies[0])
    assert Thread.objects.get(pk=ask.pk).ask_state == "answered"
    assert Notification.objects.filter(user=peers[0], kind="helpful").exists()
    # Dev watched the ask by asking: each reply notified him once.
    assert Notification.objects.filter(user=dev, kind="reply").count() == 5
    with pytest.raises(services.NotAllowed):
        services.mark_helpful(actor=peers[1], post=replies[0])


def test_summary_exports_name_no_one_by_default(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    for peer in peers:
        reply = services.post_reply(actor=peer, thread=ask, body="Switched and saved")
    services.mark_helpful(actor=dev, post=reply)
    services.save_summary(actor=dev, thread=ask, summary="Switching saved us **$250K** a year.")
    client.force_login(dev)
    markdown = client.get(reverse("conversations:summary_markdown", args=[community.slug, ask.pk]))
    text = markdown.content.decode()
    assert "I talked to 5 peers from 5 organisations in the Silicon Valley CIO CoP." in text
    assert "$250K" in text
    for person in [*peers, dev, maria]:
        assert person.name not in text
    named = client.get(
        reverse("conversations:summary_print", args=[community.slug, ask.pk]) + "?names=1"
    )
    assert peers[-1].name.encode() in named.content
    client.force_login(peers[0])
    assert (
        client.get(
            reverse("conversations:summary_markdown", args=[community.slug, ask.pk])
        ).status_code
        == 404
    )


def test_edits_keep_revisions_and_show_edited(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    opening = ask.posts.get(position=0)
    services.edit_post(
        actor=dev, post=opening, body="Our bill tripled.", title="Telecom bill tripled"
    )
    assert PostRevision.objects.get(post=opening).body.startswith("Our **telecom** bill doubled")
    client.force_login(peers[0])
    page = client.get(ask.get_absolute_url())
    assert b"Telecom bill tripled" in page.content and b">edited</a>" in page.content
    history = client.get(reverse("conversations:post_history", args=[community.slug, opening.pk]))
    assert b"bill doubled" in history.content
    with pytest.raises(services.NotAllowed):
        services.edit_post(actor=peers[0], post=opening, body="hijack")


def test_removal_leaves_a_tombstone_and_facilitator_removal_is_audited(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    own = services.post_reply(actor=peers[0], thread=ask, body="Oops, wrong thread")
    rude = services.post_reply(actor=peers[1], thread=ask, body="Something unkind")
    services.remove_post(actor=peers[0], post=own)
    with pytest.raises(services.ConversationError):
        services.remove_post(actor=maria, post=rude, reason="")
    services.remove_post(actor=maria, post=rude, reason="Against our norms")
    client.force_login(dev)
    page = client.get(ask.get_absolute_url()).content.decode()
    assert "Removed by the author." in page and "Wrong thread" not in page
    assert "Removed by a facilitator: Against our norms" in page and "Something unkind" not in page
    assert AuditEntry.objects.filter(action="conversation.post_removed", actor=maria).exists()


def test_locked_thread_takes_no_replies_but_facilitators_may(cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    services.set_locked(actor=maria, thread=ask, locked=True)
    with pytest.raises(services.NotAllowed):
        services.post_reply(actor=peers[0], thread=ask, body="Late")
    services.post_reply(actor=maria, thread=ask, body="Closing note")
    with pytest.raises(services.NotAllowed):
        services.set_pinned(actor=dev, thread=ask, pinned=True)
    assert AuditEntry.objects.filter(action="conversation.locked").exists()


def test_move_to_another_facilitated_community_changes_who_can_read(client, cio):
    community, maria, dev, peers = cio
    other = testing.make_community(slug="ao", visibility="confidential")
    testing.seat(other, maria, role="facilitator")
    testing.seat(other, dev)
    ask = _ask(dev, community)
    services.move_thread(actor=maria, thread=ask, to_community=other)
    permissions.forget_standings(peers[0])
    ask.refresh_from_db()
    assert not permissions.can(peers[0], "thread.read", ask)
    assert Post.objects.filter(thread=ask, community=other).count() == 1
    permissions.forget_standings(maria)
    old_link = f"/c/{community.slug}/t/{ask.pk}/"
    client.force_login(maria)
    assert client.get(old_link)["Location"] == ask.get_absolute_url()
    client.force_login(peers[0])
    assert client.get(old_link).status_code == 404
    stranger_community = testing.make_community(slug="elsewhere")
    with pytest.raises(services.NotAllowed):
        services.move_thread(actor=maria, thread=ask, to_community=stranger_community)


def test_mention_of_a_non_member_in_a_confidential_community_notifies_no_one(
    cio, django_capture_on_commit_callbacks
):
    community, maria, dev, peers = cio
    outsider = testing.make_user(name="Olive Outsider")
    ask = _ask(dev, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(
            actor=peers[0],
            thread=ask,
            body=f"@{outsider.handle} and @{maria.handle} should see this",
        )
    assert not Notification.objects.filter(user=outsider).exists()
    assert Notification.objects.filter(user=maria, kind="mention").exists()


def test_former_members_old_notifications_lead_nowhere(
    client, cio, django_capture_on_commit_callbacks
):
    from copse.memberships.services import leave

    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(actor=peers[0], thread=ask, body="A reply Dev hears about")
    notification = Notification.objects.get(user=dev, kind="reply")
    leave(actor=dev, community=community)
    client.force_login(dev)
    inbox = client.get(reverse("notifications:inbox"))
    assert (
        b"A reply Dev hears about" not in inbox.content and ask.title.encode() not in inbox.content
    )
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404


def test_a_failed_reply_keeps_the_text_and_a_draft_survives_reload(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    services.set_locked(actor=maria, thread=ask, locked=True)
    client.force_login(peers[0])
    response = client.post(
        reverse("conversations:reply", args=[community.slug, ask.pk]), {"body": "My careful answer"}
    )
    assert response.status_code in (400, 404)
    services.set_locked(actor=maria, thread=ask, locked=False)
    client.post(
        reverse("conversations:save_draft", args=[community.slug]),
        {"thread": ask.pk, "body": "Half-written thought"},
    )
    assert Draft.objects.get(user=peers[0], thread=ask).body == "Half-written thought"
    page = client.get(ask.get_absolute_url())
    assert b"Half-written thought" in page.content
    client.post(
        reverse("conversations:reply", args=[community.slug, ask.pk]),
        {"body": "Half-written thought, finished"},
    )
    assert not Draft.objects.filter(user=peers[0], thread=ask).exists()


def test_empty_reply_is_refused_with_a_message(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    client.force_login(peers[0])
    response = client.post(
        reverse("conversations:reply", args=[community.slug, ask.pk]), {"body": "   "}
    )
    assert response.status_code == 400
    assert b"Please write something first." in response.content


def test_quote_prefills_the_reply_with_attribution(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    opening = ask.posts.get(position=0)
    client.force_login(peers[0])
    page = client.get(ask.get_absolute_url() + f"?quote={opening.pk}")
    assert b"&gt; **Dev Patel** wrote (#0):" in page.content


def test_thread_pages_by_position_and_jumps_to_first_unread(client, cio):
    community, maria, dev, peers = cio
    ask = _ask(dev, community)
    for n in range(120):
        services.post_reply(actor=peers[n % 5], thread=ask, body=f"Reply number {n + 1}")
    client.force_login(dev)
    jump = client.get(ask.get_absolute_url() + "?unread=1")
    assert jump.status_code == 302 and jump["Location"].endswith("#post-1")
    first = client.get(ask.get_absolute_url()).content.decode()
    assert "Reply number 49<" in first and "Reply number 50<" not in first
    jump = client.get(ask.get_absolute_url() + "?unread=1")
    assert jump.status_code == 302 and jump["Location"].endswith("#post-50")
    last = client.get(ask.get_absolute_url() + "?page=last").content.decode()
    assert "Reply number 120<" in last and "Reply number 70<" not in last
    assert client.get(ask.get_absolute_url() + "?unread=1").status_code == 200


def test_links_to_a_confidential_thread_stay_plain_elsewhere(client, cio):
    community, maria, dev, peers = cio
    secret = _ask(dev, community)
    public = testing.make_community(slug="open-one", visibility="open", join_policy="open")
    testing.seat(public, dev)
    link = f"http://127.0.0.1:8000{secret.get_absolute_url()}"
    thread = services.start_thread(
        actor=dev, community=public, kind="discussion", title="See this", body=f"Look: {link}"
    )
    client.force_login(testing.make_user())
    page = client.get(thread.get_absolute_url()).content.decode()
    assert secret.title not in page
    assert "Our **telecom** bill" not in page and "telecom</strong> bill" not in page


def test_unread_counts_in_the_directory_clear_after_reading(client, cio):
    community, maria, dev, peers = cio
    ask = services.start_thread(
        actor=peers[0], community=community, kind="discussion", title="Vendors", body="Hi"
    )
    client.force_login(dev)
    assert b"1 unread thread" in client.get(reverse("communities:directory")).content
    client.get(ask.get_absolute_url())
    assert b"unread thread" not in client.get(reverse("communities:directory")).content
    services.post_reply(actor=peers[1], thread=ask, body="More")
    listing = client.get(reverse("conversations:list", args=[community.slug])).content
    assert b"1 unread" in listing


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '"><svg onload=alert(1)>',
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", XSS)
def test_titles_tags_bodies_and_quotes_are_never_markup(client, cio, payload):
    community, maria, dev, peers = cio
    thread = services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title=f"Title {payload}",
        body=f"Body {payload}",
        tag_names=[f"tag {payload}"],
    )
    client.force_login(peers[0])
    for url in (
        thread.get_absolute_url(),
        thread.get_absolute_url() + f"?quote={thread.posts.get(position=0).pk}",
        reverse("conversations:list", args=[community.slug]),
        reverse("search:search") + "?q=Body",
    ):
        parser = _Elements()
        parser.feed(client.get(url).content.decode())
        for tag, attrs in parser.found:
            assert tag not in {"svg", "img"}, url
            assert tag != "script" or "src" in attrs, url
            assert not [a for a in attrs if a.startswith("on")], url
            assert not attrs.get("href", "").lower().startswith("javascript"), url


def test_vendor_page_lists_only_readable_threads(client, cio):
    community, maria, dev, peers = cio
    admin = testing.make_site_admin()
    client.force_login(admin)
    response = client.post(
        reverse("conversations:catalogue_manage"), {"name": "AT&T", "kind": "vendor"}
    )
    assert response.status_code == 302
    _ask(dev, community)  # tagged "AT&T" inside the confidential community
    open_one = testing.make_community(slug="open-one", visibility="open")
    testing.seat(open_one, dev)
    services.start_thread(
        actor=dev,
        community=open_one,
        kind="discussion",
        title="AT&T contract terms",
        body="Public",
        tag_names=["AT&T"],
    )
    outsider = testing.make_user()
    client.force_login(outsider)
    page = client.get(reverse("conversations:tag", args=["att"]))
    assert b"AT&amp;T contract terms" in page.content and b"Telecom costs" not in page.content
    assert b"1 thread you can read" in page.content
    client.force_login(dev)
    assert (
        b"2 threads you can read" in client.get(reverse("conversations:tag", args=["att"])).content
    )
