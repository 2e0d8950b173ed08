""" "Save to library" on a post's file: an item of the post's community,
credited to the post's author (seated or not), from the post's thread, with
the file copied; offered only to whoever may download the file and add to
the library (docs/decisions.md, "Saving a post's file to the library")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post, PostAttachment
from copse.core import permissions
from copse.library import services
from copse.library.forms import title_from_file_name
from copse.library.models import ItemVersion, LibraryItem

pytestmark = pytest.mark.django_db

CSV = b"item,what to check\n1,Lines nobody uses\n2,Billing errors\n"


def _csv(name="telecom-audit-checklist.csv"):
    return SimpleUploadedFile(name, CSV, content_type="text/csv")


@pytest.fixture
def world(roles):
    """The matrix's confidential community: the member asks, the facilitator
    replies with a checklist attached. Plus a facilitator of another
    community who is nobody here."""
    community, people = roles
    community.topic_areas = ["Telecom", "Contracts"]
    community.save(update_fields=["topic_areas"])
    thread = conversations.start_thread(
        actor=people["member"],
        community=community,
        kind="ask",
        title="Who has switched carriers?",
        body="Our bill doubled.",
    )
    reply = conversations.post_reply(
        actor=people["facilitator"], thread=thread, body="Audit first.", files=[_csv()]
    )
    elsewhere = testing.make_community(slug="elsewhere", name="Elsewhere")
    people["facilitator_elsewhere"] = testing.make_user("fe@example.com", name="Fiona Elsewhere")
    testing.seat(elsewhere, people["facilitator_elsewhere"], role="facilitator")
    for person in people.values():
        if person is not None:
            permissions.forget_standings(person)
    return community, people, thread, reply.attachments.get()


def _save(actor, attachment, **fields):
    return services.save_attachment(
        actor=actor,
        attachment=attachment,
        kind=fields.pop("kind", "template"),
        title=fields.pop("title", "Telecom audit checklist"),
        **fields,
    )


def test_a_saved_file_becomes_an_item_credited_to_the_posts_author(world):
    community, people, thread, attachment = world
    item = _save(
        people["member"],
        attachment,
        description="What the auditors checked.",
        topic_areas=["Telecom"],
    )
    assert item.community == community and item.kind == "template"
    assert item.source_attachment == attachment and item.source_thread == thread
    assert item.created_by == people["member"]
    # The credit is the post's author's, not the saver's.
    assert [a.person for a in item.authors.all()] == [people["facilitator"]]
    assert item.topic_areas == ["Telecom"]
    version = item.versions.get()
    assert version.number == 1 and version.change_note == "Saved from a post"
    assert (version.original_name, version.content_type) == (
        "telecom-audit-checklist.csv",
        "text/csv",
    )
    # A copy: its own stored file, with the same bytes.
    assert version.file.name != attachment.file.name
    with version.file.open("rb") as copy:
        assert copy.read() == CSV


def test_removing_the_post_leaves_the_saved_copy(world):
    community, people, thread, attachment = world
    item = _save(people["member"], attachment)
    Post.objects.filter(pk=attachment.post_id).delete()
    assert not PostAttachment.objects.exists()
    item.refresh_from_db()
    assert item.source_attachment is None
    version = item.versions.get()
    with version.file.open("rb") as copy:
        assert copy.read() == CSV


def test_a_file_is_saved_once(world):
    community, people, thread, attachment = world
    first = _save(people["member"], attachment)
    again = _save(people["facilitator"], attachment, title="Another title")
    assert again == first
    assert LibraryItem.objects.count() == 1 and ItemVersion.objects.count() == 1


def test_the_database_keeps_one_live_item_per_file_and_community(world):
    """What `save_attachment` falls back on when two people save at once."""
    community, people, thread, attachment = world
    first = _save(people["member"], attachment)
    with pytest.raises(IntegrityError), transaction.atomic():
        LibraryItem.objects.create(
            community=community,
            kind="document",
            title="Twice",
            source_attachment=attachment,
            updated_at=first.updated_at,
        )
    # Once removed, it may be saved again.
    services.remove_item(actor=people["facilitator"], item=first)
    second = _save(people["member"], attachment)
    assert second != first and second.source_attachment == attachment


def test_a_former_member_is_still_credited_by_the_name_frozen_now(world):
    community, people, thread, attachment = world
    organisation = testing.make_organisation("Fabrikam")
    facilitator = people["facilitator"]
    facilitator.organisation = organisation
    facilitator.organisation_source = "admin"
    facilitator.save(update_fields=["organisation", "organisation_source"])
    testing.seat(community, facilitator, role="facilitator", status="left")
    assert not permissions.standing(facilitator, community).is_seated
    item = _save(people["member"], attachment)
    author = item.authors.get()
    assert (author.person, author.name, author.organisation_name) == (
        facilitator,
        "Fay Facilitator",
        "Fabrikam",
    )
    # Credit gives a former member no power over the item.
    assert not permissions.can(facilitator, "library_item.edit", item)
    assert not permissions.can(facilitator, "library_item.share", item)


def test_an_author_known_only_by_name_is_credited_by_that_name(world):
    community, people, thread, attachment = world
    Post.objects.filter(pk=attachment.post_id).update(author=None, imported_author="Ivy Imported")
    attachment = PostAttachment.objects.get(pk=attachment.pk)
    item = _save(people["member"], attachment)
    author = item.authors.get()
    assert (author.person, author.name, author.organisation_name) == (None, "Ivy Imported", "")


def test_a_file_whose_author_deleted_their_account_is_not_saved(world):
    community, people, thread, attachment = world
    Post.objects.filter(pk=attachment.post_id).update(author=None)
    attachment = PostAttachment.objects.get(pk=attachment.pk)
    with pytest.raises(services.LibraryError, match="deleted their account"):
        _save(people["member"], attachment)
    assert not LibraryItem.objects.exists()


@pytest.mark.parametrize(
    "role",
    [
        "non_member",
        "requester",
        "invitee",
        "guest_presenter",
        "delegate",
        "former_member",
        "site_admin",
        "facilitator_elsewhere",
    ],
)
def test_only_contributors_who_read_the_post_may_save(world, client, role):
    community, people, thread, attachment = world
    person = people[role]
    assert not permissions.can(person, "attachment.save_to_library", attachment)
    with pytest.raises(services.LibraryError):
        _save(person, attachment)
    client.force_login(person)
    url = reverse("library:save_attachment", args=[community.slug, attachment.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"title": "Mine now", "kind": "document"})
    assert response.status_code == 404
    assert thread.title.encode() not in response.content
    assert not LibraryItem.objects.exists()


def test_a_site_admin_may_not_save_even_where_they_may_read(world):
    community, people, thread, attachment = world
    commons = testing.make_community(slug="commons", name="Commons", visibility="open")
    writer = testing.make_user("writer@example.com", name="Wren Writer")
    testing.seat(commons, writer)
    opening = conversations.start_thread(
        actor=writer,
        community=commons,
        kind="discussion",
        title="Our checklist",
        body="Here it is.",
        files=[_csv()],
    )
    attachment = PostAttachment.objects.get(post__thread=opening)
    admin = people["site_admin"]
    assert permissions.can(admin, "attachment.download", attachment)
    assert not permissions.can(admin, "attachment.save_to_library", attachment)


def test_a_removed_posts_file_is_saved_by_nobody(world):
    community, people, thread, attachment = world
    conversations.remove_post(
        actor=people["facilitator"], post=attachment.post, reason="Wrong thread"
    )
    attachment = PostAttachment.objects.get(pk=attachment.pk)
    for role in ("member", "facilitator"):
        assert not permissions.can(people[role], "attachment.save_to_library", attachment)


def test_only_file_kinds_are_offered(world):
    community, people, thread, attachment = world
    for kind in ("page", "link", "meeting_record", "nonsense"):
        with pytest.raises(services.LibraryError):
            _save(people["member"], attachment, kind=kind)
    assert not LibraryItem.objects.exists()


def test_whoever_saved_it_does_not_share_the_authors_work(world):
    community, people, thread, attachment = world
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    item = _save(people["member"], attachment)
    item = LibraryItem.objects.prefetch_related("authors").get(pk=item.pk)
    assert not permissions.can(people["member"], "library_item.share", item)
    assert permissions.can(people["facilitator"], "library_item.share", item)
    # Saving gave the saver what adding gives: they may still edit it.
    assert permissions.can(people["member"], "library_item.edit", item)


def test_a_title_is_guessed_from_the_file_name():
    assert title_from_file_name("telecom-audit_checklist.csv") == "Telecom audit checklist"
    assert title_from_file_name("RFP v2.final.docx") == "RFP v2 final"
    assert title_from_file_name("") == ""


# --- Pages --------------------------------------------------------------------------------


def test_the_thread_offers_save_to_library_then_links_the_item(client, world):
    community, people, thread, attachment = world
    save_url = reverse("library:save_attachment", args=[community.slug, attachment.pk])
    client.force_login(people["member"])
    html = client.get(thread.get_absolute_url()).content.decode()
    assert f'href="{save_url}">Save to library</a>' in html

    page = client.get(save_url).content.decode()
    assert 'value="Telecom audit checklist"' in page
    assert "By Fay Facilitator" in page
    response = client.post(
        save_url,
        {
            "title": "Carrier audit checklist",
            "kind": "sop",
            "description": "What the auditors checked.",
            "topic_areas": ["Contracts"],
        },
    )
    item = LibraryItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert (item.kind, item.title, item.topic_areas) == (
        "sop",
        "Carrier audit checklist",
        ["Contracts"],
    )
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Saved to the library, credited to Fay Facilitator." in html
    assert "By Fay Facilitator" in html and "Saved from a file posted in" in html

    # The thread now leads to the item instead of offering to save it again.
    html = client.get(thread.get_absolute_url()).content.decode()
    assert save_url not in html
    assert (
        f'In the library: <a href="{item.get_absolute_url()}">Carrier audit checklist</a>' in html
    )
    # The old link leads there too.
    response = client.get(save_url)
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()


def test_the_save_action_shows_only_to_those_who_may_save(client, world):
    community, people, thread, attachment = world
    save_url = reverse("library:save_attachment", args=[community.slug, attachment.pk])
    for role, shown in (("member", True), ("facilitator", True), ("delegate", False)):
        client.force_login(people[role])
        html = client.get(thread.get_absolute_url()).content.decode()
        assert (save_url in html) is shown, role
        # Everyone who reads the thread still downloads the file.
        assert reverse("conversations:attachment", args=[community.slug, attachment.pk]) in html


def test_a_refused_save_keeps_what_was_typed(client, world):
    community, people, thread, attachment = world
    client.force_login(people["member"])
    url = reverse("library:save_attachment", args=[community.slug, attachment.pk])
    response = client.post(url, {"title": "", "kind": "document", "description": "Typed with care"})
    assert response.status_code == 400
    assert "Typed with care" in response.content.decode()
    response = client.post(url, {"title": "A title", "kind": "page", "description": "Kept"})
    assert response.status_code == 400 and "Kept" in response.content.decode()
    assert not LibraryItem.objects.exists()


def test_a_moved_threads_file_may_be_saved_in_its_new_community(world):
    community, people, thread, attachment = world
    first = _save(people["member"], attachment)
    other = testing.make_community(slug="other", name="Other", visibility="confidential")
    for role in ("member", "facilitator"):
        testing.seat(other, people[role], role=role)
    conversations.move_thread(actor=people["facilitator"], thread=thread, to_community=other)
    attachment = PostAttachment.objects.select_related("post__community").get(pk=attachment.pk)
    assert services.saved_item_of(attachment) is None
    moved = _save(people["member"], attachment)
    assert moved != first and moved.community == other
