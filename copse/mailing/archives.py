"""List archives in and out of a community's conversations.

`import_mbox` brings in an existing list archive (a Mailman pipermail or mbox
file, a Google Groups or Takeout export): it reads every message, rebuilds
threads from the threading headers and then from subjects, matches senders to
accounts by verified address, and writes threads and posts directly, without
the services' notifications or mail. `ImportedMessage` rows, by Message-ID per
community, make it idempotent, and let a later archive append to a thread an
earlier one created.

`export_mbox` writes a community's conversations as mbox, one message per
post, From the community's address so no member's address leaves Copse.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import hashlib
import mailbox
import quopri
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy as email_policy
from email.header import Header, decode_header, make_header
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.accounts.identity import normalize_email
from copse.conversations import search_index
from copse.conversations.models import Post, Thread
from copse.conversations.rendering import render_post
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.mailing import addresses
from copse.mailing.models import ImportedMessage
from copse.mailing.services import NotAllowed

# Replies that carry no threading headers join a thread by subject only if
# that thread was active this recently.
SUBJECT_WINDOW = dt.timedelta(days=30)
# The services' limit on a post's length; longer messages are cut there.
MAX_BODY = 50_000
MAX_TITLE = 200
NO_TEXT = "*(This message had no text.)*"
TRUNCATED = "\n\n*(The rest of this message was cut on import.)*"

ProgressCallback = Callable[[str, int, int], None]


class ArchiveError(UserFacingError):
    title = _("That archive cannot be read")
    status = 400


# --- Reading one message -------------------------------------------------------


class Unreadable(Exception):
    """A message that cannot become a post; the reason goes in the report."""


@dataclass
class ArchivedMessage:
    index: int  # 1-based place in the archive, for the report
    message_id: str
    parent_ids: list[str]  # nearest first: In-Reply-To, then References backwards
    date: dt.datetime | None
    subject: str
    subject_key: str  # normalized, for threading by subject
    looks_like_reply: bool
    address: str  # normalized sender address, or ""
    name: str  # what an imported author is shown as: never an address
    body: str
    truncated: bool = False


_ID = re.compile(r"<([^<>\s]+)>")
_REPLY_PREFIX = re.compile(
    r"^(?:re|aw|sv|antw|vs|ref|rif)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*:\s*", re.I
)
_FORWARD_PREFIX = re.compile(r"^(?:fwd?|wg|tr|vb)\s*:\s*", re.I)
_TAG = re.compile(r"^\[([^\[\]]{1,60})\]\s*")
_OBFUSCATED = re.compile(r"^\s*([^\s@<>()\",]+)\s+at\s+([^\s@<>()\",]+\.[^\s@<>()\",]+)")
_LOOKS_LIKE_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_VIA = re.compile(r"^'?(?P<name>.+?)'? via .+$")
_FROM_LINE_DATE = re.compile(r"(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})")
_MAILMAN_FOOTER = re.compile(r"\n_{20,}\n[^\n]*mailing list[^\n]*(?:\n[^\n]*){0,6}\s*\Z", re.I)
_GOOGLE_FOOTER = re.compile(
    r"\n--\s*\n(?:---\s*\n)?You received this message because you are subscribed to the Google Groups.*\Z",
    re.S,
)
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_BYTES_PARSER = BytesParser(policy=email_policy.default)


def normalize_message_id(value: str) -> str:
    """`<id>` without spaces; overlong ids become a stable hash that fits the column."""
    value = value.strip().strip("<>").strip()
    if not value:
        return ""
    if len(value) > 240:
        value = "sha256." + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
    return f"<{value}>"


def _ids_in(text: str) -> list[str]:
    return [normalize_message_id(found) for found in _ID.findall(text or "")]


def _repair(text: str) -> str:
    """Undo surrogate escapes left by undeclared 8-bit bytes in headers."""
    if not _ESCAPED_BYTE.search(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _raw_header(message, name: str) -> str:
    """The header as it was written (unfolded), or "" when absent."""
    lowered = name.lower()
    for key, value in message.raw_items():
        if key.lower() == lowered:
            return re.sub(r"\r?\n[ \t]+", " ", _repair(str(value))).strip()
    return ""


def _decoded(text: str) -> str:
    """RFC 2047 encoded words decoded; unknown charsets leave the text as it was."""
    if "=?" not in text:
        return text
    try:
        return _repair(str(make_header(decode_header(text))))
    except (LookupError, UnicodeError, ValueError, AssertionError):
        return text


def _one_line(text: str, limit: int) -> str:
    return " ".join(without_control_characters(text).split())[:limit]


def strip_subject(
    subject: str, list_tags: frozenset[str] | None = None, *, forwards: bool = True
) -> tuple[str, bool]:
    """The subject without leading reply markers (Re:, AW:, SV: …), forward
    markers (Fwd: …, unless `forwards` is false) and `[tags]` (only those in
    `list_tags`, unless it is None), and whether it was marked as a reply."""
    text, was_reply = _one_line(subject, 1000), False
    while True:
        if match := _REPLY_PREFIX.match(text):
            was_reply = True
        elif forwards and (match := _FORWARD_PREFIX.match(text)):
            pass
        elif (match := _TAG.match(text)) is None or (
            list_tags is not None and match.group(1).casefold() not in list_tags
        ):
            return text, was_reply
        text = text[match.end() :]


def subject_key(subject: str) -> str:
    """Case-insensitive subject without Re:/Fwd:/AW:/SV: or [tags], for threading."""
    text, _ = strip_subject(subject)
    return text.casefold()


def _leading_tags(subject: str) -> list[str]:
    text, tags = _one_line(subject, 1000), []
    while True:
        if match := _REPLY_PREFIX.match(text) or _FORWARD_PREFIX.match(text):
            text = text[match.end() :]
        elif match := _TAG.match(text):
            tags.append(match.group(1).casefold())
            text = text[match.end() :]
        else:
            return tags


def _parse_date(raw: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        from dateutil import parser as date_parser

        try:
            value = date_parser.parse(raw)
        except (ValueError, OverflowError, TypeError):
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if not 1970 <= value.year <= 9000:
        return None
    return value


def _date_from_separator(line: bytes) -> dt.datetime | None:
    """The date on the mbox "From sender asctime" line, as a last resort."""
    match = _FROM_LINE_DATE.search(line.decode("latin-1"))
    if not match:
        return None
    try:
        value = dt.datetime.strptime(" ".join(match.group(1).split()), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return value.replace(tzinfo=dt.UTC)


def _deobfuscate(value: str) -> str:
    """Mailman's archives write "jane at example.com (Jane Doe)"."""
    return _OBFUSCATED.sub(r"\1@\2", value, count=1) if "@" not in value else value


def _sender(message) -> tuple[str, str]:
    """(normalized address, display name). Google Groups and DMARC-munging
    lists send From the list; the original sender is in X-Original-*."""
    name, address = parseaddr(_deobfuscate(_raw_header(message, "From")))
    name = _decoded(name)
    for header in ("X-Original-From", "X-Original-Sender"):
        original_name, original = parseaddr(_deobfuscate(_raw_header(message, header)))
        if "@" in original:
            address = original
            name = _decoded(original_name) or name
            break
    address = normalize_email(address) if "@" in address else ""
    if via := _VIA.match(name):
        name = via.group("name")
    name = _one_line(name.strip("'\" "), 200)
    if not name or _LOOKS_LIKE_ADDRESS.search(name) or _OBFUSCATED.match(name):
        name = address.split("@", 1)[0] if address else "Unknown sender"
    return address, name[:200]


def _decode_payload(part) -> str:
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset() or "us-ascii"
    for charset in (declared, "utf-8", "cp1252"):
        try:
            codecs.lookup(charset)
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")


class _HTMLText(HTMLParser):
    """Plain text from HTML mail: the words and link targets, no markup."""

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "table",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "hr",
            "dt",
            "dd",
            "section",
            "article",
        ]
    )
    SKIP = frozenset(("script", "style", "head", "title", "template"))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.link: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n" if tag not in ("br", "li", "tr") else "\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.link = href if href.startswith(("http://", "https://")) else None
            self.link_text = []

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS and tag not in ("li", "tr", "br"):
            self.parts.append("\n")
        elif tag == "a" and self.link:
            if "".join(self.link_text).strip() != self.link:
                self.parts.append(f" ({self.link})")
            self.link = None

    def handle_data(self, data):
        if self.skipping:
            return
        text = re.sub(r"\s+", " ", data)
        self.parts.append(text)
        if self.link is not None:
            self.link_text.append(text)

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise Unreadable("no text part (attachments only, or not text)")
    text = without_control_characters(_decode_payload(part)).replace("\r", "\n")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    elif (part.get_param("format") or "").lower() == "flowed":
        text = unflow(text, delete_space=(part.get_param("delsp") or "").lower() == "yes")
    text = _GOOGLE_FOOTER.sub("", text)
    text = _MAILMAN_FOOTER.sub("", text)
    return text.strip()


def unflow(text: str, *, delete_space: bool = False) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    lines: list[tuple[int, str]] = []
    joining = False
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delete_space:
            content = content[:-1]
        if joining and lines and depth == lines[-1][0]:
            lines[-1] = (depth, lines[-1][1] + content)
        else:
            lines.append((depth, content))
        joining = flowed
    return "\n".join((">" * depth + " " if depth else "") + content for depth, content in lines)


def _synthetic_id(date: str, sender: str, subject: str, body: str) -> str:
    digest = hashlib.sha256("\0".join((date, sender, subject, body)).encode("utf-8", "replace"))
    return f"<copse.import.{digest.hexdigest()[:40]}@archive.invalid>"


def read_message(raw: bytes, index: int) -> ArchivedMessage:
    """One message of an mbox (with its "From " line) as something to import.
    Raises Unreadable with a reason a person understands."""
    separator, _, content = raw.partition(b"\n")
    if not separator.startswith(b"From "):
        separator, content = b"", raw
    # mboxrd (and the usual mboxo) escape body lines starting "From ".
    content = _ESCAPED_FROM.sub(rb"\1", content)
    try:
        message = _BYTES_PARSER.parsebytes(content)
    except Exception as error:  # the parser is lenient; anything raised is a broken file
        raise Unreadable(f"could not be parsed ({type(error).__name__})") from error
    raw_from, raw_date = _raw_header(message, "From"), _raw_header(message, "Date")
    raw_subject, raw_id = _raw_header(message, "Subject"), _raw_header(message, "Message-ID")
    if not (raw_from or raw_date or raw_subject or raw_id):
        raise Unreadable("no mail headers")
    try:
        body = _body(message)
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable(f"body could not be decoded ({type(error).__name__})") from error
    subject = _one_line(_decoded(raw_subject), 1000)
    message_id = (_ids_in(raw_id) or [normalize_message_id(raw_id)])[0]
    if not message_id:
        message_id = _synthetic_id(raw_date, raw_from, raw_subject, body)
    parents = []
    for candidate in [
        *_ids_in(_raw_header(message, "In-Reply-To")),
        *reversed(_ids_in(_raw_header(message, "References"))),
    ]:
        if candidate != message_id and candidate not in parents:
            parents.append(candidate)
    address, name = _sender(message)
    _, marked_reply = strip_subject(subject)
    truncated = len(body) > MAX_BODY
    if truncated:
        body = body[: MAX_BODY - len(TRUNCATED)].rstrip() + TRUNCATED
    return ArchivedMessage(
        index=index,
        message_id=message_id,
        parent_ids=parents,
        date=_parse_date(raw_date) or (_date_from_separator(separator) if separator else None),
        subject=subject,
        subject_key=subject_key(subject),
        looks_like_reply=marked_reply or bool(parents),
        address=address,
        name=name,
        body=body or NO_TEXT,
        truncated=truncated,
    )


# --- Opening an archive ----------------------------------------------------------


@contextmanager
def open_archive(path) -> Iterator[mailbox.mbox]:
    """The mbox at `path` (gzip-compressed too, as pipermail serves them).
    Raises ArchiveError for a missing, unreadable or non-mbox file."""
    path = shown = Path(path)
    if not path.exists():
        raise ArchiveError(f"There is no file at {path}.")
    if not path.is_file():
        raise ArchiveError(f"{path} is not a file.")
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError as error:
        raise ArchiveError(f"{path} cannot be read: {error.strerror}.") from error
    with tempfile.TemporaryDirectory(prefix="copse-import-") as scratch:
        if head[:2] == b"\x1f\x8b":
            unpacked = Path(scratch) / "archive.mbox"
            try:
                with gzip.open(path, "rb") as source, unpacked.open("wb") as target:
                    shutil.copyfileobj(source, target)
                with unpacked.open("rb") as handle:
                    head = handle.read(5)
            except (OSError, EOFError) as error:
                raise ArchiveError(f"{shown} looks compressed but cannot be unpacked.") from error
            path = unpacked
        if not head:
            raise ArchiveError(f"{shown} is empty.")
        if head != b"From ":
            raise ArchiveError(
                f"{shown} is not an mbox archive: it should begin with a “From ” line. "
                "Export the list as mbox (Mailman: the archive’s .txt files; Google: Takeout)."
            )
        archive = mailbox.mbox(path, create=False)
        try:
            yield archive
        finally:
            archive.close()


# --- Matching senders to accounts ------------------------------------------------


def accounts_by_address(normalized: set[str]) -> dict[str, int]:
    """User ids for addresses, compared after normalisation. An address counts
    when its owner verified it, or when it is an account's own address for
    which no unverified sign-up is pending (someone who merely typed an
    address in must not take over its archive). Copse's own mail domain never
    matches: an export's From addresses are the community's."""
    from allauth.account.models import EmailAddress
    from django.db.models.functions import Lower

    from copse.accounts.models import User

    wanted = {a for a in normalized if a and a.rpartition("@")[2] != addresses.domain().lower()}
    verified: dict[str, set[int]] = defaultdict(set)
    unverified: set[tuple[int, str]] = set()
    primary: dict[str, int] = {}
    chunks = [sorted(wanted)[i : i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        lowered = {a.lower() for a in chunk}
        rows = (
            EmailAddress.objects.annotate(lowered=Lower("email"))
            .filter(lowered__in=lowered)
            .values_list("email", "user_id", "verified")
        )
        for email, user_id, is_verified in rows:
            key = normalize_email(email)
            if is_verified:
                verified[key].add(user_id)
            else:
                unverified.add((user_id, key))
        users = User.objects.annotate(lowered=Lower("email")).filter(lowered__in=lowered)
        for email, user_id in users.values_list("email", "pk"):
            primary[normalize_email(email)] = user_id
    found: dict[str, int] = {}
    for address in wanted:
        owners = verified.get(address, set())
        if len(owners) == 1:
            found[address] = next(iter(owners))
        elif not owners and address in primary:
            user_id = primary[address]
            if (user_id, address) not in unverified:
                found[address] = user_id
    return found


# --- Planning threads ------------------------------------------------------------


@dataclass
class ImportReport:
    messages_read: int = 0
    threads_created: int = 0
    replies_added: int = 0
    appended_to_earlier_threads: int = 0
    duplicates: int = 0
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (index, reason)
    posts_by_members: int = 0
    posts_by_imported_authors: int = 0
    members_matched: int = 0
    imported_authors: int = 0
    undated: int = 0
    truncated: int = 0
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return self.posts_by_members + self.posts_by_imported_authors

    def unreadable_reasons(self) -> Counter:
        return Counter(reason for _, reason in self.unreadable)


@dataclass
class _PlannedThread:
    title: str
    messages: list[ArchivedMessage]  # in the order they become posts
    thread_id: int | None = None  # an existing thread to append to
    last_date: dt.datetime | None = None


@dataclass
class _Earlier:
    """A thread an earlier import created, as a target for new replies."""

    thread_id: int
    title_key: str
    last_activity_at: dt.datetime


def _list_tags(messages: list[ArchivedMessage]) -> frozenset[str]:
    """Bracketed subject prefixes the list itself adds: those that begin the
    subjects of at least two different conversations."""
    keys_by_tag: dict[str, set[str]] = defaultdict(set)
    for message in messages:
        for tag in _leading_tags(message.subject):
            keys_by_tag[tag].add(message.subject_key)
    return frozenset(tag for tag, keys in keys_by_tag.items() if len(keys) >= 2)


def _title(subject: str, list_tags: frozenset[str]) -> str:
    # A forward starts a conversation of its own and says so in its title.
    title, _ = strip_subject(subject, list_tags, forwards=False)
    return title[:MAX_TITLE] or "(no subject)"


def _known_posts(community, message_ids: list[str]) -> dict[str, tuple[int, int] | None]:
    """Message-ids imported before into this community: (post id, thread id)
    when the post is still in this community, None otherwise."""
    known: dict[str, tuple[int, int] | None] = {}
    for start in range(0, len(message_ids), 500):
        rows = ImportedMessage.objects.filter(
            community=community, message_id__in=message_ids[start : start + 500]
        ).values_list("message_id", "post_id", "post__thread_id", "post__community_id")
        for message_id, post_id, thread_id, post_community_id in rows:
            # A thread moved to another community since takes no more of this archive.
            here = post_id is not None and post_community_id == community.pk
            known[message_id] = (post_id, thread_id) if here else None
    return known


def _earlier_threads(community) -> dict[str, _Earlier]:
    """Threads earlier imports created in this community, by subject key."""
    imported_posts = ImportedMessage.objects.filter(community=community, post__isnull=False)
    threads = (
        Thread.objects.filter(
            community=community,
            removed_at__isnull=True,
            posts__position=0,
            posts__pk__in=imported_posts.values("post_id"),
        )
        .values_list("pk", "title", "last_activity_at")
        .order_by("last_activity_at")
    )
    return {
        subject_key(title): _Earlier(pk, subject_key(title), last) for pk, title, last in threads
    }


def plan(
    community, messages: list[ArchivedMessage], report: ImportReport, window: dt.timedelta
) -> list[_PlannedThread]:
    """Group new messages into threads (new or earlier ones), in date order."""
    fresh: dict[str, ArchivedMessage] = {}
    for message in messages:
        if message.message_id in fresh:
            report.duplicates += 1
        else:
            fresh[message.message_id] = message
    referenced = {pid for m in fresh.values() for pid in m.parent_ids}
    known = _known_posts(community, sorted(set(fresh) | referenced))
    for message_id in [mid for mid in fresh if mid in known]:
        report.duplicates += 1
        del fresh[message_id]

    # Dates: a message without one sits just after the message before it in the archive.
    previous = None
    for message in sorted(fresh.values(), key=lambda m: m.index):
        if message.date is None:
            report.undated += 1
            message.date = previous or timezone.now()
        previous = message.date

    # Each message's parent: the nearest referenced message that exists.
    parent_of: dict[str, str] = {}
    earlier_parent: dict[str, int] = {}  # message id -> thread id of an earlier import
    for message in fresh.values():
        for candidate in message.parent_ids:
            if candidate in fresh:
                parent_of[message.message_id] = candidate
                break
            if known.get(candidate):
                earlier_parent[message.message_id] = known[candidate][1]
                break

    def root_of(message_id: str) -> str:
        seen = {message_id}
        while message_id in parent_of and parent_of[message_id] not in seen:
            message_id = parent_of[message_id]
            seen.add(message_id)
        return message_id

    groups: dict[str, list[ArchivedMessage]] = defaultdict(list)
    for message in fresh.values():
        groups[root_of(message.message_id)].append(message)

    list_tags = _list_tags(list(fresh.values()))
    earlier = _earlier_threads(community)
    by_subject: dict[str, _PlannedThread] = {}
    planned: list[_PlannedThread] = []
    existing: dict[int, _PlannedThread] = {}

    def by_date(message):
        return (message.date, message.index)

    for root_id, group in sorted(groups.items(), key=lambda item: by_date(fresh[item[0]])):
        root = fresh[root_id]
        group.sort(key=by_date)
        last = max(m.date for m in group)
        target = None
        if root_id in earlier_parent:
            thread_id = earlier_parent[root_id]
            target = existing.get(thread_id)
            if target is None:
                target = existing[thread_id] = _PlannedThread("", [], thread_id=thread_id)
                planned.append(target)
        elif root.looks_like_reply and root.subject_key:
            candidate = by_subject.get(root.subject_key)
            if candidate is not None and root.date <= candidate.last_date + window:
                target = candidate
            elif (
                old := earlier.get(root.subject_key)
            ) and root.date <= old.last_activity_at + window:
                target = existing.get(old.thread_id)
                if target is None:
                    target = existing[old.thread_id] = _PlannedThread(
                        "", [], thread_id=old.thread_id, last_date=old.last_activity_at
                    )
                    planned.append(target)
        if target is None:
            target = _PlannedThread(_title(root.subject, list_tags), [root])
            group = [m for m in group if m is not root]
            planned.append(target)
        target.messages.extend(group)
        target.last_date = max(last, target.last_date or last)
        if root.subject_key and target.thread_id is None:
            by_subject[root.subject_key] = target
    for target in planned:
        # Replies by date; a new thread's opening message stays first.
        first = 0 if target.thread_id else 1
        target.messages[first:] = sorted(target.messages[first:], key=by_date)
    return planned


# --- Writing ---------------------------------------------------------------------


def _write(community, target: _PlannedThread, authors: dict[str, int]) -> list[Post]:
    """One thread's new posts in one transaction, numbered after what is there."""
    rendered = [render_post(message.body) for message in target.messages]
    with transaction.atomic():
        if target.thread_id is None:
            opening = target.messages[0]
            thread = Thread.objects.create(
                community=community,
                kind=Thread.Kind.DISCUSSION,
                title=target.title,
                author_id=authors.get(opening.address),
                imported_author="" if opening.address in authors else opening.name,
                last_activity_at=target.last_date,
                visibility_floor=community.visibility,
            )
            first_position = 0
        else:
            thread = Thread.objects.select_for_update().get(pk=target.thread_id)
            first_position = thread.last_position + 1
        posts = [
            Post(
                thread=thread,
                community_id=thread.community_id,
                position=first_position + offset,
                author_id=authors.get(message.address),
                imported_author="" if message.address in authors else message.name,
                body=message.body,
                body_html=html,
            )
            for offset, (message, html) in enumerate(zip(target.messages, rendered, strict=True))
        ]
        Post.objects.bulk_create(posts)
        # created_at is auto_now_add: the message's own date goes in afterwards.
        for post, message in zip(posts, target.messages, strict=True):
            post.created_at = message.date
        Post.objects.bulk_update(posts, ["created_at"])
        ImportedMessage.objects.bulk_create(
            ImportedMessage(community=community, message_id=message.message_id, post=post)
            for post, message in zip(posts, target.messages, strict=True)
        )
        last_position = first_position + len(posts) - 1
        if target.thread_id is None:
            Thread.objects.filter(pk=thread.pk).update(
                created_at=target.messages[0].date,
                last_position=last_position,
                reply_count=last_position,
            )
        else:
            Thread.objects.filter(pk=thread.pk).update(
                last_position=last_position,
                reply_count=F("reply_count") + len(posts),
                last_activity_at=max(thread.last_activity_at, target.last_date),
                # The thread page's cached pages of posts are kept by this.
                version=F("version") + 1,
            )
        thread.last_position = last_position
        for post in posts:
            search_index.index_post(post)
    return posts


def import_mbox(
    *,
    community,
    path,
    dry_run: bool = False,
    window: dt.timedelta = SUBJECT_WINDOW,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import the archive at `path` into `community`. Nothing imported sends
    mail or notifications: posts are written directly, not through services.
    Raises ArchiveError when the file is not a readable mbox."""
    report = ImportReport(dry_run=dry_run)
    progress = progress or (lambda phase, done, total: None)
    messages: list[ArchivedMessage] = []
    with open_archive(path) as archive:
        keys = archive.keys()
        for index, key in enumerate(keys, start=1):
            report.messages_read += 1
            try:
                messages.append(read_message(archive.get_bytes(key, from_=True), index))
            except Unreadable as error:
                report.unreadable.append((index, str(error)))
            progress("Reading", index, len(keys))
    planned = plan(community, messages, report, window)
    new_messages = [m for target in planned for m in target.messages]
    authors = accounts_by_address({m.address for m in new_messages})
    report.truncated = sum(m.truncated for m in new_messages)
    report.posts_by_members = sum(m.address in authors for m in new_messages)
    report.posts_by_imported_authors = len(new_messages) - report.posts_by_members
    report.members_matched = len({m.address for m in new_messages if m.address in authors})
    report.imported_authors = len(
        {m.address or m.name for m in new_messages if m.address not in authors}
    )
    done = 0
    for target in planned:
        if not dry_run:
            try:
                _write(community, target, authors)
            except IntegrityError:
                # Another import of the same archive got there first.
                report.duplicates += len(target.messages)
                continue
        if target.thread_id is None:
            report.threads_created += 1
            report.replies_added += len(target.messages) - 1
        else:
            report.replies_added += len(target.messages)
            report.appended_to_earlier_threads += len(target.messages)
        done += len(target.messages)
        progress("Importing", done, len(new_messages))
    if planned and not dry_run:
        from copse.audit.services import record

        record(
            actor=None,
            action="mail.archive_imported",
            community=community,
            threads=report.threads_created,
            posts=report.imported,
        )
    return report


# --- Export ----------------------------------------------------------------------


def _mbox_separator(when: dt.datetime) -> bytes:
    when = when.astimezone(dt.UTC)
    return f"From copse@{addresses.domain()} {when:%a %b %d %H:%M:%S %Y}\n".encode()


def _escape_from_lines(data: bytes) -> bytes:
    # mboxrd: a body line starting with any number of ">" and "From " gains one ">".
    return re.sub(rb"^(>*From )", rb">\1", data, flags=re.M)


def _header(name: str, value: str) -> str:
    """One header line, RFC 2047-encoded unless plain ASCII, folded."""
    plain = value.isascii() and "=?" not in value
    encoded = Header(value, "us-ascii" if plain else "utf-8", header_name=name)
    return f"{name}: {encoded.encode(linesep=chr(10))}"


def message_of(post, opening_pk: int, community) -> bytes:
    """One post as an mbox entry: From the community's address, never the author's.

    Built by hand rather than with EmailMessage: the email package's header
    registry made exports four times slower, and these headers are simple."""
    domain = addresses.domain()
    if post.author is not None:
        name = post.author.name
    else:
        name = post.imported_author or "A former member"
    title = _one_line(post.thread.title, MAX_TITLE)
    lines = [
        "From: "
        + formataddr((_one_line(name, 200), addresses.community_address(community)), "utf-8"),
        "Date: " + format_datetime(post.created_at.astimezone(dt.UTC)),
        _header("Subject", title if post.position == 0 else f"Re: {title}"),
        f"Message-ID: <copse.post.{post.pk}@{domain}>",
    ]
    if post.position > 0:
        lines.append(f"In-Reply-To: <copse.post.{opening_pk}@{domain}>")
        lines.append(f"References: <copse.post.{opening_pk}@{domain}>")
    body = post.body.replace("\r\n", "\n").rstrip("\n").encode("utf-8") + b"\n"
    if any(len(line) > 998 for line in body.split(b"\n")):
        encoding, body = "quoted-printable", quopri.encodestring(body)
    else:
        encoding = "7bit" if body.isascii() else "8bit"
    lines += [
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    head = "\n".join(lines).encode("ascii")
    return _mbox_separator(post.created_at) + head + b"\n\n" + _escape_from_lines(body) + b"\n"


def exported_posts(community, reader=None):
    """The posts an export carries: none removed, nor any of a removed thread;
    for a `reader` (the person downloading it), only the posts they may read
    ("post.read"): a site admin exporting an open community does not get the
    threads written while it was more private."""
    opening = Post.objects.filter(thread=OuterRef("thread"), position=0).values("pk")[:1]
    readable = permissions.readable_posts_q(reader) if reader is not None else Q()
    return (
        Post.objects.filter(
            readable,
            community=community,
            thread__community=community,
            removed_at__isnull=True,
            thread__removed_at__isnull=True,
        )
        .select_related("thread", "author")
        .annotate(opening_pk=Subquery(opening))
        .order_by("thread_id", "position")
    )


def iter_mbox(community, reader=None) -> Iterator[bytes]:
    """The community's conversations (those `reader` may read, if given) as
    mbox, one chunk per post, read in chunks from one query so a large
    community never sits in memory."""
    for post in exported_posts(community, reader).iterator(chunk_size=500):
        yield message_of(post, post.opening_pk, community)


def export_mbox(community, stream, *, actor=None, channel: str = "command") -> int:
    """Write the community's conversations to the binary `stream`; returns the
    number of messages. The export is recorded in the community's audit log."""
    from copse.audit.services import record

    record(actor=actor, action="mail.archive_exported", community=community, channel=channel)
    count = 0
    for chunk in iter_mbox(community):
        stream.write(chunk)
        count += 1
    return count


def start_download(*, actor, community) -> Iterator[bytes]:
    """The web download: checked against the permission core, then recorded."""
    from copse.audit.services import record

    if not permissions.can(actor, "community.export_archive", community):
        raise NotAllowed(gettext("Only the community's facilitators can export its conversations."))
    record(actor=actor, action="mail.archive_exported", community=community, channel="web")
    return iter_mbox(community, reader=actor)
