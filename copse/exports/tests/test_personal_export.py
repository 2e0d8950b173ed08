"""Dev downloads his data from his profile: everything about him and
everything he wrote, his files among it, and nothing that is someone else's
to keep private."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from copse.audit.models import AuditEntry
from copse.exports import building, services
from copse.exports.models import Export
from copse.exports.tests.conftest import (
    CSV_BYTES,
    DIETARY,
    EARLIER_TEXT,
    MARIA_NUDGE,
    OMAR_NUDGE,
    OPEN_PULSE_ANSWER,
    PEER_EMAIL,
    PRIVATE_STORY,
    PRIYA_STORY,
    PULSE_ANSWER,
    REMOVED_WORDS,
    SECRET,
    Archive,
    body_of,
)
from copse.memberships.models import Membership


def download_own(client, person, capture) -> tuple[Export, Archive]:
    client.force_login(person)
    profile = client.get(reverse("accounts:profile"))
    assert reverse("exports:personal").encode() in profile.content
    assert client.get(reverse("exports:personal")).status_code == 200
    with capture(execute=True):
        response = client.post(reverse("exports:personal_new"))
    export = Export.objects.get(requested_by=person, kind="personal")
    assert response["Location"] == export.get_absolute_url()
    assert b"Ready" in client.get(export.get_absolute_url()).content
    download = client.get(export.get_download_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    return export, Archive(body_of(download))


@pytest.fixture
def dev_archive(client, world, django_capture_on_commit_callbacks):
    return download_own(client, world.people["member"], django_capture_on_commit_callbacks)


def test_the_archive_lists_every_file_with_its_checksum(dev_archive):
    _, found = dev_archive
    manifest = found.json("manifest.json")
    assert manifest["kind"] == "personal"
    assert manifest["generated_for"] == {"name": "Dev Patel", "handle": "dev-patel"}
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(found.read(entry["path"])).hexdigest()
    assert {e["path"] for e in manifest["files"]} == found.names - {"manifest.json"}


def test_it_holds_his_account_and_his_settings(dev_archive):
    _, found = dev_archive
    account = found.json("account.json")
    assert account["email"] == "dev@contoso.example"
    assert account["addresses"] == [
        {"email": "dev@contoso.example", "verified": True, "primary": True}
    ]
    assert "password" not in account
    memberships = found.json("memberships.json")
    assert [(m["community"]["slug"], m["role"]) for m in memberships["memberships"]] == [
        ("cio", "member")
    ]
    assert memberships["norms_accepted"][0]["version"] == 1


def test_it_holds_what_he_wrote_removed_words_and_earlier_versions_included(dev_archive):
    _, found = dev_archive
    writing = found.json("writing.json")
    assert [t["title"] for t in writing["threads_started"]] == [SECRET]
    bodies = {p["body"] for p in writing["posts"]}
    assert "Our bill doubled." in bodies
    # His own words, though a facilitator removed them from the thread.
    assert REMOVED_WORDS in bodies
    opening = next(p for p in writing["posts"] if p["position"] == 0)
    assert opening["earlier_versions"][0]["body"] == EARLIER_TEXT
    # Maria's reply is hers, not his.
    assert not any("We switched" in p["body"] for p in writing["posts"])


def test_it_holds_his_meetings_topics_positions_library_and_stories(dev_archive):
    _, found = dev_archive
    meetings = found.json("meetings.json")
    assert meetings["answers"][0]["dietary_needs"] == DIETARY
    assert meetings["feedback_given"][0]["usefulness"] == 5
    topics = found.json("topics.json")
    assert topics["proposed"][0]["title"] == "Carrier benchmarks"
    assert topics["votes"][0]["topic"] == "Carrier benchmarks"
    decisions = found.json("decisions.json")
    assert decisions["positions"][0]["reason"] == "Monthly keeps us close."
    assert decisions["date_poll_answers"][0]["answer"] == "yes"
    assert decisions["peers_nominated"][0]["name"] == "Pat Peer"
    item = found.json("library.json")["items"][0]
    assert item["title"] == "Carrier RFP template"
    assert found.read(item["versions"][0]["file"]["path"]) == CSV_BYTES
    value = found.json("value.json")
    assert [s["title"] for s in value["stories"]] == [PRIVATE_STORY]
    assert value["trust_pulses_answered"][0]["opens_on"]
    notes = found.json("notes.json")
    assert [n["body"] for n in notes["received"]] == [MARIA_NUDGE]


def test_nothing_of_anyone_else_that_is_private(dev_archive):
    _, found = dev_archive
    for private in (
        PRIYA_STORY,  # another member's private story
        "priya@fabrikam.example",  # another member's address
        "maria@northwind.example",  # the facilitator's address
        PEER_EMAIL,  # the address of the peer he nominated is the peer's
        OMAR_NUDGE,  # a note to someone else
        PULSE_ANSWER,  # what anyone answered in a pulse, his own included
        OPEN_PULSE_ANSWER,
    ):
        assert private.encode() not in found.raw, private


def test_a_thread_he_replied_to_keeps_its_title_only_while_he_may_read_it(
    client, world, django_capture_on_commit_callbacks
):
    from copse.conversations import services as conversations

    other = conversations.start_thread(
        actor=world.people["priya"],
        community=world.community,
        kind="discussion",
        title="Priya's budget question",
        body="How do you plan?",
    )
    conversations.post_reply(actor=world.people["member"], thread=other, body="Quarterly.")
    Membership.objects.filter(community=world.community, user=world.people["member"]).update(
        status="left"
    )
    _, found = download_own(client, world.people["member"], django_capture_on_commit_callbacks)
    reply = next(p for p in found.json("writing.json")["posts"] if p["body"] == "Quarterly.")
    assert reply["thread_title"] is None
    assert b"Priya's budget question" not in found.raw
    # His own thread keeps its title: he wrote it.
    assert SECRET.encode() in found.raw


def test_only_the_person_may_see_or_download_it(client, world, dev_archive):
    export, _ = dev_archive
    for role in ("facilitator", "priya", "site_admin", "outsider", "delegate"):
        client.force_login(world.people[role])
        assert client.get(export.get_absolute_url()).status_code == 404, role
        assert client.get(export.get_download_url()).status_code == 404, role
    client.logout()
    assert client.get(export.get_download_url()).status_code == 302


def test_asking_and_downloading_are_recorded_about_him(world, dev_archive):
    export, _ = dev_archive
    rows = list(
        AuditEntry.objects.filter(action__startswith="export.personal")
        .order_by("id")
        .values_list("action", "subject__email", "community")
    )
    assert rows == [
        ("export.personal_requested", "dev@contoso.example", None),
        ("export.personal_downloaded", "dev@contoso.example", None),
    ]


def test_one_copy_at_a_time(client, world):
    dev = world.people["member"]
    services.request_personal_export(actor=dev)
    client.force_login(dev)
    response = client.post(reverse("exports:personal_new"))
    assert response.status_code == 409
    assert b"already being prepared" in response.content
    # Someone else's copy does not wait for his.
    assert services.request_personal_export(actor=world.people["priya"])


def test_a_closed_account_gets_nothing_made(world):
    dev = world.people["member"]
    export = services.request_personal_export(actor=dev)
    type(dev).objects.filter(pk=dev.pk).update(is_active=False)
    assert building.build(export.pk) == "refused"
    export.refresh_from_db()
    assert export.status == "failed"
