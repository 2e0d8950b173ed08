"""Adding items and versions, credit, and sharing, through the services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copse.core import permissions
from copse.library import services
from copse.library.models import ItemVersion, LibraryItem
from copse.library.services import LibraryError
from copse.testing import make_community, make_user, seat

pytestmark = pytest.mark.django_db


def _text_file(name="notes.txt", data=b"Visiting speaker checklist\n"):
    return SimpleUploadedFile(name, data, content_type="text/plain")


@pytest.fixture
def circle():
    community = make_community(slug="circle", visibility="confidential")
    author = make_user("author@example.com")
    seat(community, author)
    return community, author


def test_a_page_keeps_every_version_with_its_note(circle):
    community, author = circle
    item = services.create_item(
        actor=author, community=community, kind="page", title="Onboarding", body="# One"
    )
    services.add_version(actor=author, item=item, body="# Two", change_note="Second pass")
    numbers = list(item.versions.values_list("number", "change_note"))
    assert numbers == [(2, "Second pass"), (1, "First version")]
    assert LibraryItem.objects.get(pk=item.pk).version_count == 2


def test_credit_keeps_the_organisation_of_the_time(circle):
    community, author = circle
    item = services.create_item(
        actor=author, community=community, kind="page", title="Credit", body="Text"
    )
    credit = item.authors.get()
    assert credit.person == author
    assert credit.name == author.display_name


def test_an_uploaded_file_is_checked_by_its_first_bytes(circle):
    community, author = circle
    with pytest.raises(LibraryError, match="does not look like a pdf"):
        services.create_item(
            actor=author,
            community=community,
            kind="document",
            title="Fake",
            uploaded_file=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert not LibraryItem.objects.exists()


def test_a_plain_text_upload_becomes_searchable(circle, django_capture_on_commit_callbacks):
    community, author = circle
    with django_capture_on_commit_callbacks(execute=True):
        item = services.create_item(
            actor=author,
            community=community,
            kind="template",
            title="Checklist",
            uploaded_file=_text_file(),
        )
    version = item.versions.get()
    assert version.text_status == ItemVersion.TextStatus.EXTRACTED
    assert "speaker checklist" in version.extracted_text


def test_someone_without_a_seat_cannot_add(circle):
    community, _ = circle
    stranger = make_user("stranger@example.com")
    with pytest.raises(LibraryError):
        services.create_item(
            actor=stranger, community=community, kind="page", title="Mine", body="x"
        )


def test_sharing_beyond_a_confidential_community_needs_the_facilitators(circle):
    community, author = circle
    item = services.create_item(
        actor=author, community=community, kind="page", title="Shared", body="x"
    )
    outsider = make_user("outsider@example.com")
    with pytest.raises(LibraryError, match="facilitators allow"):
        services.share_item(actor=author, item=item, sharing="site", confirmed=True)
    community.library_sharing_allowed = True
    community.save()
    item.refresh_from_db()
    with pytest.raises(LibraryError, match="Confirm"):
        services.share_item(actor=author, item=item, sharing="site", confirmed=False)
    services.share_item(actor=author, item=item, sharing="site", confirmed=True)
    assert permissions.can(outsider, "library_item.read", item)
    # The facilitators closing the door closes every share at once.
    community.library_sharing_allowed = False
    community.save()
    item.refresh_from_db()
    assert not permissions.can(outsider, "library_item.read", item)


def test_a_withdrawn_public_link_never_works_again(circle):
    community, author = circle
    community.library_sharing_allowed = True
    community.save()
    item = services.create_item(
        actor=author, community=community, kind="page", title="Public", body="x"
    )
    services.share_item(actor=author, item=item, sharing="public", confirmed=True)
    old = item.public_token
    assert permissions.may_read_item_by_link(item, old)
    services.withdraw_sharing(actor=author, item=item)
    assert not permissions.may_read_item_by_link(item, old)
    services.share_item(actor=author, item=item, sharing="public", confirmed=True)
    assert item.public_token != old
    assert not permissions.may_read_item_by_link(item, old)
