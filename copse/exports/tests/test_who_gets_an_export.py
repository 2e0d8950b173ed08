"""Attacks on the export pages: everyone but the facilitator who asked gets
the same 404 as for a missing page, whatever they try; a facilitator who
stepped down loses their archive; an expired one is refused with a page that
says so; one export of a community runs at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from copse.core import permissions
from copse.exports import building, cleanup, services
from copse.exports.models import Export
from copse.exports.tests.conftest import SECRET, body_of
from copse.memberships.models import Membership

OUTSIDERS = [
    "member",
    "delegate",
    "guest",
    "former",
    "site_admin",
    "other_facilitator",
    "outsider",
]


@pytest.fixture
def ready(world) -> Export:
    """Maria's export of the CIO CoP, made."""
    export = services.request_community_export(
        actor=world.people["facilitator"], community=world.community
    )
    assert building.build(export.pk) == "ready"
    export.refresh_from_db()
    return export


def _pages(export: Export) -> dict[str, tuple[str, str]]:
    return {
        "exports page": ("get", reverse("exports:community", args=["cio"])),
        "request": ("post", reverse("exports:community_new", args=["cio"])),
        "status": ("get", export.get_absolute_url()),
        "download": ("get", export.get_download_url()),
    }


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_but_a_facilitator_reaches_the_export_pages(client, world, ready, role):
    client.force_login(world.people[role])
    for page, (method, url) in _pages(ready).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{page} as {role}"
        body = body_of(response)
        assert b"Page not found" in body
        assert SECRET.encode() not in body
        assert b"CIO CoP" not in body
    assert not Export.objects.exclude(pk=ready.pk).exists()


def test_signed_out_the_pages_send_to_sign_in(client, ready):
    for page, (method, url) in _pages(ready).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, page
        assert "/accounts/login/" in response["Location"], page


def test_another_facilitator_gets_the_page_but_not_someone_elses_archive(client, world, ready):
    """Omar facilitates too, but Maria's archive holds the notes she wrote:
    it is hers alone."""
    client.force_login(world.people["omar"])
    page = client.get(reverse("exports:community", args=["cio"]))
    assert page.status_code == 200
    assert ready.get_absolute_url().encode() not in page.content
    assert client.get(ready.get_absolute_url()).status_code == 404
    assert client.get(ready.get_download_url()).status_code == 404


def test_a_site_admin_of_an_open_community_gets_no_export_either(client, world):
    from copse.communities.models import Community

    Community.objects.filter(pk=world.community.pk).update(visibility="open")
    client.force_login(world.people["site_admin"])
    assert client.get(reverse("exports:community", args=["cio"])).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.request_community_export(
            actor=world.people["site_admin"], community=Community.objects.get(slug="cio")
        )


def test_a_facilitator_who_stepped_down_can_no_longer_download(client, world, ready):
    maria = world.people["facilitator"]
    client.force_login(maria)
    assert client.get(ready.get_download_url()).status_code == 200
    Membership.objects.filter(community=world.community, user=maria).update(role="member")
    for page, (method, url) in _pages(ready).items():
        response = getattr(client, method)(url)
        assert response.status_code == 404, page
    # The service refuses whoever calls it, not only through the pages.
    permissions.forget_standings(maria)
    with pytest.raises(services.NotAllowed):
        services.open_download(actor=maria, export=ready)


def test_a_facilitator_who_left_can_no_longer_download(client, world, ready):
    maria = world.people["facilitator"]
    Membership.objects.filter(community=world.community, user=maria).update(status="left")
    client.force_login(maria)
    assert client.get(ready.get_download_url()).status_code == 404


def test_stepping_down_before_the_worker_runs_leaves_nothing_made(world):
    maria = world.people["facilitator"]
    export = services.request_community_export(actor=maria, community=world.community)
    Membership.objects.filter(community=world.community, user=maria).update(role="member")
    assert building.build(export.pk) == "refused"
    export.refresh_from_db()
    assert export.status == "failed"
    assert "no longer" in export.failure
    assert export.file_name == ""
    assert not any(building.export_dir().iterdir())


def test_an_expired_export_is_refused_with_a_page_that_says_so(client, world, ready):
    Export.objects.filter(pk=ready.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(world.people["facilitator"])
    response = client.get(ready.get_download_url())
    assert response.status_code == 410
    assert b"This export has expired" in response.content
    assert reverse("exports:community", args=["cio"]).encode() in response.content
    status = client.get(ready.get_absolute_url())
    assert b"Expired." in status.content
    assert ready.get_download_url().encode() not in status.content


def test_the_sweep_removes_expired_files_and_keeps_the_others(world, ready):
    path = building.path_of(ready)
    assert path.exists()
    assert cleanup.remove_expired(timezone.now()) == 0
    assert path.exists()
    later = ready.expires_at + dt.timedelta(seconds=1)
    assert cleanup.remove_expired(later) == 1
    assert not path.exists()
    ready.refresh_from_db()
    assert (ready.status, ready.file_name) == ("expired", "")
    # Run again: nothing left to do.
    assert cleanup.remove_expired(later) == 0


def test_the_sweep_removes_files_no_export_names_once_they_are_old(world, ready):
    import os

    folder = building.export_dir()
    stray = folder / ".partial-left-by-a-dead-worker.zip"
    stray.write_bytes(b"half an archive")
    fresh = folder / ".partial-being-written.zip"
    fresh.write_bytes(b"being written")
    old = (timezone.now() - dt.timedelta(days=2)).timestamp()
    os.utime(stray, (old, old))
    assert cleanup.remove_strays(timezone.now()) == 1
    assert not stray.exists()
    assert fresh.exists()
    assert building.path_of(ready).exists()


def test_one_export_of_a_community_at_a_time(client, world):
    omar = world.people["omar"]
    services.request_community_export(actor=omar, community=world.community)
    client.force_login(world.people["facilitator"])
    page = client.get(reverse("exports:community", args=["cio"]))
    assert b"Omar Facilitator asked for an export" in page.content
    assert b"Prepare an export" not in page.content
    response = client.post(reverse("exports:community_new", args=["cio"]))
    assert response.status_code == 409
    assert b"already being prepared (asked for by Omar Facilitator)" in response.content
    assert Export.objects.filter(community=world.community).count() == 1


def test_once_it_is_ready_another_may_be_asked_for(world, ready):
    again = services.request_community_export(
        actor=world.people["facilitator"], community=world.community
    )
    assert again.pk != ready.pk


def test_making_an_export_twice_makes_it_once(world, ready):
    first = (ready.file_name, ready.sha256)
    assert building.build(ready.pk) == "finished already"
    ready.refresh_from_db()
    assert (ready.file_name, ready.sha256) == first
    assert [p.name for p in building.export_dir().iterdir()] == [ready.file_name]


def test_a_worker_that_died_mid_way_leaves_an_export_made_again(world):
    export = services.request_community_export(
        actor=world.people["facilitator"], community=world.community
    )
    Export.objects.filter(pk=export.pk).update(status="running", progress=40, step="Meetings")
    assert building.build(export.pk) == "ready"
    export.refresh_from_db()
    assert (export.status, export.progress) == ("ready", 100)


def test_a_download_while_it_is_being_made_leads_to_its_status(client, world):
    export = services.request_community_export(
        actor=world.people["facilitator"], community=world.community
    )
    client.force_login(world.people["facilitator"])
    response = client.get(export.get_download_url())
    assert response.status_code == 302
    assert response["Location"] == export.get_absolute_url()


def test_an_account_deleted_takes_its_archives_with_it(world, django_capture_on_commit_callbacks):
    dev = world.people["member"]
    own = services.request_personal_export(actor=dev)
    assert building.build(own.pk) == "ready"
    path = building.path_of(Export.objects.get(pk=own.pk))
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        dev.delete()
    assert not Export.objects.filter(pk=own.pk).exists()
    assert not path.exists()


def test_an_account_closed_through_the_deletion_page_takes_its_archives_too(
    world, django_capture_on_commit_callbacks
):
    """The deletion keeps the account's row, anonymised: nothing cascades,
    so the archives it asked for go through `account_deleted`."""
    from copse.departures.services import delete_account

    dev = world.people["member"]
    own = services.request_personal_export(actor=dev)
    assert building.build(own.pk) == "ready"
    path = building.path_of(Export.objects.get(pk=own.pk))
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(actor=dev, content="keep")
    assert not Export.objects.filter(pk=own.pk).exists()
    assert not path.exists()
