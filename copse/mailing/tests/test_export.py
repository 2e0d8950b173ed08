"""Exporting a community's conversations as mbox: parsed back with `mailbox`
and `email`, no member's address in the bytes, removed content left out, the
download for facilitators only, recorded in the audit log, in a fixed number
of queries, and a round trip through `import-mbox` that keeps threads,
positions and authors."""

import datetime as dt
import email
import io
import mailbox
import string
from email import policy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse import testing
from copse.audit.models import AuditEntry
from copse.conversations import services as conversations
from copse.conversations.models import Thread
from copse.core import permissions
from copse.mailing import addresses, archives

SECRET = "Carrier renegotiation saved us 250K"


@pytest.fixture
def circle(db):
    community = testing.make_community(slug="circle", name="The Circle", visibility="confidential")
    people = {
        role: testing.make_user(f"{role}@members.example", name=f"{role.title()} Person")
        for role in ("member", "facilitator", "admin")
    }
    testing.seat(community, people["member"])
    testing.seat(community, people["facilitator"], role="facilitator")
    people["admin"].is_staff = True
    people["admin"].save(update_fields=["is_staff"])
    return community, people


def _conversation(community, people, title=SECRET, replies=2):
    thread = conversations.start_thread(
        actor=people["member"], community=community, kind="ask", title=title, body="Who switched?"
    )
    for n in range(replies):
        conversations.post_reply(
            actor=people["facilitator"] if n % 2 == 0 else people["member"],
            thread=thread,
            body=f"Reply {n}\nFrom the minutes: yes.",
        )
    return thread


def _export(community) -> bytes:
    stream = io.BytesIO()
    archives.export_mbox(community, stream)
    return stream.getvalue()


def _parsed(data: bytes, tmp_path):
    path = tmp_path / "export.mbox"
    path.write_bytes(data)
    box = mailbox.mbox(path, create=False)
    # Keys give each message's bytes; iterating a Mailbox would parse with compat32.
    return [
        email.message_from_bytes(box.get_bytes(key), policy=policy.default)
        for key in box.iterkeys()
    ]


def test_each_post_is_one_message_that_threads_in_mail_clients(circle, tmp_path):
    community, people = circle
    thread = _conversation(community, people)
    opening, first, second = thread.posts.order_by("position")
    messages = _parsed(_export(community), tmp_path)
    domain = addresses.domain()
    assert [m["Message-ID"] for m in messages] == [
        f"<copse.post.{post.pk}@{domain}>" for post in (opening, first, second)
    ]
    assert messages[0]["In-Reply-To"] is None and messages[0]["References"] is None
    for message in messages[1:]:
        assert message["In-Reply-To"] == f"<copse.post.{opening.pk}@{domain}>"
        assert message["References"] == f"<copse.post.{opening.pk}@{domain}>"
    assert [m["Subject"] for m in messages] == [SECRET, f"Re: {SECRET}", f"Re: {SECRET}"]
    assert [m["From"].addresses[0].display_name for m in messages] == [
        "Member Person",
        "Facilitator Person",
        "Member Person",
    ]
    assert {m["From"].addresses[0].addr_spec for m in messages} == {f"circle@{domain}"}
    assert messages[0]["Date"].datetime == opening.created_at.replace(microsecond=0)
    # mboxrd: a line starting "From " is escaped; import-mbox takes the ">" off again.
    assert messages[1].get_content().rstrip("\n") == "Reply 0\n>From the minutes: yes."


def test_no_member_address_and_no_removed_content_leaves(circle, tmp_path):
    community, people = circle
    kept = _conversation(community, people, title="Kept")
    removed_reply = kept.posts.get(position=2)
    conversations.remove_post(actor=people["member"], post=removed_reply)
    gone = _conversation(community, people, title="Gone thread")
    conversations.remove_thread(actor=people["facilitator"], thread=gone, reason="Off topic")
    other = testing.make_community(slug="other")
    testing.seat(other, people["member"])
    _conversation(other, {"member": people["member"], "facilitator": people["member"]}, "Other")
    data = _export(community)
    assert b"@members.example" not in data
    assert b"Gone thread" not in data and b"Other" not in data
    messages = _parsed(data, tmp_path)
    assert [m["Message-ID"] for m in messages] == [
        f"<copse.post.{p.pk}@{addresses.domain()}>" for p in kept.posts.filter(position__lt=2)
    ]


def test_imported_authors_are_named_and_former_members_are_anonymous(circle, tmp_path):
    community, people = circle
    thread = _conversation(community, people, replies=1)
    thread.posts.filter(position=0).update(author=None, imported_author="Jane Doe")
    thread.posts.filter(position=1).update(author=None)
    messages = _parsed(_export(community), tmp_path)
    assert [m["From"].addresses[0].display_name for m in messages] == [
        "Jane Doe",
        "A former member",
    ]


def test_export_command_writes_a_file_or_standard_output(circle, tmp_path, capfdbinary):
    community, people = circle
    _conversation(community, people)
    path = tmp_path / "circle.mbox"
    call_command("export_mbox", "circle", str(path), stderr=io.StringIO())
    assert len(mailbox.mbox(path, create=False)) == 3
    call_command("export_mbox", "circle", "-")
    assert capfdbinary.readouterr().out == path.read_bytes()
    entries = AuditEntry.objects.filter(action="mail.archive_exported", community=community)
    assert [e.detail for e in entries] == [{"channel": "command"}] * 2


def test_export_command_refuses_unknown_communities_and_unwritable_paths(circle, tmp_path):
    with pytest.raises(CommandError, match="There is no community with the slug “nope”"):
        call_command("export_mbox", "nope", "-")
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("export_mbox", "circle", str(tmp_path / "no" / "such" / "dir.mbox"))


def test_facilitators_download_the_archive_and_it_is_audited(client, circle, tmp_path):
    community, people = circle
    _conversation(community, people)
    client.force_login(people["facilitator"])
    response = client.get(reverse("mailing:export_archive", args=["circle"]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/mbox"
    assert response["Content-Disposition"].startswith('attachment; filename="circle-')
    assert response["Cache-Control"] == "private, no-store"
    data = b"".join(response.streaming_content)
    assert len(_parsed(data, tmp_path)) == 3
    entry = AuditEntry.objects.get(action="mail.archive_exported")
    assert (entry.actor, entry.community, entry.detail) == (
        people["facilitator"],
        community,
        {"channel": "web"},
    )


def test_the_conversations_page_links_to_the_download_for_those_who_may(client, circle):
    community, people = circle
    link = reverse("mailing:export_archive", args=["circle"])
    client.force_login(people["facilitator"])
    assert link in client.get(reverse("conversations:list", args=["circle"])).content.decode()
    client.force_login(people["member"])
    assert link not in client.get(reverse("conversations:list", args=["circle"])).content.decode()


@pytest.mark.parametrize(
    ("visibility", "admin_may"), [("open", True), ("members", False), ("confidential", False)]
)
def test_site_admins_export_only_what_they_may_read(circle, visibility, admin_may):
    community, people = circle
    community.visibility = visibility
    community.save(update_fields=["visibility"])
    admin = people["admin"]
    assert permissions.can(admin, "community.export_archive", community) is admin_may
    assert permissions.can(admin, "community.read", community) is admin_may
    assert permissions.can(people["facilitator"], "community.export_archive", community)
    # Reading is not enough: members of an open community do not export it.
    assert not permissions.can(people["member"], "community.export_archive", community)


def test_a_facilitator_on_leave_or_removed_may_not_export(circle):
    community, people = circle
    testing.seat(community, people["facilitator"], role="facilitator", status="on_leave")
    assert not permissions.can(people["facilitator"], "community.export_archive", community)
    testing.seat(community, people["facilitator"], role="facilitator", status="removed")
    assert not permissions.can(people["facilitator"], "community.export_archive", community)


def test_the_service_refuses_without_permission(circle):
    community, people = circle
    with pytest.raises(archives.NotAllowed):
        archives.start_download(actor=people["member"], community=community)
    assert not AuditEntry.objects.filter(action="mail.archive_exported").exists()


def test_the_download_runs_the_same_queries_for_2_or_12_threads(client, circle):
    community, people = circle
    client.force_login(people["facilitator"])
    url = reverse("mailing:export_archive", args=["circle"])
    from django.db import connection

    counts = []
    for threads in (2, 10):
        for n in range(threads):
            _conversation(community, people, title=f"Thread {n}", replies=3)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            data = b"".join(response.streaming_content)
        counts.append(len(captured))
    assert data.count(b"\nMessage-ID: ") == 12 * 4
    assert counts[0] == counts[1]
    assert counts[1] <= 10


# --- Round trip ----------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t"),
    min_size=1,
    max_size=60,
)
# Longer than mail's 998-byte line limit: sent quoted-printable.
LONG_LINE = st.text(alphabet="ab é=\t", min_size=1000, max_size=1100)
BODY_LINES = st.lists(
    st.one_of(
        TEXT,
        LONG_LINE,
        st.sampled_from(["From the minutes", ">From a quote", "> quoted", "", "-- ", "  indented"]),
    ),
    min_size=1,
    max_size=6,
)
# Titles that an importer cannot mistake for a list's tag or a reply marker.
TITLES = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + " =?_äöüéß–!.,:'\"()", max_size=80),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=120),
).filter(lambda t: t.strip() and archives.strip_subject(t) == (" ".join(t.split()), False))
THREADS = st.lists(
    st.tuples(TITLES, st.lists(st.tuples(st.integers(0, 2), BODY_LINES), min_size=1, max_size=4)),
    min_size=1,
    max_size=3,
)


def _body(lines):
    return "\n".join(lines).strip() or "."


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(threads=THREADS)
def test_export_then_import_keeps_threads_positions_and_authors(db, tmp_path_factory, threads):
    source = testing.make_community()
    authors = [testing.make_user(name=f"Author {n} Ünïcode") for n in range(3)]
    for author in authors:
        testing.seat(source, author)
    expected = []
    for title, posts in threads:
        (first_author, first_lines), *replies = posts
        thread = conversations.start_thread(
            actor=authors[first_author],
            community=source,
            kind="discussion",
            title=title,
            body=_body(first_lines),
        )
        for author, lines in replies:
            conversations.post_reply(actor=authors[author], thread=thread, body=_body(lines))
        expected.append(
            (
                thread.title,
                [(p.position, p.author.name, p.body) for p in thread.posts.order_by("position")],
            )
        )
    path = tmp_path_factory.mktemp("round-trip") / "export.mbox"
    with path.open("wb") as stream:
        archives.export_mbox(source, stream)

    target = testing.make_community()
    report = archives.import_mbox(community=target, path=path)
    assert report.unreadable == [] and report.threads_created == len(threads)
    imported = [
        (
            thread.title,
            [(p.position, p.imported_author, p.body) for p in thread.posts.order_by("position")],
        )
        for thread in Thread.objects.filter(community=target).order_by("created_at", "pk")
    ]
    assert imported == expected
    for thread in Thread.objects.filter(community=target):
        assert thread.reply_count == thread.last_position == thread.posts.count() - 1
    # A second import of the same file adds nothing.
    again = archives.import_mbox(community=target, path=path)
    assert again.duplicates == report.imported and again.threads_created == 0


def test_round_trip_of_a_day_of_conversation_keeps_order_within_a_second(circle, tmp_path):
    """Replies written in the same second keep their order (the archive's order)."""
    community, people = circle
    thread = _conversation(community, people, replies=6)
    thread.posts.update(created_at=dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.UTC))
    path = tmp_path / "same-second.mbox"
    path.write_bytes(_export(community))
    target = testing.make_community()
    archives.import_mbox(community=target, path=path)
    copy = Thread.objects.get(community=target)
    assert list(copy.posts.order_by("position").values_list("body", flat=True)) == list(
        thread.posts.order_by("position").values_list("body", flat=True)
    )
