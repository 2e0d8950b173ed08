"""A facilitator asks for everything a confidential community holds, watches
it being made, downloads it, and reads it with `zipfile`, `json`, `mailbox`,
`email` and `icalendar`: what they may read is all there, and nothing else."""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox

import pytest
from django.urls import reverse
from icalendar import Calendar

from copse.audit.models import AuditEntry
from copse.exports.models import Export
from copse.exports.tests.conftest import (
    CSV_BYTES,
    DIETARY,
    EARLIER_TEXT,
    ELSEWHERE_SECRET,
    FEEDBACK,
    MARIA_NUDGE,
    OMAR_NUDGE,
    OPEN_PULSE_ANSWER,
    PDF_BYTES,
    PEER_EMAIL,
    PRIVATE_STORY,
    PRIYA_STORY,
    PULSE_ANSWER,
    REMOVED_WORDS,
    SECRET,
    Archive,
    body_of,
)


def export_as(client, world, who: str, capture) -> tuple[Export, Archive]:
    client.force_login(world.people[who])
    with capture(execute=True):
        response = client.post(reverse("exports:community_new", args=["cio"]))
    export = Export.objects.get(requested_by=world.people[who])
    assert response.status_code == 302
    assert response["Location"] == export.get_absolute_url()
    status = client.get(export.get_absolute_url())
    assert b"Ready" in status.content
    download = client.get(export.get_download_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    return export, Archive(body_of(download))


@pytest.fixture
def archive(client, world, django_capture_on_commit_callbacks):
    return export_as(client, world, "facilitator", django_capture_on_commit_callbacks)


def test_the_archive_lists_every_file_with_its_checksum(archive):
    export, found = archive
    manifest = found.json("manifest.json")
    assert manifest["format"] == "copse-export"
    assert manifest["format_version"] == 1
    assert manifest["kind"] == "community"
    assert manifest["community"] == {"name": "CIO CoP", "slug": "cio"}
    assert manifest["generated_at"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == found.names - {"manifest.json"}
    for path, entry in listed.items():
        data = found.read(path)
        assert entry["bytes"] == len(data), path
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), path
    assert manifest["counts"]["threads"] == 1
    assert manifest["counts"]["posts"] == 2
    assert manifest["counts"]["meetings"] == 1
    assert manifest["missing_files"] == []
    # The whole file's checksum is the one the status page shows.
    assert export.sha256 == hashlib.sha256(found.data).hexdigest()


def test_conversations_come_with_their_history_and_files_but_not_what_was_removed(archive):
    _, found = archive
    threads = found.json("threads.json")["threads"]
    assert [t["title"] for t in threads] == [SECRET]
    posts = threads[0]["posts"]
    assert [p["position"] for p in posts] == [0, 1]
    assert posts[0]["body"] == "Our bill doubled."
    assert posts[0]["earlier_versions"][0]["body"] == EARLIER_TEXT
    assert posts[0]["author"] == {"name": "Dev Patel", "handle": "dev-patel"}
    attachment = posts[1]["attachments"][0]
    assert attachment["name"] == "costs.csv"
    assert found.read(attachment["path"]) == CSV_BYTES
    assert threads[0]["tags"] == ["telecom"]
    assert REMOVED_WORDS.encode() not in found.raw


def test_the_mbox_holds_the_same_conversations_from_the_community_address(archive):
    _, found = archive
    path = found.zip.extract("conversations.mbox", path=_tmp(found))
    messages = list(mailbox.mbox(path))
    assert len(messages) == 2
    first = email.message_from_bytes(messages[0].as_bytes(), policy=email.policy.default)
    assert first["Subject"] == SECRET
    assert first["Message-ID"].startswith("<copse.post.")
    assert "dev@contoso.example" not in str(first["From"])
    reply = email.message_from_bytes(messages[1].as_bytes(), policy=email.policy.default)
    assert reply["In-Reply-To"] == first["Message-ID"]
    assert SECRET in reply.get_content()


def _tmp(found):
    import tempfile

    return tempfile.mkdtemp(prefix="copse-export-test-")


def test_meetings_come_as_json_and_as_a_calendar(archive, world):
    _, found = archive
    meetings = found.json("meetings.json")["meetings"]
    assert [m["title"] for m in meetings] == ["March meeting at Litware"]
    meeting = meetings[0]
    assert meeting["address"] == "Litware, 1 Main Street"
    assert meeting["answers"][0]["dietary_needs"] == DIETARY
    assert meeting["agenda"][0]["feedback"][0]["comment"] == FEEDBACK
    material = meeting["materials"][0]
    assert found.read(material["path"]) == PDF_BYTES
    calendar = Calendar.from_ical(found.read("meetings.ics"))
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["March meeting at Litware"]
    assert str(events[0]["UID"]).startswith(f"meeting-{world.meeting.pk}@")


def test_topics_norms_library_and_decisions_are_in_it(archive):
    _, found = archive
    topic = found.json("topics.json")["topics"][0]
    assert topic["title"] == "Carrier benchmarks"
    assert topic["votes"] == 2
    # Who voted is on no page.
    assert "voters" not in topic
    norms = found.json("norms.json")["versions"][0]
    assert norms["accepted_by"][0]["person"]["name"] == "Dev Patel"
    item = found.json("library.json")["items"][0]
    assert item["title"] == "Carrier RFP template"
    assert found.read(item["versions"][0]["file"]["path"]) == CSV_BYTES
    decisions = found.json("decisions.json")
    position = decisions["proposals"][0]["positions"][0]
    assert (position["stance"], position["reason"]) == ("block", "Monthly keeps us close.")
    assert decisions["date_polls"][0]["options"][0]["answers"][0]["answer"] == "yes"
    # Facilitators read a nomination's address (`nomination.read`).
    assert decisions["peer_nominations"][0]["email"] == PEER_EMAIL


def test_private_stories_come_as_facilitators_read_them(archive):
    _, found = archive
    titles = {s["title"] for s in found.json("value_stories.json")["stories"]}
    assert {PRIVATE_STORY, PRIYA_STORY, "Good to be in the room"} == titles


def test_pulses_give_the_results_that_show_and_never_who_answered(archive, world):
    _, found = archive
    pulses = found.json("pulses.json")["pulses"]
    closed, still_open = pulses
    assert closed["results"]["answers"] == 5
    assert closed["results"]["open_answers"] == [PULSE_ANSWER]
    assert still_open["results"] is None
    assert OPEN_PULSE_ANSWER.encode() not in found.raw
    for pulse in pulses:
        assert "respondents" not in pulse
    # Nothing in the pulses names a person.
    assert b"dev-patel" not in found.read("pulses.json")
    assert b"Dev Patel" not in found.read("pulses.json")


def test_a_facilitator_gets_only_the_nudges_they_wrote(archive):
    _, found = archive
    nudges = found.json("nudges.json")["nudges"]
    assert [n["body"] for n in nudges] == [MARIA_NUDGE]
    assert OMAR_NUDGE.encode() not in found.raw


def test_nothing_of_another_community_is_in_it(archive):
    _, found = archive
    assert ELSEWHERE_SECRET.encode() not in found.raw
    assert b"A/O CoP" not in found.raw


def test_asking_and_downloading_are_in_the_audit_log(archive, world):
    export, _ = archive
    actions = list(
        AuditEntry.objects.filter(community=world.community, action__startswith="export.")
        .order_by("id")
        .values_list("action", "actor__email", "detail")
    )
    assert actions == [
        ("export.community_requested", "maria@northwind.example", {"export_id": export.pk}),
        ("export.community_downloaded", "maria@northwind.example", {"export_id": export.pk}),
    ]


def test_the_audit_log_page_says_it_in_words(client, archive, world):
    response = client.get(reverse("audit:community", args=["cio"]))
    assert b"Maria Lopez asked for an export of everything in CIO CoP" in response.content
    assert b"Maria Lopez downloaded an export of CIO CoP" in response.content


def test_each_thread_carries_its_own_posts_however_they_interleave(
    client, world, django_capture_on_commit_callbacks
):
    from copse.conversations import services as conversations
    from copse.conversations.models import Post

    maria, dev = world.people["facilitator"], world.people["member"]
    first = conversations.start_thread(
        actor=dev, community=world.community, kind="discussion", title="First", body="One"
    )
    second = conversations.start_thread(
        actor=maria, community=world.community, kind="discussion", title="Second", body="Two"
    )
    gone = conversations.start_thread(
        actor=dev, community=world.community, kind="discussion", title="Gone", body="Three"
    )
    for n in range(3):
        conversations.post_reply(actor=maria, thread=first, body=f"first {n}")
        conversations.post_reply(actor=dev, thread=second, body=f"second {n}")
        conversations.post_reply(actor=dev, thread=gone, body=f"gone {n}")
    conversations.remove_thread(actor=maria, thread=gone, reason="Off topic.")
    _, found = export_as(client, world, "facilitator", django_capture_on_commit_callbacks)
    threads = {t["id"]: t for t in found.json("threads.json")["threads"]}
    assert gone.pk not in threads
    for thread in (world.thread, first, second):
        expected = list(
            Post.objects.filter(thread=thread, removed_at__isnull=True)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        assert [p["id"] for p in threads[thread.pk]["posts"]] == expected
    assert found.json("manifest.json")["counts"]["threads"] == 3
    assert b"gone 1" not in found.raw
