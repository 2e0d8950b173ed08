"""The audit log reads as sentences about people and things, names only what
its reader may read, and costs the same number of queries at any size."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.audit import sentences
from copse.audit.models import AuditEntry
from copse.audit.services import record
from copse.conversations import services as conversations
from copse.meetings import services as meetings
from copse.memberships import services as memberships

THREAD_TITLE = "Merger with Fabrikam next spring"
MEETING_TITLE = "December meeting"
FILE_NAME = "fabrikam-merger-slides.txt"


def _meeting(community, facilitator, title=MEETING_TITLE):
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    return meetings.create_meeting(
        actor=facilitator,
        community=community,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        time_zone="UTC",
        address="Room 1",
    )


def _secrets_logged(community, facilitator):
    """A confidential community's facilitator does things whose entries name
    a thread, a meeting and a file."""
    thread = conversations.start_thread(
        actor=facilitator, community=community, kind="discussion", title=THREAD_TITLE, body="b"
    )
    conversations.set_pinned(actor=facilitator, thread=thread, pinned=True)
    meeting = _meeting(community, facilitator)
    meetings.upload_material(
        actor=facilitator,
        meeting=meeting,
        uploaded_file=SimpleUploadedFile(FILE_NAME, b"The numbers."),
    )
    return thread, meeting


def _log(client, viewer, community=None):
    client.force_login(viewer)
    url = reverse("audit:community", args=[community.slug]) if community else reverse("audit:all")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_facilitator_reads_who_did_what_to_which_thing(client, roles):
    community, people = roles
    thread, meeting = _secrets_logged(community, people["facilitator"])
    log = _log(client, people["facilitator"], community)
    assert f"Fay Facilitator uploaded {FILE_NAME} to" in log
    assert f"“{MEETING_TITLE}” ({sentences.when(meeting.starts_at)})" in log
    assert f'href="{meeting.get_absolute_url()}"' in log
    assert (
        f'Fay Facilitator pinned <a href="{thread.get_absolute_url()}">“{THREAD_TITLE}”</a>' in log
    )
    # No action names and no raw detail.
    assert "meeting.material_uploaded" not in log and "meeting_id" not in log


def test_a_site_admin_reads_that_things_happened_not_what_they_were(client, roles):
    community, people = roles
    thread, meeting = _secrets_logged(community, people["facilitator"])
    for log in (
        _log(client, people["site_admin"], community),
        _log(client, people["site_admin"]),
    ):
        assert "Fay Facilitator pinned a thread" in log
        assert "Fay Facilitator uploaded a file to a meeting" in log
        for secret in (THREAD_TITLE, MEETING_TITLE, FILE_NAME):
            assert secret not in log
        # Nor the addresses or ids that would lead to them.
        assert thread.get_absolute_url() not in log and meeting.get_absolute_url() not in log
        assert f"/t/{thread.pk}/" not in log and f"thread: {thread.pk}" not in log


def test_a_thread_moved_to_a_community_the_reader_cannot_see_is_not_named(client, roles):
    community, people = roles
    hidden = testing.make_community(
        slug="inner-circle", name="The Inner Sanctum", visibility="confidential", listed=False
    )
    record(
        actor=people["facilitator"],
        action="conversation.moved_out",
        community=community,
        thread=999_999,
        to=hidden.slug,
    )
    log = _log(client, people["facilitator"], community)
    assert "Fay Facilitator moved a thread to another community" in log
    assert "Inner Sanctum" not in log and "inner-circle" not in log


def test_an_action_without_a_sentence_reads_as_words_without_ids(client, roles):
    community, people = roles
    record(
        actor=people["facilitator"],
        action="mail.signature_changed",
        community=community,
        content="links_only",
        thread_id=4242,
    )
    log = _log(client, people["facilitator"], community)
    assert "Fay Facilitator — mail: signature changed (content: links only)" in log
    assert "4242" not in log


def test_leave_and_return_and_a_withheld_reason_read_as_sentences(client, roles):
    community, people = roles
    memberships.set_on_leave(actor=people["member"], community=community, on_leave=True)
    memberships.come_back(actor=people["member"], community=community)
    log = _log(client, people["site_admin"], community)
    assert "Mona Member went on leave from The Circle" in log
    assert "Mona Member came back from leave to The Circle" in log


def test_the_words_of_a_detail_value_are_escaped(client, roles):
    community, people = roles
    record(
        actor=people["facilitator"],
        action="invitation.sent",
        community=community,
        email="<script>x</script>@example.com",
        role="member",
    )
    log = _log(client, people["facilitator"], community)
    assert "<script>x</script>" not in log and "&lt;script&gt;" in log
    assert "invited" in log and "as a member" in log


def _many_entries(community, facilitator, n):
    for i in range(n):
        thread = conversations.start_thread(
            actor=facilitator, community=community, kind="discussion", title=f"T{i}", body="b"
        )
        conversations.set_pinned(actor=facilitator, thread=thread, pinned=True)
        meeting = _meeting(community, facilitator, title=f"M{i}")
        meetings.upload_material(
            actor=facilitator,
            meeting=meeting,
            uploaded_file=SimpleUploadedFile(f"f{i}.txt", b"x"),
        )
        memberships.set_on_leave(actor=facilitator, community=community, on_leave=True)
        memberships.come_back(actor=facilitator, community=community)


@pytest.mark.parametrize("viewer", ["facilitator", "site_admin"])
def test_the_log_costs_the_same_queries_at_any_size(
    client, roles, viewer, django_assert_max_num_queries
):
    community, people = roles
    client.force_login(people[viewer])
    url = reverse("audit:community", args=[community.slug])
    _many_entries(community, people["facilitator"], 2)
    # The page's own queries and one for each kind of thing named (meetings,
    # files, threads), at 10 entries as at 100.
    with django_assert_max_num_queries(15):
        small = client.get(url)
    _many_entries(community, people["facilitator"], 20)
    assert AuditEntry.objects.filter(community=community).count() > 100
    with django_assert_max_num_queries(15):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count('class="audit-log__entry"') == 100


def test_every_action_written_in_the_code_has_a_sentence():
    """A new action that reads as the default line is a gap in the log's
    readability; this finds it where the action is written."""
    import re
    from pathlib import Path

    root = Path(sentences.__file__).resolve().parents[1]
    written = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "demo" in path.parts:
            continue
        source = path.read_text()
        if "record(" not in source:
            continue
        for line in source.splitlines():
            if "action" in line:
                written |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
        written |= {f"membership.{how}" for how in re.findall(r'how = "([a-z_]+)"', source)}
    # Permission names passed as `action=` to other helpers are not audit actions.
    from copse.core import permissions

    rule_names = set()
    for name in dir(permissions):
        table = getattr(permissions, name)
        if name.endswith("_RULES") and isinstance(table, dict):
            rule_names |= set(table)
    written -= rule_names
    assert written, "no action found: the pattern above no longer matches the code"
    missing = sorted(a for a in written if sentences.registered(a) is None)
    assert missing == []


def test_a_mail_content_change_reads_as_a_sentence(client, roles):
    community, people = roles
    record(
        actor=people["facilitator"],
        action="mail.content_level_changed",
        community=community,
        content="link_only",
    )
    log = _log(client, people["facilitator"], community)
    assert "Fay Facilitator set what mail from the community carries: a link only" in log
