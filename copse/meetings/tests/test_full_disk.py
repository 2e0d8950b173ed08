"""Meeting materials on a full disk or a read-only data folder: the upload is
a 503 and leaves no file behind, whether the disk fills mid-file or the
row cannot be written after the file was."""

import logging
import warnings

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from copse.core.tests.full_disk import (
    MountRefused,
    database_refuses_writes,
    files_under,
    filling_storage,
    free_bytes,
    remount,
    small_filesystem,
)
from copse.core.tests.test_errors import assert_styled_page
from copse.meetings.models import Material

TITLE = "We could not save this — nothing was lost"
SLIDES = b"%PDF-1.7\n" + b"slide " * 170_000  # about 1 MB


def _upload(client, meeting, name="slides.pdf", data=SLIDES):
    return client.post(
        reverse("meetings:material_upload", args=["cio", meeting.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


@pytest.fixture
def organiser(circle):
    client = Client()
    client.force_login(circle["facilitator"])
    return client


def test_an_upload_that_fills_the_disk_mid_file_leaves_no_partial_file(organiser, meeting):
    before = files_under(settings.MEDIA_ROOT)
    with override_settings(STORAGES=filling_storage(room=64 * 1024)):
        response = _upload(organiser, meeting)
    assert_styled_page(response, status=503, title=TITLE)
    assert int(response["Retry-After"]) > 0
    assert files_under(settings.MEDIA_ROOT) == before
    assert not Material.objects.exists()


def test_an_upload_whose_row_cannot_be_written_removes_its_file(organiser, meeting):
    before = files_under(settings.MEDIA_ROOT)
    with database_refuses_writes(table='"meetings_material"', statements=("INSERT",)) as refused:
        response = _upload(organiser, meeting, "notes.txt", b"agenda notes\n")
    assert refused, "the material's row was not written"
    assert_styled_page(response, status=503, title=TITLE)
    assert files_under(settings.MEDIA_ROOT) == before
    assert not Material.objects.exists()


def test_an_upload_to_a_small_real_disk_and_a_read_only_one(organiser, meeting, tmp_path, caplog):
    """A tmpfs of 256 kB as the upload folder, where the machine lets the test
    mount one; elsewhere the stub above stands in, with a warning."""
    disk = tmp_path / "uploads"
    try:
        with small_filesystem(disk, 256 * 1024), override_settings(MEDIA_ROOT=disk):
            room = free_bytes(disk)
            with caplog.at_level(logging.ERROR, logger="copse"):
                response = _upload(organiser, meeting)
            assert_styled_page(response, status=503, title=TITLE)
            assert "disk full" in caplog.text
            assert files_under(disk) == set() and free_bytes(disk) == room
            assert not Material.objects.exists()
            # What fits is stored whole.
            assert _upload(organiser, meeting, "notes.txt", b"agenda notes\n").status_code == 302
            material = Material.objects.get()
            assert (disk / material.file.name).read_bytes() == b"agenda notes\n"
            # A data folder that turned read-only.
            remount(disk, "ro")
            response = _upload(organiser, meeting, "more.txt", b"more notes\n")
            assert_styled_page(response, status=503, title=TITLE)
            assert files_under(disk) == {material.file.name}
            remount(disk, "rw")
    except MountRefused as refusal:
        warnings.warn(f"no small file system could be mounted ({refusal}); used the stub")
        test_an_upload_that_fills_the_disk_mid_file_leaves_no_partial_file(organiser, meeting)
