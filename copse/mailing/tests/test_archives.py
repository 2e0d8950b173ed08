"""Importing list archives (`copse import-mbox`): real mbox files written with
the standard `mailbox` module, Mailman- and Google-Groups-style, threaded by
headers and by subject, senders matched to members, idempotent by Message-ID,
later replies appended, bad input refused with a clear message, and nothing
imported sends mail or notifications."""

import datetime as dt
import gzip
import io
import mailbox
from email.message import EmailMessage

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.conversations import services as conversations
from copse.conversations.models import Post, Thread
from copse.conversations.signals import post_published
from copse.mailing import archives
from copse.mailing.management.commands.import_mbox import ProgressBar
from copse.mailing.models import CommunityDelivery, ImportedMessage, OutgoingMessage
from copse.notifications.models import Notification
from copse.search.selectors import SearchFilters, search

UTC = dt.UTC
START = dt.datetime(2015, 1, 5, 9, 0, tzinfo=UTC)


def mailman_message(
    *,
    sender,
    name,
    subject,
    body,
    when,
    message_id=None,
    in_reply_to=None,
    references=(),
    tag="[cio-cop] ",
):
    """A message as Mailman's pipermail writes its .txt archives: addresses
    obfuscated as "jane at example.com", the list tag in the subject and the
    list footer at the end of the body."""
    obfuscated = sender.replace("@", " at ")
    lines = [
        f"From: {obfuscated} ({name})",
        f"Date: {when:%a, %d %b %Y %H:%M:%S} +0000",
        f"Subject: {tag}{subject}",
    ]
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append(f"References: {' '.join(references)}")
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    footer = (
        "\n_______________________________________________\n"
        "CIO-CoP mailing list\ncio-cop at lists.example.org\n"
        "https://lists.example.org/mailman/listinfo/cio-cop\n"
    )
    message = mailbox.mboxMessage("\n".join(lines) + "\n\n" + body + "\n" + footer)
    message.set_from(obfuscated, when.timetuple())
    return message


def google_message(
    *,
    sender,
    name,
    subject,
    when,
    message_id,
    text=None,
    html=None,
    charset="utf-8",
    in_reply_to=None,
):
    """A message as a Google Groups export has it: From the group on the
    author's behalf, the author in X-Original-Sender, text and HTML parts."""
    message = EmailMessage()
    message["From"] = f"'{name}' via CIO CoP <cio-cop@googlegroups.com>"
    message["X-Original-Sender"] = sender
    message["Subject"] = subject
    message["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    footer = (
        "\n\n-- \nYou received this message because you are subscribed to the Google "
        'Groups "CIO CoP" group.\nTo unsubscribe, send an email to '
        "cio-cop+unsubscribe@googlegroups.com.\n"
    )
    if text is not None:
        message.set_content(text + footer, charset=charset)
        if html is not None:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    boxed = mailbox.mboxMessage(message)
    boxed.set_from("1234567890@xxx", when.timetuple())
    return boxed


def write_mbox(path, messages):
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.flush()
    box.close()
    return path


def run_import(community, path, *args):
    out = io.StringIO()
    call_command("import_mbox", community.slug, str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def authors_and_bodies(thread):
    return [
        (post.position, post.author.name if post.author else post.imported_author, post.body)
        for post in thread.posts.select_related("author").order_by("position")
    ]


@pytest.fixture
def cop(db):
    community = testing.make_community(slug="cio-cop", name="CIO CoP", visibility="confidential")
    member = testing.make_user("Mona.Member@Example.com", name="Mona Member")
    testing.seat(community, member)
    facilitator = testing.make_user("fay@example.com", name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    return community, member, facilitator


@pytest.fixture
def mailman_archive(tmp_path):
    """Two threads over two months; replies thread by In-Reply-To/References."""
    messages = [
        mailman_message(
            sender="jane@example.com",
            name="Jane Doe",
            subject="Carrier contracts",
            body="Who has renegotiated their carrier contract?",
            when=START,
            message_id="<1@lists.example.org>",
        ),
        mailman_message(
            sender="mona.member@example.com",
            name="Mona Member",
            subject="Re: Carrier contracts",
            body="We did, last spring.\n\n> Who has renegotiated their carrier contract?",
            when=START + dt.timedelta(hours=3),
            message_id="<2@lists.example.org>",
            in_reply_to="<1@lists.example.org>",
            references=["<1@lists.example.org>"],
        ),
        mailman_message(
            sender="bob@example.net",
            name="Bob",
            subject="Service desk tools",
            body="Which service desk do you use?",
            when=START + dt.timedelta(days=1),
            message_id="<3@lists.example.org>",
        ),
        # Dated before the reply it follows in the file: ordered by date.
        mailman_message(
            sender="jane@example.com",
            name="Jane Doe",
            subject="Re: Re: Carrier contracts",
            body="Thanks! How long did it take?",
            when=START + dt.timedelta(days=2),
            message_id="<4@lists.example.org>",
            in_reply_to="<2@lists.example.org>",
            references=["<1@lists.example.org>", "<2@lists.example.org>"],
        ),
        mailman_message(
            sender="bob@example.net",
            name="Bob",
            subject="Re: Carrier contracts",
            body="Following.",
            when=START + dt.timedelta(hours=5),
            message_id="<5@lists.example.org>",
            in_reply_to="<1@lists.example.org>",
        ),
    ]
    return write_mbox(tmp_path / "cio-cop.txt", messages)


def test_mailman_archive_becomes_threads_by_their_headers(cop, mailman_archive):
    community, member, _ = cop
    output = run_import(community, mailman_archive)

    threads = list(Thread.objects.filter(community=community).order_by("created_at"))
    assert [t.title for t in threads] == ["Carrier contracts", "Service desk tools"]
    carrier = threads[0]
    assert authors_and_bodies(carrier) == [
        (0, "Jane Doe", "Who has renegotiated their carrier contract?"),
        (
            1,
            "Mona Member",
            "We did, last spring.\n\n> Who has renegotiated their carrier contract?",
        ),
        (2, "Bob", "Following."),
        (3, "Jane Doe", "Thanks! How long did it take?"),
    ]
    assert carrier.last_position == 3 and carrier.reply_count == 3
    assert carrier.created_at == START
    assert carrier.last_activity_at == START + dt.timedelta(days=2)
    posts = list(carrier.posts.order_by("position"))
    assert [p.created_at for p in posts] == [
        START,
        START + dt.timedelta(hours=3),
        START + dt.timedelta(hours=5),
        START + dt.timedelta(days=2),
    ]
    assert all(p.community_id == community.pk for p in posts)
    assert all(p.body_html.startswith("<p>") for p in posts)
    # Mona's address matches her account (case-insensitively); Jane is not a member.
    assert posts[1].author == member and posts[1].imported_author == ""
    assert posts[0].author is None and posts[0].imported_author == "Jane Doe"
    # The list footer is gone and no address is kept.
    assert not Post.objects.filter(body__contains="mailing list").exists()
    assert not Post.objects.filter(imported_author__contains="@").exists()
    assert ImportedMessage.objects.filter(community=community).count() == 5
    assert "messages read:              5" in output
    assert "threads created:            2" in output
    assert "replies added:              3" in output
    assert "senders matched to members: 1 (1 posts)" in output
    assert "kept as imported authors:   2 (4 posts)" in output


def test_the_import_leaves_postgresql_fresh_statistics_of_what_it_wrote(cop, mailman_archive):
    """Without them the planner plans the archive's pages from the tables'
    old sizes until autovacuum comes round (core.db.analyze)."""
    from django.db import connection

    community, _, _ = cop
    run_import(community, mailman_archive)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # pg_class is transactional: this sees the ANALYZE of this test's transaction.
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname IN "
                "('conversations_post', 'conversations_thread', 'mailing_importedmessage',"
                " 'conversations_post_search')"
            )
            assert dict(cursor.fetchall()) == {
                "conversations_post": Post.objects.count(),
                "conversations_thread": Thread.objects.count(),
                "mailing_importedmessage": ImportedMessage.objects.count(),
                "conversations_post_search": Post.objects.count(),
            }
        else:
            # SQLite plans by its fixed rules: no statistics are gathered.
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 0


def test_imported_posts_show_the_name_with_an_imported_marker(client, cop, mailman_archive):
    community, member, _ = cop
    run_import(community, mailman_archive)
    thread = Thread.objects.get(community=community, title="Carrier contracts")
    client.force_login(member)
    response = client.get(thread.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'Jane Doe</strong> <span class="badge"' in page
    assert ">imported</span>" in page
    assert "jane@example.com" not in page and "jane at example.com" not in page
    # A member's post links to their profile, with no marker.
    assert reverse("people:profile", args=[member.handle]) in page
    assert page.count(">imported</span>") == 3
    # The thread list names the imported starter too, not "a former member".
    listing = client.get(reverse("conversations:list", args=[community.slug])).content.decode()
    assert "Jane Doe" in listing
    assert "A former member" not in listing


def test_imported_posts_are_searchable_by_members(cop, mailman_archive):
    community, member, _ = cop
    run_import(community, mailman_archive)
    results = search(member, "renegotiated", SearchFilters())
    assert {hit.post.thread.title for hit in results.hits} == {"Carrier contracts"}
    outsider = testing.make_user()
    assert search(outsider, "renegotiated", SearchFilters()).count == 0


def test_nothing_imported_sends_mail_or_notifications(cop, mailman_archive):
    community, member, facilitator = cop
    for person in (member, facilitator):
        CommunityDelivery.objects.create(user=person, community=community, mode="every")
    published = []

    def listener(sender, post, **kwargs):
        published.append(post.pk)

    post_published.connect(listener, dispatch_uid="test-archives-listener")
    try:
        run_import(community, mailman_archive)
    finally:
        post_published.disconnect(dispatch_uid="test-archives-listener")
    assert Post.objects.filter(community=community).count() == 5
    assert published == []
    assert Notification.objects.count() == 0
    assert OutgoingMessage.objects.count() == 0
    assert mail.outbox == []


def test_importing_twice_imports_nothing_new(cop, mailman_archive):
    community, _, _ = cop
    first = archives.import_mbox(community=community, path=mailman_archive)
    counts = (Thread.objects.count(), Post.objects.count(), ImportedMessage.objects.count())
    second = archives.import_mbox(community=community, path=mailman_archive)
    assert counts == (2, 5, 5)
    assert (Thread.objects.count(), Post.objects.count(), ImportedMessage.objects.count()) == counts
    assert first.messages_read == second.messages_read == 5
    assert (first.threads_created, first.replies_added, first.duplicates) == (2, 3, 0)
    assert (second.threads_created, second.replies_added, second.duplicates) == (0, 0, 5)
    output = run_import(community, mailman_archive)
    assert "skipped as duplicates:      5" in output
    assert "Nothing new: every message was imported before." in output


def test_a_later_archive_appends_its_replies_to_the_earlier_thread(cop, mailman_archive, tmp_path):
    community, member, _ = cop
    run_import(community, mailman_archive)
    carrier = Thread.objects.get(title="Carrier contracts")
    # Next month's archive: a reply to message 4 (imported last month), and
    # one to message 2 that only names it in References.
    later = write_mbox(
        tmp_path / "next-month.txt",
        [
            mailman_message(
                sender="fay@example.com",
                name="Fay Facilitator",
                subject="Re: Carrier contracts",
                body="Six weeks, with a broker.",
                when=START + dt.timedelta(days=33),
                message_id="<6@lists.example.org>",
                in_reply_to="<4@lists.example.org>",
            ),
            mailman_message(
                sender="carl@example.com",
                name="Carl",
                subject="Re: Carrier contracts",
                body="Which broker?",
                when=START + dt.timedelta(days=34),
                message_id="<7@lists.example.org>",
                references=["<1@lists.example.org>", "<2@lists.example.org>"],
            ),
        ],
    )
    report = archives.import_mbox(community=community, path=later)
    assert (report.threads_created, report.replies_added) == (0, 2)
    assert report.appended_to_earlier_threads == 2
    carrier.refresh_from_db()
    assert Thread.objects.filter(community=community).count() == 2
    assert carrier.last_position == 5 and carrier.reply_count == 5
    assert carrier.last_activity_at == START + dt.timedelta(days=34)
    assert [row[1:] for row in authors_and_bodies(carrier)[4:]] == [
        ("Fay Facilitator", "Six weeks, with a broker."),
        ("Carl", "Which broker?"),
    ]
    assert list(carrier.posts.values_list("position", flat=True).order_by("position")) == [
        0,
        1,
        2,
        3,
        4,
        5,
    ]


def test_a_thread_moved_elsewhere_takes_no_more_of_this_archive(cop, mailman_archive, tmp_path):
    community, _, facilitator = cop
    run_import(community, mailman_archive)
    elsewhere = testing.make_community(slug="elsewhere", visibility="confidential")
    testing.seat(elsewhere, facilitator, role="facilitator")
    carrier = Thread.objects.get(title="Carrier contracts")
    # Its imported authors hold no seat anywhere, so no move is allowed now
    # (conversations.move_thread); this one was moved before that rule.
    with pytest.raises(conversations.NotAllowed, match="no seat"):
        conversations.move_thread(actor=facilitator, thread=carrier, to_community=elsewhere)
    Thread.objects.filter(pk=carrier.pk).update(community=elsewhere)
    Post.objects.filter(thread=carrier).update(community=elsewhere)
    later = write_mbox(
        tmp_path / "later.txt",
        [
            mailman_message(
                sender="carl@example.com",
                name="Carl",
                subject="Re: Carrier contracts",
                body="Still relevant?",
                when=START + dt.timedelta(days=3),
                message_id="<8@lists.example.org>",
                in_reply_to="<1@lists.example.org>",
            )
        ],
    )
    report = archives.import_mbox(community=community, path=later)
    assert report.threads_created == 1
    assert carrier.posts.count() == 4
    assert Post.objects.get(body="Still relevant?").community == community


def test_replies_without_headers_thread_by_subject_within_the_window(cop, tmp_path):
    community, _, _ = cop

    def plain(n, subject, when, tag="[cio-cop] "):
        return mailman_message(
            sender=f"p{n}@example.com",
            name=f"Person {n}",
            subject=subject,
            body=f"Message {n}",
            when=when,
            message_id=f"<s{n}@example.org>",
            tag=tag,
        )

    path = write_mbox(
        tmp_path / "subjects.txt",
        [
            plain(1, "Budget  planning", START),
            plain(2, "RE: budget planning", START + dt.timedelta(days=1)),
            plain(3, "AW: [CIO-COP] Budget planning", START + dt.timedelta(days=2), tag=""),
            plain(4, "Sv: Re:  Budget Planning ", START + dt.timedelta(days=3)),
            # A reply long after the window starts a thread of its own.
            plain(5, "Re: Budget planning", START + dt.timedelta(days=90)),
            # The same subject without a reply marker is a new conversation.
            plain(6, "Budget planning", START + dt.timedelta(days=4)),
            plain(7, "Fwd: Budget planning", START + dt.timedelta(days=5)),
            plain(8, "Tooling", START + dt.timedelta(days=6)),
        ],
    )
    report = archives.import_mbox(community=community, path=path)
    threads = Thread.objects.filter(community=community).order_by("created_at", "pk")
    grouped = [[p.body for p in t.posts.order_by("position")] for t in threads]
    assert grouped == [
        ["Message 1", "Message 2", "Message 3", "Message 4"],
        ["Message 6"],
        ["Message 7"],
        ["Message 8"],
        ["Message 5"],
    ]
    # The list's own tag leaves titles; a reply that lost its parent keeps no "Re:".
    assert [t.title for t in threads] == [
        "Budget planning",
        "Budget planning",
        "Fwd: Budget planning",
        "Tooling",
        "Budget planning",
    ]
    assert report.threads_created == 5 and report.replies_added == 3


def test_the_subject_window_is_an_option(cop, tmp_path):
    community, _, _ = cop
    path = write_mbox(
        tmp_path / "slow.txt",
        [
            mailman_message(
                sender="a@example.com",
                name="A",
                subject="Slow topic",
                body="One",
                when=START,
                message_id="<w1@x>",
            ),
            mailman_message(
                sender="b@example.com",
                name="B",
                subject="Re: Slow topic",
                body="Two",
                when=START + dt.timedelta(days=50),
                message_id="<w2@x>",
            ),
        ],
    )
    run_import(community, path, "--subject-window-days", "60")
    assert Thread.objects.filter(community=community).count() == 1


def test_google_groups_export_with_parts_charsets_and_encoded_headers(cop, tmp_path):
    community, member, _ = cop
    opening = "<CAOpening@mail.gmail.com>"
    path = write_mbox(
        tmp_path / "takeout.mbox",
        [
            google_message(
                sender="jorg@example.de",
                name="Jörg Müller",
                subject="Grüße aus Köln: Datenschutz",
                when=START,
                message_id=opening,
                text="Plain text wins: Übersicht über Verträge.",
                html="<p>HTML loses</p>",
                charset="iso-8859-1",
            ),
            google_message(
                sender="MONA.member@example.com",
                name="Mona Member",
                subject="Re: Grüße aus Köln: Datenschutz",
                when=START + dt.timedelta(hours=1),
                message_id="<CAReply@mail.gmail.com>",
                html=(
                    "<html><head><style>p{color:red}</style><title>x</title></head><body>"
                    "<p>Only&nbsp;HTML here &amp; a <a href='https://example.org/dpa'>DPA "
                    "template</a>.</p><script>alert(1)</script><ul><li>one</li><li>two</li>"
                    "</ul><img src=x onerror=alert(2)></body></html>"
                ),
                in_reply_to=opening,
            ),
        ],
    )
    run_import(community, path)
    thread = Thread.objects.get(community=community)
    assert thread.title == "Grüße aus Köln: Datenschutz"
    opening_post, reply = thread.posts.order_by("position")
    assert opening_post.body == "Plain text wins: Übersicht über Verträge."
    assert opening_post.imported_author == "Jörg Müller"
    assert reply.author == member
    assert reply.body == (
        "Only HTML here & a DPA template (https://example.org/dpa).\n\n- one\n- two"
    )
    assert "script" not in reply.body_html and "onerror" not in reply.body_html
    assert "alert" not in reply.body and "color:red" not in reply.body


def test_senders_match_verified_addresses_only(cop, tmp_path):
    community, _, _ = cop
    secondary = testing.make_user("sam@work.example", name="Sam Second")
    EmailAddress.objects.create(user=secondary, email="sam@home.example", verified=True)
    squatter = testing.make_user("eve@example.com", name="Eve")
    EmailAddress.objects.create(user=squatter, email="victim@example.com", verified=False)
    # An account's own address that someone typed in but never confirmed.
    unconfirmed = testing.make_user("newbie@example.com", name="Newbie")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)

    def sent_by(n, sender):
        message = EmailMessage()
        message["From"] = f"Someone {n} <{sender}>"
        message["Subject"] = f"Topic {n}"
        message["Date"] = (START + dt.timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        message["Message-ID"] = f"<m{n}@example.org>"
        message.set_content(f"Text {n}")
        return mailbox.mboxMessage(message)

    path = write_mbox(
        tmp_path / "senders.mbox",
        [
            sent_by(1, "SAM@Home.Example"),
            sent_by(2, "victim@example.com"),
            sent_by(3, "newbie@example.com"),
            sent_by(4, f"cio-cop@{archives.addresses.domain()}"),
        ],
    )
    report = archives.import_mbox(community=community, path=path)
    by_title = {
        t.title: t.posts.get(position=0) for t in Thread.objects.filter(community=community)
    }
    assert by_title["Topic 1"].author == secondary
    assert by_title["Topic 2"].author is None and by_title["Topic 2"].imported_author == "Someone 2"
    assert by_title["Topic 3"].author is None
    assert by_title["Topic 4"].author is None
    assert by_title["Topic 1"].thread.author == secondary
    assert (report.members_matched, report.imported_authors) == (1, 3)


def test_missing_ids_dates_and_escaped_from_lines(cop, tmp_path):
    community, _, _ = cop
    undated = mailbox.mboxMessage(
        "From: Ann <ann@example.com>\nSubject: No id, no date\n\n"
        ">From the minutes: we agreed.\n>>From here, quoted.\n"
    )
    undated.set_from("ann@example.com", (START + dt.timedelta(days=1)).timetuple())
    garbled = mailbox.mboxMessage(
        "From: Ann <ann@example.com>\nSubject: Bad date\nDate: sometime last week\n\nHello"
    )
    garbled.set_from("MAILER-DAEMON")
    garbled_from_line = mailbox.mboxMessage(
        "From: Ann <ann@example.com>\nSubject: Bad date again\nDate: 99 Foo 20\n\nHi again"
    )
    garbled_from_line.set_from("MAILER-DAEMON junk")
    path = write_mbox(tmp_path / "odd.mbox", [undated, garbled, garbled_from_line])

    report = archives.import_mbox(community=community, path=path)
    assert report.undated == 2
    first = Post.objects.get(thread__title="No id, no date")
    # mboxrd/mboxo escaping is undone: one ">" less on "From " lines.
    assert first.body == "From the minutes: we agreed.\n>From here, quoted."
    # No Date header: the mbox "From " line's date.
    assert first.created_at == START + dt.timedelta(days=1)
    ids = list(ImportedMessage.objects.values_list("message_id", flat=True))
    assert all(i.startswith("<copse.import.") for i in ids) and len(set(ids)) == 3
    # Unreadable dates follow the message before them.
    later = Post.objects.filter(thread__title__startswith="Bad date")
    assert {p.created_at for p in later} == {first.created_at}
    # The synthesised ids are stable: importing again adds nothing.
    again = archives.import_mbox(community=community, path=path)
    assert again.duplicates == 3 and Post.objects.count() == 3


def test_unreadable_messages_are_skipped_with_reasons(cop, tmp_path):
    community, _, _ = cop
    attachment_only = EmailMessage()
    attachment_only["From"] = "Ann <ann@example.com>"
    attachment_only["Subject"] = "Slides"
    attachment_only["Message-ID"] = "<slides@example.com>"
    attachment_only.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf")
    no_headers = mailbox.mboxMessage("just some words\nwithout any headers\n")
    good = mailbox.mboxMessage(
        "From: Ann <ann@example.com>\nSubject: Fine\nMessage-ID: <fine@x>\n\nReadable"
    )
    unknown_charset = mailbox.mboxMessage(
        b"From: =?x-unknown?q?Ann?= <ann@example.com>\nSubject: Charset\nMessage-ID: <cs@x>\n"
        b"Content-Type: text/plain; charset=x-klingon\n\nCaf\xc3\xa9 ok"
    )
    path = write_mbox(tmp_path / "mixed.mbox", [attachment_only, no_headers, good, unknown_charset])
    report = archives.import_mbox(community=community, path=path)
    assert report.messages_read == 4
    assert report.unreadable == [
        (1, "no text part (attachments only, or not text)"),
        (2, "no mail headers"),
    ]
    assert Post.objects.get(thread__title="Charset").body == "Café ok"
    output = run_import(community, path)
    assert "skipped as unreadable:      2" in output
    assert "1 × no text part (attachments only, or not text) (message 1)" in output


def test_undeclared_8bit_headers_are_read_as_utf8_or_windows_1252(cop, tmp_path):
    community, _, _ = cop
    utf8 = mailbox.mboxMessage(
        "From: Jörg Müller <jorg@example.de>\nSubject: Grüße\nMessage-ID: <u8@x>\n\nHallo".encode()
    )
    latin = mailbox.mboxMessage(
        b"From: Ren\xe9 <rene@example.fr>\nSubject: Caf\xe9\nMessage-ID: <l1@x>\n\nSalut"
    )
    archives.import_mbox(
        community=community, path=write_mbox(tmp_path / "8bit.mbox", [utf8, latin])
    )
    posts = Post.objects.filter(community=community).order_by("thread__title")
    assert [(p.thread.title, p.imported_author) for p in posts] == [
        ("Café", "René"),
        ("Grüße", "Jörg Müller"),
    ]


def test_dry_run_reports_the_same_and_writes_nothing(cop, mailman_archive):
    community, _, _ = cop
    output = run_import(community, mailman_archive, "--dry-run")
    assert Thread.objects.count() == Post.objects.count() == ImportedMessage.objects.count() == 0
    assert not AuditEntry.objects.filter(action="mail.archive_imported").exists()
    assert output.startswith("Dry run, nothing written: cio-cop")
    assert "threads created:            2" in output
    assert "replies added:              3" in output
    run_import(community, mailman_archive)
    assert AuditEntry.objects.get(action="mail.archive_imported").detail == {
        "threads": 2,
        "posts": 5,
    }


def test_a_compressed_pipermail_month_is_read_as_it_is(cop, mailman_archive, tmp_path):
    community, _, _ = cop
    packed = tmp_path / "2015-January.txt.gz"
    packed.write_bytes(gzip.compress(mailman_archive.read_bytes()))
    report = archives.import_mbox(community=community, path=packed)
    assert (report.threads_created, report.replies_added) == (2, 3)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "missing.mbox", "There is no file at"),
        (lambda tmp: tmp, "is not a file"),
        (lambda tmp: _file(tmp / "empty.mbox", b""), "is empty"),
        (
            lambda tmp: _file(tmp / "garbage.mbox", b"\x00\x01PK\x03\x04 not mail at all"),
            "is not an mbox archive",
        ),
        (lambda tmp: _file(tmp / "broken.gz", b"\x1f\x8b\x08garbage"), "cannot be unpacked"),
    ],
)
def test_bad_files_give_a_clear_message(cop, tmp_path, make, expected):
    community, _, _ = cop
    with pytest.raises(CommandError, match=expected):
        run_import(community, make(tmp_path))
    assert Thread.objects.count() == 0


def _file(path, data):
    path.write_bytes(data)
    return path


def test_an_unknown_community_gives_a_clear_message(db, mailman_archive):
    with pytest.raises(CommandError, match="There is no community with the slug “nope”"):
        call_command("import_mbox", "nope", str(mailman_archive))


def test_the_command_line_shows_the_message_without_a_traceback(db, tmp_path, capsys, monkeypatch):
    from django.core.management import base

    from copse.mailing.management.commands.import_mbox import Command

    # run_from_argv closes connections when it ends; the test database stays open.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["copse", "import_mbox", "nope", str(tmp_path / "x.mbox")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "CommandError: There is no community with the slug “nope”." in err
    assert "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_draws_on_a_terminal_only():
    from django.core.management.base import OutputWrapper

    terminal = OutputWrapper(_Terminal())
    bar = ProgressBar(terminal)
    for done in range(1, 11):
        bar("Reading", done, 10)
    bar.close()
    drawn = terminal._out.getvalue()
    assert drawn.startswith("\rReading    [") and "10/10" in drawn and drawn.endswith("\n")
    assert "[" + "#" * 30 + "]" in drawn

    piped = OutputWrapper(io.StringIO())
    bar = ProgressBar(piped)
    bar("Reading", 10, 10)
    bar.close()
    assert piped._out.getvalue() == ""


def test_subject_normalisation():
    key = archives.subject_key
    assert key("Re: [cio-cop] RE:  Fwd: AW: SV:   Budget\tPlanning ") == "budget planning"
    assert key("Re[2]: Budget planning") == "budget planning"
    assert archives.strip_subject("Re: Budget") == ("Budget", True)
    assert archives.strip_subject("Fwd: Budget") == ("Budget", False)
    assert archives.strip_subject("[cio] Fwd: Budget", frozenset({"cio"}), forwards=False) == (
        "Fwd: Budget",
        False,
    )
    assert archives.strip_subject("[Draft] Budget", frozenset()) == ("[Draft] Budget", False)
    assert archives.strip_subject("[cio] Re: Budget", frozenset({"cio"})) == ("Budget", True)


def test_format_flowed_text_is_joined():
    flowed = "This is a long \nline that flows.\n> quoted \n> more\nHard break\n-- \nSig"
    assert archives.unflow(flowed) == (
        "This is a long line that flows.\n> quoted more\nHard break\n-- \nSig"
    )


def test_quoting_an_imported_post_names_its_imported_author(cop, mailman_archive):
    from copse.conversations.rendering import quote_of

    community, _, _ = cop
    run_import(community, mailman_archive)
    post = Post.objects.filter(community=community, imported_author="Jane Doe").first()
    assert quote_of(post).startswith("> **Jane Doe** wrote")
