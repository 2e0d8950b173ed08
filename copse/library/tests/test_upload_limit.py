"""The library's uploads are stopped while they are received when a file
passes COPSE_UPLOAD_MAX_BYTES (copse.core.uploads): nothing of it is kept,
the form comes back with status 413, the reason at its file field and what
was typed kept. The file field comes last in every library form, so all
that was typed is read before the file."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from copse.core.tests.full_disk import files_under
from copse.library import services
from copse.library.forms import ItemForm, VersionForm
from copse.library.models import ItemVersion, LibraryItem
from copse.library.tests.conftest import text_file

pytestmark = pytest.mark.django_db

TYPED = "Everything to send a visiting speaker, and when — typed with care."


def _huge(name="speaker-pack.txt"):
    return SimpleUploadedFile(name, b"x" * 200_000, content_type="text/plain")


def test_the_file_comes_last_in_the_librarys_forms(unit):
    assert list(ItemForm(community=unit.community).fields)[-1] == "file"
    item = services.create_item(
        actor=unit.people.karen,
        community=unit.community,
        kind="template",
        title="Speaker pack",
        uploaded_file=text_file(),
    )
    assert list(VersionForm(item=item).fields)[-1] == "file"


@override_settings(COPSE_UPLOAD_MAX_BYTES=10_000, FILE_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_adding_a_file_over_the_limit_keeps_what_was_typed(client, unit, tmp_path):
    before = files_under(settings.MEDIA_ROOT)
    client.force_login(unit.people.karen)
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = client.post(
            reverse("library:add", args=[unit.community.slug]),
            {
                "kind": "template",
                "title": "Speaker pack",
                "description": TYPED,
                "topic_areas": ["Records"],
                "tags": "speakers",
                "body": "",
                "link_url": "",
                "file": _huge(),
            },
        )
    html = response.content.decode()
    assert response.status_code == 413
    assert "“speaker-pack.txt” is larger than 10 kB, the most one file may be." in html
    assert "what you typed is kept" in html
    # At the file field, with the title, description, area and tags kept.
    field = html.split('id="id_file"')[1].split("</form>")[0]
    assert "is larger than 10 kB" in field
    assert 'value="Speaker pack"' in html and TYPED in html
    assert re.search(r'value="Records"[^>]*checked', html)
    assert 'value="speakers"' in html
    assert not LibraryItem.objects.exists()
    # Nothing of the file was kept: not stored, not left in a temporary file.
    assert files_under(settings.MEDIA_ROOT) == before
    assert files_under(tmp_path) == set()


@override_settings(COPSE_UPLOAD_MAX_BYTES=10_000)
def test_a_new_version_over_the_limit_keeps_the_change_note(client, unit):
    karen = unit.people.karen
    item = services.create_item(
        actor=karen,
        community=unit.community,
        kind="document",
        title="Speaker pack",
        uploaded_file=text_file(),
    )
    client.force_login(karen)
    response = client.post(
        reverse("library:new_version", args=[item.pk]),
        {"change_note": "Added the honoraria form", "file": _huge("pack-v2.txt")},
    )
    html = response.content.decode()
    assert response.status_code == 413
    assert "“pack-v2.txt” is larger than 10 kB" in html
    assert 'value="Added the honoraria form"' in html
    assert ItemVersion.objects.filter(item=item).count() == 1


@override_settings(COPSE_UPLOAD_MAX_BYTES=10_000)
def test_a_file_within_the_limit_still_goes_through(client, unit):
    client.force_login(unit.people.karen)
    response = client.post(
        reverse("library:add", args=[unit.community.slug]),
        {
            "kind": "document",
            "title": "Small",
            "file": SimpleUploadedFile("small.txt", b"fits\n", content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    assert LibraryItem.objects.get().versions.get().original_name == "small.txt"
