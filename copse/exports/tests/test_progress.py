"""Watching an export being made: the status page says where it stands,
htmx polls it (and is told to stop, 286, once nothing more will change),
and without JavaScript a plain link looks again. A failure is told in words
the requester can act on, never as a server error."""

from __future__ import annotations

import datetime as dt
import os
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from copse.core.tests.full_disk import MountRefused, files_under, fill, small_filesystem
from copse.exports import building, services
from copse.exports.models import Export

POLL = {"HTTP_HX_REQUEST": "true"}


class _Poller(HTMLParser):
    def __init__(self):
        super().__init__()
        self.polls = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "export-status":
            self.polls = attrs.get("data-hx-get"), attrs.get("data-hx-trigger")


def _poller(html: bytes):
    parser = _Poller()
    parser.feed(html.decode())
    return parser.polls


@pytest.fixture
def asked(client, world) -> Export:
    client.force_login(world.people["facilitator"])
    return services.request_community_export(
        actor=world.people["facilitator"], community=world.community
    )


def test_while_it_waits_the_page_polls_and_offers_a_link_to_look_again(client, asked):
    page = client.get(asked.get_absolute_url())
    assert page.status_code == 200
    assert b"Waiting for its turn" in page.content
    assert _poller(page.content) == (asked.get_absolute_url(), "every 2s")
    # Without JavaScript: a plain link to the same page.
    assert f'<a href="{asked.get_absolute_url()}">Check again</a>'.encode() in page.content
    assert b"<script" not in page.content.split(b"</head>")[1]


def test_while_it_runs_the_page_shows_the_step_and_how_far(client, asked):
    Export.objects.filter(pk=asked.pk).update(
        status="running", progress=37, step="Meetings and their materials"
    )
    page = client.get(asked.get_absolute_url())
    assert b"Being prepared: meetings and their materials" in page.content
    assert b'<progress id="export-progress" max="100" value="37">' in page.content
    polled = client.get(asked.get_absolute_url(), **POLL)
    assert polled.status_code == 200
    # Just the part that changes, not the whole page.
    assert b"<html" not in polled.content
    assert b"37%" in polled.content


def test_once_ready_htmx_is_told_to_stop_and_gets_the_download(client, asked):
    assert building.build(asked.pk) == "ready"
    polled = client.get(asked.get_absolute_url(), **POLL)
    assert polled.status_code == 286
    assert asked.get_download_url().encode() in polled.content
    page = client.get(asked.get_absolute_url())
    assert _poller(page.content) == (None, None)
    assert b"Check again" not in page.content


def test_a_failure_is_told_in_words_and_polling_stops(client, asked, settings, tmp_path):
    # A file where the export folder should be: nothing can be written there.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.COPSE_EXPORT_DIR = blocker / "exports"
    assert building.build(asked.pk) == "failed"
    asked.refresh_from_db()
    assert (asked.status, asked.failure) == ("failed", building.GENERIC_FAILURE)
    polled = client.get(asked.get_absolute_url(), **POLL)
    assert polled.status_code == 286
    assert b"It could not be made." in polled.content
    assert asked.failure.encode() in polled.content
    assert reverse("exports:community", args=["cio"]).encode() in polled.content
    # The community may ask again: a failed export holds nothing up.
    settings.COPSE_EXPORT_DIR = tmp_path / "exports"
    again = client.post(reverse("exports:community_new", args=["cio"]))
    assert again.status_code == 302


def test_a_full_disk_is_told_as_such_and_leaves_no_partial_file(client, asked, settings, tmp_path):
    """On a tmpfs the test mounts, filled to the brim (skipped off CI where
    the machine does not let a test mount one; under CI=true it fails)."""
    disk = tmp_path / "disk"
    try:
        with small_filesystem(disk, 64 * 1024):
            settings.COPSE_EXPORT_DIR = disk
            fill(disk, leave=4096)
            assert building.build(asked.pk) == "failed"
            assert files_under(disk) == {"filler"}
    except MountRefused as refusal:
        # CI runs as root, where a tmpfs always mounts: there this must run.
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no small file system could be mounted ({refusal})")
    asked.refresh_from_db()
    assert asked.failure == building.STORAGE_FAILURE


def test_an_export_lost_on_the_way_is_let_go_a_day_later(world, asked):
    from copse.exports import cleanup

    assert cleanup.fail_lost(timezone.now()) == 0
    Export.objects.filter(pk=asked.pk).update(requested_at=timezone.now() - dt.timedelta(days=2))
    assert cleanup.fail_lost(timezone.now()) == 1
    asked.refresh_from_db()
    assert (asked.status, asked.failure) == ("failed", cleanup.LOST)
    # Another may start now.
    assert services.request_community_export(actor=world.people["omar"], community=world.community)


def test_the_personal_status_page_polls_itself_too(client, world):
    export = services.request_personal_export(actor=world.people["member"])
    client.force_login(world.people["member"])
    page = client.get(export.get_absolute_url())
    assert _poller(page.content) == (export.get_absolute_url(), "every 2s")
    building.build(export.pk)
    assert client.get(export.get_absolute_url(), **POLL).status_code == 286
