"""A library item linked under a post: chosen on the reply and new-thread
forms (or from an item's "Mention in a conversation"), shown as a card under
the post only to readers who may read the item, named in mail only where
every receiver reads it, and the thread page still runs a fixed number of
queries (docs/decisions.md, "Posts that link library items").

The world: the Administrators (members-only) where Karen and Margaret are
members and Tom is a delegate; the Vault (members-only, sharing allowed)
where Karen is also a member and Bob is not, holding an item shared with the
whole site and one kept to the Vault; and the Commons, open to anyone.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post, PostAttachment, Thread
from copse.core import permissions
from copse.library import selectors, services
from copse.library.models import LibraryItem, PostLibraryLink
from copse.library.tests.conftest import text_file
from copse.mailing import compose

pytestmark = pytest.mark.django_db

SHARED = "Speaker travel form"
VAULT_ONLY = "Vault budget plan"


@pytest.fixture
def w(db):
    admins = testing.make_community(
        slug="admins", name="Administrators", visibility="members", listed=False
    )
    vault = testing.make_community(
        slug="vault",
        name="The Vault",
        visibility="members",
        listed=False,
        library_sharing_allowed=True,
    )
    commons = testing.make_community(slug="commons", name="Commons", visibility="open")
    w = SimpleNamespace(
        admins=admins,
        vault=vault,
        commons=commons,
        karen=testing.make_user("karen@example.com", name="Karen Liu"),
        margaret=testing.make_user("margaret@example.com", name="Margaret Osei"),
        tom=testing.make_user("tom@example.com", name="Tom Becker"),
        vera=testing.make_user("vera@example.com", name="Vera Vault"),
        dana=testing.make_user("dana@example.com", name="Dana Designer"),
    )
    karen_seat = testing.seat(admins, w.karen)
    testing.seat(admins, w.margaret)
    testing.seat(admins, w.tom, role="delegate", principal=karen_seat)
    testing.seat(vault, w.karen)
    testing.seat(vault, w.vera)
    testing.seat(commons, w.dana)
    w.own = services.create_item(
        actor=w.margaret,
        community=admins,
        kind="template",
        title="Committee minutes template",
        body="# Minutes\n",
    )
    w.shared = services.create_item(
        actor=w.vera, community=vault, kind="template", title=SHARED, body="# Travel\n"
    )
    services.share_item(actor=w.vera, item=w.shared, sharing="site", confirmed=True)
    w.vault_only = services.create_item(
        actor=w.vera, community=vault, kind="page", title=VAULT_ONLY, body="Numbers"
    )
    w.thread = conversations.start_thread(
        actor=w.margaret,
        community=admins,
        kind="ask",
        title="Is there a minutes template?",
        body="We need one.",
    )
    for person in (w.karen, w.margaret, w.tom, w.vera, w.dana):
        permissions.forget_standings(person)
    return w


def _labels(choices) -> dict:
    return {label: [name for _, name in group] for label, group in choices}


def _reply_url(w, thread=None):
    thread = thread or w.thread
    return reverse("conversations:reply", args=[thread.community.slug, thread.pk])


def _card(item) -> str:
    return (
        f'Library: <a href="{item.get_absolute_url()}"><em>{item.title}</em></a>'
        f" — {item.get_kind_display()}"
    )


# --- What may be linked -------------------------------------------------------------------


def test_the_choices_are_the_communitys_items_and_those_shared_with_the_site(w):
    choices = _labels(selectors.link_choices(w.karen, w.admins))
    assert choices == {
        "In Administrators": ["Committee minutes template — Template"],
        "Shared with the whole site": [f"{SHARED} — Template"],
    }
    # Karen reads the Vault's own item, but it is not the Administrators' to see.
    assert permissions.can(w.karen, "library_item.read", w.vault_only)
    assert not permissions.may_link_item(w.karen, w.vault_only, w.admins)
    assert permissions.may_link_item(w.karen, w.shared, w.admins)
    # An item named by a "Mention" link is offered only if it may be linked.
    assert _labels(selectors.link_choices(w.karen, w.admins, also=w.vault_only.pk)) == choices


def test_removed_and_unshared_items_are_not_offered(client, w):
    services.withdraw_sharing(actor=w.vera, item=w.shared)
    services.remove_item(actor=w.margaret, item=w.own)
    assert selectors.link_choices(w.karen, w.admins) == []
    # With nothing to link, the forms have no such field.
    client.force_login(w.karen)
    assert 'name="library_item"' not in client.get(w.thread.get_absolute_url()).content.decode()


def test_a_reply_links_an_item_and_readers_see_its_card(client, w):
    client.force_login(w.karen)
    page = client.get(w.thread.get_absolute_url()).content.decode()
    assert 'name="library_item"' in page and "Link a library item" in page
    # The choice comes before the files, which come last (copse.core.uploads).
    assert page.index('name="library_item"') < page.index('name="files"')
    response = client.post(
        _reply_url(w), {"body": "This one is ours.", "library_item": str(w.own.pk)}
    )
    assert response.status_code == 302
    reply = Post.objects.get(thread=w.thread, position=1)
    assert [link.item for link in reply.library_links.all()] == [w.own]

    for reader in (w.margaret, w.tom):
        client.force_login(reader)
        html = client.get(w.thread.get_absolute_url()).content.decode()
        assert _card(w.own) in html, reader


def test_a_new_thread_from_an_items_mention_link(client, w):
    client.force_login(w.karen)
    item_page = client.get(w.own.get_absolute_url()).content.decode()
    mention = f"{reverse('conversations:new', args=['admins'])}?library_item={w.own.pk}"
    assert f'href="{mention}">Mention in a conversation</a>' in item_page
    form = client.get(mention).content.decode()
    assert f'<option value="{w.own.pk}" selected>' in form
    response = client.post(
        reverse("conversations:new", args=["admins"]),
        {
            "kind": "discussion",
            "title": "Our minutes template is in the library",
            "body": "Use it.",
            "library_item": str(w.own.pk),
        },
    )
    thread = Thread.objects.get(title="Our minutes template is in the library")
    assert response.status_code == 302
    assert PostLibraryLink.objects.get(post__thread=thread).item == w.own
    # A delegate reads the item but does not start threads.
    client.force_login(w.tom)
    assert "Mention in a conversation" not in client.get(w.own.get_absolute_url()).content.decode()


def test_a_mention_link_to_an_item_one_may_not_link_preselects_nothing(client, w):
    client.force_login(w.karen)
    url = f"{reverse('conversations:new', args=['admins'])}?library_item={w.vault_only.pk}"
    html = client.get(url).content.decode()
    assert VAULT_ONLY not in html
    for nasty in ("abc", "-1", "9" * 40, "\x00"):
        assert (
            client.get(
                reverse("conversations:new", args=["admins"]), {"library_item": nasty}
            ).status_code
            == 200
        )


@pytest.mark.parametrize("which", ["vault_only", "missing"])
def test_linking_an_item_one_may_not_link_is_refused_and_the_text_kept(client, w, which):
    client.force_login(w.karen)
    item_id = w.vault_only.pk if which == "vault_only" else 999_999
    response = client.post(
        _reply_url(w), {"body": "Typed with care.", "library_item": str(item_id)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Typed with care." in html and "Choose one of the library items listed." in html
    assert VAULT_ONLY not in html
    assert not Post.objects.filter(thread=w.thread, position=1).exists()
    # The service refuses it too, whatever calls it, the same for both.
    with pytest.raises(services.LibraryError, match="cannot be linked here"):
        conversations.post_reply(actor=w.karen, thread=w.thread, body="Hello", library_item=item_id)
    assert not PostLibraryLink.objects.exists()


def test_a_refused_link_leaves_no_file_behind(w, settings):
    from copse.core.tests.full_disk import files_under

    before = files_under(settings.MEDIA_ROOT)
    with pytest.raises(services.LibraryError):
        conversations.post_reply(
            actor=w.karen,
            thread=w.thread,
            body="With a file",
            files=[text_file("notes.txt")],
            library_item=w.vault_only.pk,
        )
    assert not PostAttachment.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == before


# --- Who sees a link ------------------------------------------------------------------------


def test_a_link_never_shows_its_title_to_a_reader_who_may_not_read_the_item(client, w):
    reply = conversations.post_reply(
        actor=w.karen, thread=w.thread, body="From the Vault's share.", library_item=w.shared.pk
    )
    client.force_login(w.margaret)
    assert _card(w.shared) in client.get(w.thread.get_absolute_url()).content.decode()

    # Vera withdraws the share: the Administrators who are not in the Vault
    # see nothing of the link, not even its title; Karen, in the Vault, still does.
    services.withdraw_sharing(actor=w.vera, item=w.shared)
    for reader, shown in ((w.margaret, False), (w.tom, False), (w.karen, True)):
        client.force_login(reader)
        html = client.get(w.thread.get_absolute_url()).content.decode()
        assert (SHARED in html) is shown, reader
        assert ("Linked from the library" in html) is shown, reader
        assert (w.shared.get_absolute_url() in html) is shown, reader
    assert selectors.library_for_posts(w.margaret, [reply]).links_of(reply) == []


def test_a_removed_item_shows_under_no_post(client, w):
    conversations.post_reply(actor=w.karen, thread=w.thread, body="Ours.", library_item=w.own.pk)
    services.remove_item(actor=w.margaret, item=w.own)
    client.force_login(w.margaret)
    assert w.own.title not in client.get(w.thread.get_absolute_url()).content.decode()


def test_an_open_communitys_readers_see_only_the_items_they_may_read(client, w):
    dana_thread = conversations.start_thread(
        actor=w.dana,
        community=w.commons,
        kind="discussion",
        title="Templates for speakers",
        body="This helped us.",
        library_item=w.shared.pk,
    )
    # Signed out, a site-wide share is not readable: nothing of it shows.
    html = client.get(dana_thread.get_absolute_url()).content.decode()
    assert "This helped us." in html and SHARED not in html
    client.force_login(w.margaret)
    assert _card(w.shared) in client.get(dana_thread.get_absolute_url()).content.decode()


# --- Mail -------------------------------------------------------------------------------------


def _mail(post):
    message = compose.post_message(post=post, personal=compose.new_marks())
    return message.body, message.alternatives[0][0]


def test_mail_names_an_item_of_the_posts_community_and_only_points_at_others(w, settings):
    own = conversations.post_reply(
        actor=w.karen, thread=w.thread, body="Ours.", library_item=w.own.pk
    )
    text, html = _mail(own)
    assert (
        f"- Committee minutes template (Template): {settings.BASE_URL}{w.own.get_absolute_url()}"
        in text
    )
    assert (
        f'<a href="{settings.BASE_URL}{w.own.get_absolute_url()}">Committee minutes template</a>'
        in html
    )

    shared = conversations.post_reply(
        actor=w.karen, thread=w.thread, body="Theirs.", library_item=w.shared.pk
    )
    text, html = _mail(shared)
    assert SHARED not in text and SHARED not in html
    assert w.shared.get_absolute_url() not in text + html
    assert "An item shared from another community: see the post" in text


def test_mail_that_carries_no_text_names_no_item(w):
    from copse.mailing import services as mailing

    facilitator = testing.make_user()
    testing.seat(w.admins, facilitator, role="facilitator")
    mailing.set_content_level(actor=facilitator, community=w.admins, content="titles")
    post = conversations.post_reply(
        actor=w.karen, thread=w.thread, body="Ours.", library_item=w.own.pk
    )
    text, html = _mail(Post.objects.select_related("thread__community").get(pk=post.pk))
    assert w.own.title not in text and w.own.title not in html
    assert "From the library" not in text


# --- Queries ----------------------------------------------------------------------------------


def _grow(w, replies: int, items: int) -> None:
    """Bulk rows: replies, every other with a file and a linked item."""
    now = timezone.now()
    made = LibraryItem.objects.bulk_create(
        LibraryItem(
            community=w.admins, kind="template", title=f"Grown template {n}", updated_at=now
        )
        for n in range(items)
    )
    w.thread.refresh_from_db()
    start = w.thread.last_position + 1
    posts = Post.objects.bulk_create(
        Post(
            thread=w.thread,
            community=w.admins,
            position=start + n,
            author=(w.karen, w.margaret)[n % 2],
            body=f"reply {n}",
            body_html=f"<p>reply {n}</p>",
        )
        for n in range(replies)
    )
    Thread.objects.filter(pk=w.thread.pk).update(
        last_position=start + replies - 1, reply_count=start + replies - 1
    )
    PostAttachment.objects.bulk_create(
        PostAttachment(
            post=post,
            file=f"attachments/2026/01/{post.pk}.csv",
            original_name=f"costs-{post.pk}.csv",
            content_type="text/csv",
            size=100,
        )
        for post in posts[::2]
    )
    PostLibraryLink.objects.bulk_create(
        PostLibraryLink(post=post, item=made[n % len(made)]) for n, post in enumerate(posts[::2])
    )
    # A saved file, and a link the viewer may not read.
    attachment = PostAttachment.objects.filter(post__in=posts).order_by("pk").last()
    LibraryItem.objects.create(
        community=w.admins,
        kind="document",
        title=f"Saved {attachment.pk}",
        source_attachment=attachment,
        updated_at=now,
    )
    PostLibraryLink.objects.create(post=posts[-1], item=w.vault_only)


def test_the_thread_page_runs_the_same_queries_with_links_and_files_at_two_sizes(
    client, w, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Margaret is not in the Vault: its item linked under a post stays hidden.
    client.force_login(w.margaret)
    counts = []
    for replies, items in ((6, 3), (60, 150)):
        _grow(w, replies, items)
        url = w.thread.get_absolute_url() + "?page=last"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Linked from the library" in html and "Save to library" in html
        assert "In the library: " in html and VAULT_ONLY not in html
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(25):
        client.get(w.thread.get_absolute_url())
