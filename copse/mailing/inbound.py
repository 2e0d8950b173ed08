"""Mail that comes in: replies, new threads, bounces, and asking to join or
leave a community's mail.

`receive` is the one entry point, for `copse mail-server` (SMTP) and
`copse mail-inbound` (a pipe from the mail server). For each envelope
recipient it decides what the message may do, through the same services and
permission rules as the web, and records the outcome as an `InboundMessage`
and in the `copse.mail` log (ids and reasons, never content).

A new thread mailed to a `members` or `confidential` community (or an answer
to the list's own address) is posted at once only when the sender is shown
to be who the From header says: the topmost Authentication-Results header
from a mail server named in COPSE_MAIL_TRUSTED_AUTHSERV_IDS says DMARC
passed for the From domain. Otherwise it is held (`HeldMessage`) and a link
goes to the From address; the owner of that address posts it by following
the link. Personal reply addresses carry their own signed token and are not
held.

What goes back to the sender is at most one short, neutral text that says
nothing about a community, a thread or its members, and only when the From
header and the envelope sender agree: otherwise someone could forge a member's
From and learn from our answer whether that person belongs to a community.
Nothing is ever answered to automatic mail, bounces or an empty return path.

Hostile mail gets a permanent answer at once. Before Python's email parser
sees a message, `screen` checks a few limits on its bytes (header fields,
header sizes, encoded words, MIME parts), because the parser's time and
memory grow much faster than the message with some shapes of header; over a
limit the message is refused unread (`Refused`). Everything else is read
whole by `read_whole`: an unknown or broken charset gives replacement
characters, never an error. Only then does a short transaction per
recipient decide and write, so no message is parsed while the database is
locked.
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import hashlib
import logging
import re
import secrets
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from copse.accounts.identity import normalize_email
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.languages import in_language_of
from copse.core.storage import files_removed_on_failure
from copse.mailing import addresses, attachments, quoting, services, tasks, tokens
from copse.mailing.models import HeldMessage, InboundMessage, MailSettings, OutgoingMessage

log = logging.getLogger("copse.mail")
Outcome = InboundMessage.Outcome

# Answers to refusals per sender and hour, against backscatter to forged senders.
ANSWERS_PER_HOUR = 5
# A message to several Copse addresses does one thing: a reply address wins
# over a community address (a "reply all" to list mail reaches both).
_PRIORITY = {"bounce": 0, "reply": 1, "answer": 1, "community": 2, "unknown": 3}
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
_POST_REFERENCE = re.compile(r"<copse\.post\.(\d+)@([^>]+)>")


# Only this much of a message's text is read (and trimmed): a post holds at
# most 50,000 characters, and turning HTML into text costs time per character.
TEXT_READ_LIMIT = 300_000


class Refused(Exception):
    """The message is over one of the limits `screen` checks: it was recorded
    as refused unread. The caller answers with a permanent failure (SMTP 554,
    `mail-inbound` exit status 65) so that the sending server tells its sender;
    it must never ask for a retry."""


@dataclass
class Letter:
    """What was read from the raw bytes; `message` is None when unreadable.

    Every field is filled before any database transaction begins (`read`
    and `read_whole`): deciding reads these, never the message itself."""

    raw: bytes
    message: EmailMessage | None
    message_id: str
    sender: str = ""  # the From address, normalised; empty when missing
    problem: str = ""  # why the message is malformed, if it is
    over_limit: str = ""  # the limit it is over; then it was never parsed
    subject: str = ""
    automatic: str = ""  # why its headers say a machine sent it, or ""
    mentions: str = ""  # In-Reply-To and References
    authentication: str | None = None  # see `trusted_results`
    report: tuple[str, str, str] | None = None  # see `delivery_status`
    # Read by `read_whole`: the text (at most TEXT_READ_LIMIT characters),
    # what the person wrote of it, and the attachments, checked.
    text: str = ""
    trimmed: str = ""
    files: list[attachments.File] = field(default_factory=list)


@dataclass
class Decision:
    outcome: str
    reason: str
    user: object = None
    post: object = None
    keep_raw: bool = False
    # Mail to send back: (to, template, context), at most one.
    answer: tuple | None = None
    # A HeldMessage to save with the record, waiting for its sender.
    hold: object = None


def receive(raw: bytes, *, envelope_from: str, envelope_to: list[str]) -> list[InboundMessage]:
    """Handle one message for each of its envelope recipients. Raises
    `Refused` when the message is over a limit (recorded first)."""
    # Everything is read before any transaction begins.
    letter = read_whole(raw)
    envelope_from = _clean(_bare(envelope_from))
    recipients = sorted(
        dict.fromkeys(_clean(_bare(to)) for to in envelope_to if _bare(to)),
        key=lambda to: _PRIORITY[addresses.parse_recipient(to).kind],
    )
    if letter.over_limit:
        _record_refused_unread(letter, envelope_from, recipients)
        raise Refused(letter.over_limit)
    return [_receive_one(letter, envelope_from, to) for to in recipients]


def record_oversized(*, envelope_from: str, envelope_to: list[str], size: int) -> None:
    """The SMTP server refused a message for its size before reading it whole
    (its 552 answer makes the sending server tell the sender)."""
    InboundMessage.objects.create(
        message_id=f"refused-in-smtp-{uuid.uuid4().hex}",
        sender=_bare(envelope_from)[:320],
        recipient=", ".join(_bare(to) for to in envelope_to)[:320],
        outcome=Outcome.REFUSED,
        reason=f"larger than {settings.COPSE_INBOUND_MAX_BYTES} bytes; refused in SMTP",
    )
    log.info("inbound refused in SMTP: more than %s bytes", size)


def _record_refused_unread(letter: Letter, envelope_from: str, recipients: list[str]) -> None:
    # One row for all recipients, as for a message refused in SMTP: nothing
    # was read, so there is no Message-ID to tell duplicates by.
    row = InboundMessage.objects.create(
        message_id=f"refused-unread-{uuid.uuid4().hex}",
        sender=envelope_from[:320],
        recipient=", ".join(recipients)[:320],
        outcome=Outcome.REFUSED,
        reason=f"refused unread: {letter.over_limit}"[:300],
    )
    log.info("inbound %s outcome=refused reason=refused unread: %s", row.pk, letter.over_limit)


# --- Limits before parsing ---------------------------------------------------------------
#
# Python's email parser splits lines at CR, LF or CRLF; a header block ends at
# the first line that is empty or does not look like a header (its `headerRE`).
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")
_HEADER_LINE = re.compile(rb"From |[\x21-\x39\x3b-\x7e]*:|[ \t]")
# The structured fields Copse reads with the standard library's parsers, whose
# time grows faster than their size: the message's From and Message-ID, and a
# Content-* field anywhere (the message's or a part's, folded lines included),
# which the parser reads many times over in every part.
_PARSED_FIELD = re.compile(rb"(?:from|message-id):", re.IGNORECASE)
_MIME_FIELD = re.compile(rb"content-[^\r\n:]*:[^\r\n]*(?:(?:\r\n|\r|\n)[ \t][^\r\n]*)*")
# In a delivery report each block of fields, ended by an empty line, is a part.
_EMPTY_LINE = re.compile(rb"\n(?=\r?\n)|\r(?=\r)")


def _lines(raw: bytes) -> int:
    return raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")


def _mime_fields(lowered: bytes):
    """Each Content-* field at the start of a line of `lowered` (the
    message in lower case, after a line break), found with plain searches:
    a regular expression tried at every position of 10 MB takes too long."""
    for start in (b"\ncontent-", b"\rcontent-"):
        at = lowered.find(start)
        while at != -1:
            found = _MIME_FIELD.match(lowered, at + 1)
            if found:
                yield found.group()
            at = lowered.find(start, at + 1)


def screen(raw: bytes) -> str:
    """Which limit the message is over, or "" when it may be parsed.

    A cheap look at the bytes, which counts generously (a body line that
    looks like a MIME field counts as one): what it bounds is the work of
    Python's email parser, whose memory grows with the square of the number
    of encoded words in a header, and whose time grows faster than the size
    of the structured fields it reads, with the number of parts, and with
    lines times nesting."""
    limits = settings
    if _lines(raw) > limits.COPSE_INBOUND_MAX_LINES:
        return f"more than {limits.COPSE_INBOUND_MAX_LINES} lines"
    if raw.count(b"=?") > limits.COPSE_INBOUND_MAX_ENCODED_WORDS:
        return f"more than {limits.COPSE_INBOUND_MAX_ENCODED_WORDS} encoded words"
    fields = block = field_size = structured = 0
    parsed = False
    for match in _LINE.finditer(raw):
        line = match.group()
        if not line.strip(b"\r\n") or not _HEADER_LINE.match(line):
            break  # the end of the header block
        block += len(line)
        if line[:1] in (b" ", b"\t"):
            field_size += len(line)
        else:
            fields, field_size = fields + 1, len(line)
            parsed = bool(_PARSED_FIELD.match(line))
        structured += len(line) if parsed else 0
        if fields > limits.COPSE_INBOUND_MAX_HEADERS:
            return f"more than {limits.COPSE_INBOUND_MAX_HEADERS} header fields"
        if field_size > limits.COPSE_INBOUND_MAX_FIELD_BYTES:
            return f"a header field over {limits.COPSE_INBOUND_MAX_FIELD_BYTES} bytes"
        if block > limits.COPSE_INBOUND_MAX_HEADER_BYTES:
            return f"headers over {limits.COPSE_INBOUND_MAX_HEADER_BYTES} bytes"
    over_structured = (
        f"From, Message-ID and MIME fields over {limits.COPSE_INBOUND_MAX_STRUCTURED_BYTES} bytes"
    )
    if structured > limits.COPSE_INBOUND_MAX_STRUCTURED_BYTES:
        return over_structured
    lowered = b"\n" + raw.lower()
    containers = 0
    for mime_field in _mime_fields(lowered):
        structured += len(mime_field)
        if len(mime_field) > limits.COPSE_INBOUND_MAX_FIELD_BYTES:
            return f"a header field over {limits.COPSE_INBOUND_MAX_FIELD_BYTES} bytes"
        if structured > limits.COPSE_INBOUND_MAX_STRUCTURED_BYTES:
            return over_structured
        if mime_field[8:13] == b"type:" and (
            b"multipart" in mime_field or b"message" in mime_field
        ):
            containers += 1
            if containers > limits.COPSE_INBOUND_MAX_NESTED_PARTS:
                return f"more than {limits.COPSE_INBOUND_MAX_NESTED_PARTS} nested parts"
    # Every MIME part begins at a line "--boundary" (boundaries may start with "-").
    parts = lowered.count(b"\n--") + lowered.count(b"\r--")
    if b"delivery-status" in lowered:
        parts += len(_EMPTY_LINE.findall(raw))
    if parts > limits.COPSE_INBOUND_MAX_PARTS:
        return f"more than {limits.COPSE_INBOUND_MAX_PARTS} MIME parts"
    return ""


# --- Reading ---------------------------------------------------------------------------


def _bare(address: str | None) -> str:
    return (address or "").strip().strip("<>").strip()


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _clean(text: str) -> str:
    """Text both databases store and a page can show: undecodable bytes
    (lone surrogates) and NUL (PostgreSQL refuses it) become U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


def _synthetic_id(raw: bytes) -> str:
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@synthetic.invalid>"


def read(raw: bytes) -> Letter:
    """Parse with the standard library, headers only; never raises. A
    message over a limit of `screen` is not parsed at all."""
    over_limit = screen(raw)
    if over_limit:
        return Letter(
            raw,
            None,
            _synthetic_id(raw),
            problem=f"over a limit: {over_limit}",
            over_limit=over_limit,
        )
    # An oversized message is refused unread; only its headers are parsed.
    headers_only = len(raw) > settings.COPSE_INBOUND_MAX_BYTES
    parser = email.parser.BytesParser(_class=EmailMessage, policy=email.policy.default)
    try:
        message = parser.parsebytes(raw, headersonly=headers_only)
        message_id = _clean(str(message.get("Message-ID") or "").strip())
    except Exception:  # any parse failure means malformed
        return Letter(raw, None, _synthetic_id(raw), problem="cannot be parsed")
    if not message_id or len(message_id) > 240:
        message_id = _synthetic_id(raw)
    letter = Letter(raw, message, message_id)
    try:
        _read_headers(letter)
    except Exception:  # a header the policy cannot read
        letter.problem = "unreadable headers"
        letter.automatic = "unreadable headers"  # so nothing is answered
        return letter
    try:
        if not message.keys():
            letter.problem = "no headers"
            return letter
        from_header = message["From"]  # parsed on each access: once
        found = from_header.addresses if from_header is not None else ()
    except Exception:  # a header the policy cannot read
        letter.problem = "unreadable From header"
        return letter
    if len(found) != 1 or "@" not in (found[0].addr_spec or ""):
        letter.problem = "no single From address"
        return letter
    if _clean(found[0].addr_spec) != found[0].addr_spec:
        letter.problem = "undecodable bytes in the From address"
        return letter
    letter.sender = normalize_email(found[0].addr_spec)
    return letter


def _read_headers(letter: Letter) -> None:
    message = letter.message
    letter.subject = _clean(" ".join(str(message.get("Subject", "")).split()))[:200]
    letter.automatic = _clean(_automatic_headers(message))
    letter.mentions = " ".join(
        str(message.get(header, "")) for header in ("In-Reply-To", "References")
    )
    letter.authentication = trusted_results(message)
    letter.report = delivery_status(message)


def read_whole(raw: bytes) -> Letter:
    """`read`, and the body too: its text, what the person wrote of it
    (`quoting.trim`) and the attachments (checked by `attachments.check`).
    Never raises; a body that cannot be read makes the message malformed."""
    letter = read(raw)
    if letter.message is None or letter.problem or len(raw) > settings.COPSE_INBOUND_MAX_BYTES:
        return letter
    try:
        letter.text = text_of(letter.message, limit=TEXT_READ_LIMIT)
        letter.trimmed = quoting.trim(letter.text)
        letter.files = files_of(letter.message)
    except Exception:
        log.warning("inbound: a body that cannot be read", exc_info=True)
        letter.problem = "the body cannot be read"
    return letter


def _original_kept(row) -> None:
    """The thread page shows its author "Original email" under a post once
    this row names it: its cached rendering of the posts must be redone."""
    if row.post_id is not None:
        from copse.conversations.services import touch_thread

        touch_thread(row.post.thread_id)


def _is_automatic(letter: Letter, envelope_from: str) -> str:
    """Why the message looks machine-made (RFC 3834 and common practice), or ""."""
    if not envelope_from:
        return "empty return path"
    return letter.automatic


def _automatic_headers(message: EmailMessage) -> str:
    """Why the message's headers say a machine sent it, or ""."""
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted[:40]}"
    if str(message.get("Precedence", "")).strip().lower() in _AUTOMATIC_PRECEDENCE:
        return "Precedence: " + str(message.get("Precedence")).strip().lower()
    for header in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if message.get(header) is not None:
            return f"{header} header"
    if any(
        loop.lower() == f"copse@{addresses.domain()}".lower()
        for loop in _raw_values(message, "X-Loop")
    ):
        return "our own X-Loop"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    return ""


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines into paragraphs."""
    out: list[str] = []
    paragraph, depth_of_paragraph = "", None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if paragraph and depth != depth_of_paragraph:
            out.append(paragraph)
            paragraph = ""
        prefix = ("> " * depth) if depth else ""
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        paragraph = (paragraph or prefix) + content
        depth_of_paragraph = depth
        if not soft:
            out.append(paragraph)
            paragraph = ""
    if paragraph:
        out.append(paragraph)
    return "\n".join(out)


def _decoded(part: EmailMessage) -> str:
    """A text part's content; an unknown or broken charset gives replacement
    characters rather than an error (the message would never get through)."""
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def text_of(message: EmailMessage, *, limit: int | None = None) -> str:
    """The body as plain text: the text part, or the HTML part made text;
    only its first `limit` characters when given."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _clean(_decoded(part)[:limit])
    if part.get_content_subtype() == "html":
        return quoting.html_to_text(content)
    if str(part.get_param("format", "")).lower() == "flowed":
        return _unflow(content, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return content


def files_of(message: EmailMessage) -> list[attachments.File]:
    """Attachments with a file name, each checked against the allowlist."""
    files = []
    for part in message.iter_attachments():
        name = _clean(part.get_filename() or "")
        if not name or part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        files.append(attachments.check(name, data))
    return files


# --- Deciding ------------------------------------------------------------------------------


def _receive_one(letter: Letter, envelope_from: str, to: str) -> InboundMessage:
    target = addresses.parse_recipient(to)
    # Attachments are written inside; a failure up to the commit removes them.
    with files_removed_on_failure(), transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundMessage.objects.create(
                    message_id=letter.message_id,
                    sender=(letter.sender or envelope_from)[:320],
                    recipient=to[:320],
                    outcome=Outcome.REFUSED,
                )
        except IntegrityError:
            return _duplicate(letter, envelope_from, to)
        try:
            decision = _decide(letter, envelope_from, target)
        except UserFacingError as error:
            # A service refused (the thread was locked meanwhile, the text too long…).
            decision = Decision(
                Outcome.REFUSED, error.message, answer=_neutral(letter, envelope_from)
            )
        if target.kind == "bounce" or _is_automatic(letter, envelope_from):
            decision.answer = None  # never answer a machine, whatever went wrong
        row.outcome = decision.outcome
        row.reason = _clean(decision.reason)[:300]
        row.user = decision.user
        row.post = decision.post
        if decision.keep_raw:
            row.raw = _raw_text(letter.raw)
        row.save()
        _original_kept(row)
        if decision.hold is not None:
            decision.hold.inbound = row
            decision.hold.save()
    log.info(
        "inbound %s to=%s outcome=%s reason=%s user=%s post=%s",
        row.pk,
        target.kind,
        row.outcome,
        row.reason,
        row.user_id,
        row.post_id,
    )
    if decision.answer and _may_answer(letter.sender):
        _send(letter, *decision.answer, user=decision.user)
    return row


def _raw_text(raw: bytes) -> str:
    # PostgreSQL text holds no NUL; "replace" keeps the rest readable.
    return raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def _duplicate(letter: Letter, envelope_from: str, to: str) -> InboundMessage:
    first = InboundMessage.objects.filter(message_id=letter.message_id).first()
    row = InboundMessage.objects.create(
        message_id=f"{letter.message_id[:200]}#again-{uuid.uuid4().hex[:12]}",
        sender=(letter.sender or envelope_from)[:320],
        recipient=to[:320],
        outcome=Outcome.DUPLICATE,
        reason=f"Message-ID already received (#{first.pk if first else '?'})",
    )
    log.info("inbound %s outcome=duplicate of=%s", row.pk, first.pk if first else None)
    return row


def _answerable(letter: Letter, envelope_from: str) -> bool:
    """Answer only the sender's own address: From and return path agree, and
    it is not one of ours."""
    return (
        bool(letter.sender)
        and normalize_email(envelope_from) == letter.sender
        and not letter.sender.endswith("@" + addresses.domain().lower())
    )


def _neutral(letter: Letter, envelope_from: str):
    if not _answerable(letter, envelope_from):
        return None
    return (letter.sender, "mailing/inbound/refused", {})


def _refuse(letter: Letter, envelope_from: str, reason: str, user=None) -> Decision:
    return Decision(Outcome.REFUSED, reason, user=user, answer=_neutral(letter, envelope_from))


def _decide(letter: Letter, envelope_from: str, target: addresses.Recipient) -> Decision:
    if len(letter.raw) > settings.COPSE_INBOUND_MAX_BYTES:
        return _refuse(
            letter, envelope_from, f"larger than {settings.COPSE_INBOUND_MAX_BYTES} bytes"
        )
    if letter.message is None or letter.problem:
        decision = _refuse(letter, envelope_from, f"malformed: {letter.problem}")
        decision.outcome = Outcome.MALFORMED
        return decision
    if target.kind == "bounce":
        return _bounce(letter, target)
    automatic = _is_automatic(letter, envelope_from)
    if automatic:
        return Decision(Outcome.AUTO_REPLY, f"automatic: {automatic}")
    if target.kind == "reply":
        return _reply(letter, envelope_from, target)
    if target.kind == "answer":
        return _answer(letter, envelope_from, target)
    if target.kind == "community" and target.command == "subscribe":
        return _subscribe(letter, envelope_from, target)
    if target.kind == "community" and target.command == "unsubscribe":
        return _unsubscribe(letter, envelope_from, target)
    if target.kind == "community":
        return _new_thread(letter, envelope_from, target)
    return _refuse(letter, envelope_from, "not a Copse address")


def _person_by_address(address: str):
    """The active account with this address as its login, or as another
    address it has confirmed."""
    from allauth.account.models import EmailAddress

    from copse.accounts.models import User

    if not address:
        return None
    address = normalize_email(address)
    user = User.objects.filter(email=address, is_active=True).first()
    if user is None:
        confirmed = EmailAddress.objects.filter(
            email__iexact=address, verified=True, user__is_active=True
        ).select_related("user")
        user = next((row.user for row in confirmed if normalize_email(row.email) == address), None)
    return user


def _is_address_of(user, address: str) -> bool:
    """Whether `address` is the user's login or another address they confirmed."""
    from allauth.account.models import EmailAddress

    address = normalize_email(address or "")
    if not address:
        return False
    if address == normalize_email(user.email):
        return True
    confirmed = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    return any(normalize_email(email) == address for email in confirmed)


def _community(slug: str):
    from copse.communities.models import Community

    return Community.objects.filter(slug=slug).first()


def _token_version(user) -> int:
    version = MailSettings.objects.filter(user=user).values_list("token_version", flat=True)
    return version.first() or 1


def _content(letter: Letter, *, fall_back_to_whole: bool, author):
    """(body, kept files, refused files). A new thread falls back to the
    untrimmed text when trimming leaves nothing (a forward without comment);
    a message of files only says so, in its author's language."""
    body = letter.trimmed
    if not body and fall_back_to_whole:
        body = letter.text.strip()
    kept, refused = attachments.sort(letter.files)
    if not body and kept:
        with in_language_of(author):
            body = gettext("Attached: %(files)s") % {"files": ", ".join(file.name for file in kept)}
    return body, kept, refused


def _posted(letter: Letter, envelope_from: str, user, post, kept, refused, how: str) -> Decision:
    attachments.store(post, kept)
    reason = how
    answer = None
    if refused:
        reason += f"; {len(refused)} file(s) not kept"
        if _answerable(letter, envelope_from):
            answer = (
                letter.sender,
                "mailing/inbound/files_not_kept",
                {"files": refused, "post_url": settings.BASE_URL + _post_path(post)},
            )
    return Decision(Outcome.POSTED, reason, user=user, post=post, keep_raw=True, answer=answer)


def _post_path(post) -> str:
    from copse.mailing.compose import post_path

    return post_path(post)


def _reply(letter: Letter, envelope_from: str, target) -> Decision:
    from copse.accounts.models import User
    from copse.conversations.models import Thread
    from copse.conversations.services import post_reply

    token = tokens.read_reply_token(target.token)
    if token is None:
        return _refuse(letter, envelope_from, "forged reply address")
    user = User.objects.filter(pk=token.user_id).first()
    if user is None or not user.is_active:
        return _refuse(letter, envelope_from, "reply address of a removed account")
    if token.version != _token_version(user):
        return _refuse(letter, envelope_from, "revoked reply address")
    if not _is_address_of(user, letter.sender):
        # A forwarded notification must not let someone else post as the member.
        return _refuse(letter, envelope_from, "From is not the reply address's owner")
    thread = Thread.objects.select_related("community").filter(pk=token.thread_id).first()
    permissions.forget_standings(user)
    if thread is None or not permissions.can(user, "thread.reply", thread):
        return _refuse(letter, envelope_from, "may not reply in this thread", user)
    body, kept, refused = _content(letter, fall_back_to_whole=False, author=user)
    if not body:
        return _refuse(letter, envelope_from, "nothing written", user)
    post = post_reply(actor=user, thread=thread, body=body)
    return _posted(letter, envelope_from, user, post, kept, refused, "reply")


def _answer(letter: Letter, envelope_from: str, target) -> Decision:
    """An answer to a personal answer address (`mailing.answers`): the same
    checks as a reply address, then the registered handler decides. Until
    the token and the From address are the owner's, the answer is the
    neutral one; after, it may say what to change, since only the owner's
    own mailbox receives it."""
    from copse.accounts.models import User
    from copse.mailing import answers

    handle = answers.handler(target.command)
    token = tokens.read_answer_token(target.command, target.token)
    if handle is None or token is None:
        return _refuse(letter, envelope_from, "forged answer address")
    user = User.objects.filter(pk=token.user_id).first()
    if user is None or not user.is_active:
        return _refuse(letter, envelope_from, "answer address of a removed account")
    if token.version != _token_version(user):
        return _refuse(letter, envelope_from, "revoked answer address")
    if not _is_address_of(user, letter.sender):
        # A forwarded proposal must not let someone else answer as the member.
        return _refuse(letter, envelope_from, "From is not the answer address's owner")
    permissions.forget_standings(user)
    answer = handle(user=user, object_id=token.object_id, state=token.state, text=letter.trimmed)
    mail = None
    if answer.template and _answerable(letter, envelope_from):
        mail = (letter.sender, answer.template, answer.context)
    outcome = Outcome.ANSWERED if answer.saved else Outcome.REFUSED
    return Decision(outcome, f"{target.command}: {answer.reason}", user=user, answer=mail)


def _replied_thread(letter: Letter, community):
    """The thread a message answers, when it quotes one of our posts' ids in
    In-Reply-To or References (someone answered the list's From address)."""
    from copse.conversations.models import Post

    ids = [
        int(pk)
        for pk, host in _POST_REFERENCE.findall(letter.mentions)
        if host.lower() == addresses.domain().lower()
    ]
    if not ids:
        return None
    post = (
        Post.objects.select_related("thread__community")
        .filter(pk=ids[-1], community=community)
        .first()
    )
    return post.thread if post else None


def _new_thread(letter: Letter, envelope_from: str, target) -> Decision:
    community = _community(target.slug)
    user = _person_by_address(letter.sender)
    if community is None:
        return _refuse(letter, envelope_from, "no such community")
    if user is None:
        return _refuse(letter, envelope_from, "sender is not a Copse member")
    return _to_community(letter, envelope_from, user, community, confirmed=False)


def _to_community(letter: Letter, envelope_from: str, user, community, *, confirmed) -> Decision:
    """Post a message sent to the community's own address: in the thread it
    answers, or as a new thread. In a members-only or confidential community
    it waits for its sender unless `confirmed` or authenticated."""
    from copse.conversations.services import post_reply, start_thread

    permissions.forget_standings(user)
    thread = _replied_thread(letter, community)
    if thread is not None:
        # An answer to the list's own message belongs in its thread, or nowhere.
        if not permissions.can(user, "thread.reply", thread):
            return _refuse(letter, envelope_from, "may not reply in this thread", user)
        body, kept, refused = _content(letter, fall_back_to_whole=False, author=user)
    else:
        if not permissions.may_start_thread(user, community, "discussion"):
            return _refuse(letter, envelope_from, "may not start a thread here", user)
        body, kept, refused = _content(letter, fall_back_to_whole=True, author=user)
    if not body:
        return _refuse(letter, envelope_from, "nothing written", user)
    # An answer is held as its thread is read: one written while the community
    # was more private stays for members, so a forged From waits there too.
    visibility = permissions.thread_visibility(thread) if thread else community.visibility
    if not confirmed and visibility != "open" and not dmarc_passed(letter):
        return _hold(letter, user, community)
    how = "confirmed by link; " if confirmed else ""
    if thread is not None:
        post = post_reply(actor=user, thread=thread, body=body)
        return _posted(
            letter, envelope_from, user, post, kept, refused, how + "reply by references"
        )
    if letter.subject:
        title = letter.subject
    else:
        with in_language_of(user):
            title = gettext("(no subject)")
    thread = start_thread(
        actor=user, community=community, kind="discussion", title=title, body=body
    )
    post = thread.posts.get(position=0)
    return _posted(letter, envelope_from, user, post, kept, refused, how + "new thread")


# --- Who sent it -----------------------------------------------------------------------------


def _without_comments(text: str) -> str:
    # One pass with a stack, in time linear in the text however deep the
    # comments nest; a "(" never closed stays, with what follows it.
    kept: list[str] = []
    opened: list[int] = []
    for char in text:
        if char == "(":
            opened.append(len(kept))
            kept.append(char)
        elif char == ")" and opened:
            del kept[opened.pop() :]
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split()).replace(" =", "=").replace("= ", "=")


def _raw_values(message: EmailMessage, name: str) -> list[str]:
    """Every value of a field as written (unfolded), without the header
    parser: for fields that may come many times and are only compared."""
    name = name.lower()
    return [
        " ".join(str(value).split()) for key, value in message.raw_items() if key.lower() == name
    ]


def trusted_results(message: EmailMessage) -> str | None:
    """The topmost Authentication-Results header (RFC 8601) that a server
    named in COPSE_MAIL_TRUSTED_AUTHSERV_IDS added, without comments; None
    when there is none. Mail servers add theirs on top, so one further down
    (or from any other id) may have been written by the sender."""
    trusted = {name.lower() for name in settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS}
    if not trusted:
        return None
    for value in _raw_values(message, "Authentication-Results"):
        text = _without_comments(value)
        words = text.split(";", 1)[0].split()
        if words and words[0].lower() in trusted:
            return text
    return None


def dmarc_passed(letter: Letter) -> bool:
    """Whether the trusted server says DMARC passed for the From domain."""
    text = letter.authentication
    if text is None or "@" not in letter.sender:
        return False
    domain = letter.sender.rsplit("@", 1)[1].lower()
    for result in text.split(";")[1:]:
        words = result.split()
        if not words:
            continue
        method, _, outcome = words[0].partition("=")
        if method.split("/")[0].lower() != "dmarc" or outcome.lower() != "pass":
            continue
        properties = dict(word.partition("=")[::2] for word in words[1:])
        if properties.get("header.from", "").strip('"').lower() == domain:
            return True
    return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(f"copse.mailing.held:{token}".encode()).hexdigest()


def _hold(letter: Letter, user, community) -> Decision:
    """Keep the message and mail a link to the From address: only its owner
    can read it there. The link says what arrived, never what it says."""
    token = secrets.token_urlsafe(32)
    hold = HeldMessage(
        user=user, community=community, token_hash=_token_hash(token), raw=letter.raw
    )
    link = settings.BASE_URL + reverse("mailing:confirm_held", args=[token])
    return Decision(
        Outcome.HELD,
        "held: sender not authenticated; confirmation link sent to the From address",
        user=user,
        hold=hold,
        answer=(
            letter.sender,
            "mailing/inbound/confirm",
            {"community": community, "link": link, "days": settings.COPSE_MAIL_HOLD_DAYS},
        ),
    )


def held_message(token: str) -> HeldMessage | None:
    """The message waiting for this link, unless it expired or is gone."""
    if not token or len(token) > 100:
        return None
    cutoff = timezone.now() - dt.timedelta(days=settings.COPSE_MAIL_HOLD_DAYS)
    return (
        HeldMessage.objects.select_related("user", "community", "inbound")
        .filter(token_hash=_token_hash(token), created_at__gte=cutoff)
        .first()
    )


def held_subject(held: HeldMessage) -> str:
    return read(bytes(held.raw)).subject


def original_parts(row) -> dict:
    """What the original page shows: a few headers, the whole text (nothing
    trimmed) and the names of the attached files."""
    letter = read(row.raw.encode("utf-8"))
    message = letter.message
    if message is None:
        return {"headers": [], "text": row.raw, "files": []}
    headers = [
        (name, str(message.get(name)))
        for name in ("From", "To", "Cc", "Date", "Subject")
        if message.get(name) is not None
    ]
    try:
        text = text_of(message)
        files = [file.name for file in files_of(message)]
    except (LookupError, ValueError, AttributeError):
        text, files = row.raw, []
    return {"headers": headers, "text": text, "files": files}


def confirm_held(*, viewer, held: HeldMessage):
    """Post a held message for the person it names: the link proves they
    read mail at that address. Someone else signed in cannot use it. Posted
    once; the stored copy goes either way."""
    if viewer.is_authenticated and viewer.pk != held.user_id:
        raise services.NotAllowed(
            gettext("This link is for another account. Sign out, then open the link again.")
        )
    # Read before the transaction; the stored bytes never change.
    letter = read_whole(bytes(held.raw))
    with files_removed_on_failure(), transaction.atomic():
        locked = HeldMessage.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:
            raise UserFacingError(gettext("This message was already posted or is no longer kept."))
        user, community, row = held.user, held.community, held.inbound
        if not user.is_active or letter.message is None or letter.problem:
            decision = Decision(Outcome.REFUSED, "confirmed, but can no longer be posted")
        else:
            try:
                with transaction.atomic():
                    decision = _to_community(letter, "", user, community, confirmed=True)
            except UserFacingError as error:
                decision = Decision(Outcome.REFUSED, error.message)
        row.outcome = decision.outcome
        row.reason = decision.reason[:300]
        row.post = decision.post
        if decision.keep_raw:
            row.raw = _raw_text(letter.raw)
        row.save(update_fields=["outcome", "reason", "post", "raw"])
        _original_kept(row)
        locked.delete()
    log.info("inbound %s confirmed outcome=%s post=%s", row.pk, row.outcome, row.post_id)
    if decision.outcome != Outcome.POSTED:
        raise UserFacingError(
            gettext(
                "Your message could not be posted in %(name)s: you may no longer "
                "write there, or there was nothing to post."
            )
            % {"name": community.name}
        )
    return decision.post


def _subscribe(letter: Letter, envelope_from: str, target) -> Decision:
    """Open communities the public may know of send a confirmation link;
    every other case gets the same neutral answer as an unknown address."""
    community = _community(target.slug)
    if (
        community is None
        or community.join_policy != "open"
        or not permissions.can(AnonymousUser(), "community.view", community)
    ):
        return _refuse(letter, envelope_from, "subscribing by mail is not possible there")
    if not _answerable(letter, envelope_from):
        return Decision(Outcome.SUBSCRIPTION, "subscribe: From and return path differ; not sent")
    link = settings.BASE_URL + reverse(
        "mailing:subscribe",
        args=[tokens.subscribe_token(community_id=community.pk, email=letter.sender)],
    )
    return Decision(
        Outcome.SUBSCRIPTION,
        "subscribe: confirmation sent",
        user=_person_by_address(letter.sender),
        answer=(
            letter.sender,
            "mailing/inbound/subscribe",
            {"community": community, "link": link, "days": tokens.SUBSCRIBE_MAX_AGE // 86400},
        ),
    )


def _unsubscribe(letter: Letter, envelope_from: str, target) -> Decision:
    from copse.mailing.compose import unsubscribe_url

    community = _community(target.slug)
    user = _person_by_address(letter.sender)
    if community is None or user is None:
        return _refuse(letter, envelope_from, "not a member there")
    permissions.forget_standings(user)
    if not permissions.can(user, "community.receive_mail", community):
        return _refuse(letter, envelope_from, "not a member there", user)
    if not _answerable(letter, envelope_from):
        return Decision(
            Outcome.SUBSCRIPTION, "unsubscribe: From and return path differ; not sent", user=user
        )
    link = unsubscribe_url(user, community, _token_version(user))
    return Decision(
        Outcome.SUBSCRIPTION,
        "unsubscribe: confirmation sent",
        user=user,
        answer=(user.email, "mailing/inbound/unsubscribe", {"community": community, "link": link}),
    )


# --- Bounces ---------------------------------------------------------------------------------


def delivery_status(message: EmailMessage) -> tuple[str, str, str] | None:
    """(status, final recipient, diagnostic) from the first recipient block
    of an RFC 3464 delivery status notification, or None."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks:
            status = _raw_field(block, "Status").strip()
            if re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", status):
                final = _raw_field(block, "Final-Recipient").split(";")[-1].strip()
                diagnostic = _clean(" ".join(_raw_field(block, "Diagnostic-Code").split()))
                return status, final, diagnostic
    return None


def _raw_field(block, name: str) -> str:
    # The field as written, without the header parser: a report's fields are
    # not among those `screen` limits, and only their start matters here.
    name = name.lower()
    value = next((value for key, value in block.raw_items() if key.lower() == name), "")
    return str(value)[:1000]


def _bounce(letter: Letter, target) -> Decision:
    pk = tokens.read_bounce_token(target.token)
    if pk is None:
        return Decision(Outcome.REFUSED, "forged bounce address")
    sent = OutgoingMessage.objects.select_related("recipient").filter(pk=pk).first()
    if sent is None:
        return Decision(Outcome.BOUNCE, "bounce for a message no longer in the outbox")
    user = sent.recipient
    found = letter.report
    if found is None:
        return Decision(Outcome.BOUNCE, "not a delivery status report; ignored", user=user)
    status, final, diagnostic = found
    if final and normalize_email(final) != normalize_email(user.email):
        return Decision(Outcome.BOUNCE, f"{status} for an address no longer in use", user=user)
    if status.startswith("5"):
        services.mark_bouncing(user=user, reason=f"{status} {diagnostic}".strip())
        return Decision(Outcome.BOUNCE, f"hard bounce {status}; address marked bouncing", user=user)
    return Decision(Outcome.BOUNCE, f"soft bounce {status}; logged only", user=user)


# --- Answering -------------------------------------------------------------------------------


def _may_answer(address: str) -> bool:
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = InboundMessage.objects.filter(
        sender=address,
        received_at__gte=hour_ago,
        outcome__in=[Outcome.REFUSED, Outcome.MALFORMED, Outcome.SUBSCRIPTION, Outcome.HELD],
    ).count()
    return recent <= ANSWERS_PER_HOUR


def _send(letter: Letter, to: str, template: str, context: dict, *, user=None) -> None:
    """Answer `to` in the language of the person whose address it is (else
    the site's): the answer goes to that address only."""
    context = {"base_url": settings.BASE_URL, **context}
    with in_language_of(_person_by_address(to) or user):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}_body.txt", context)
    headers = {
        "Auto-Submitted": "auto-replied",
        "X-Loop": f"copse@{addresses.domain()}",
        "Message-ID": make_msgid(domain=addresses.domain()),
    }
    if not letter.message_id.endswith("@synthetic.invalid>"):
        headers["In-Reply-To"] = letter.message_id
    # Through the task queue, which keeps it and retries while the mail
    # server is down.
    tasks.send_answer.enqueue(to=to, subject=" ".join(subject.split()), body=body, headers=headers)
