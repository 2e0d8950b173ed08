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
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from copse.accounts.identity import normalize_email
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.storage import files_removed_on_failure
from copse.mailing import addresses, attachments, quoting, services, tasks, tokens
from copse.mailing.models import HeldMessage, InboundMessage, MailSettings, OutgoingMessage

log = logging.getLogger("copse.mail")
Outcome = InboundMessage.Outcome

# Answers to refusals per sender and hour, against backscatter to forged senders.
ANSWERS_PER_HOUR = 5
# A message to several Copse addresses does one thing: a reply address wins
# over a community address (a "reply all" to list mail reaches both).
_PRIORITY = {"bounce": 0, "reply": 1, "community": 2, "unknown": 3}
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
_POST_REFERENCE = re.compile(r"<copse\.post\.(\d+)@([^>]+)>")


@dataclass
class Letter:
    """What was read from the raw bytes; `message` is None when unreadable."""

    raw: bytes
    message: EmailMessage | None
    message_id: str
    sender: str = ""  # the From address, normalised; empty when missing
    problem: str = ""  # why the message is malformed, if it is


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
    """Handle one message for each of its envelope recipients."""
    letter = read(raw)
    envelope_from = _bare(envelope_from)
    recipients = sorted(
        dict.fromkeys(_bare(to) for to in envelope_to if _bare(to)),
        key=lambda to: _PRIORITY[addresses.parse_recipient(to).kind],
    )
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


# --- Reading ---------------------------------------------------------------------------


def _bare(address: str | None) -> str:
    return (address or "").strip().strip("<>").strip()


def _synthetic_id(raw: bytes) -> str:
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@synthetic.invalid>"


def read(raw: bytes) -> Letter:
    """Parse with the standard library; never raises."""
    # An oversized message is refused unread; only its headers are parsed.
    headers_only = len(raw) > settings.COPSE_INBOUND_MAX_BYTES
    parser = email.parser.BytesParser(_class=EmailMessage, policy=email.policy.default)
    try:
        message = parser.parsebytes(raw, headersonly=headers_only)
        message_id = str(message.get("Message-ID") or "").strip()
    except Exception:  # any parse failure means malformed
        return Letter(raw, None, _synthetic_id(raw), problem="cannot be parsed")
    if not message_id or len(message_id) > 240:
        message_id = _synthetic_id(raw)
    letter = Letter(raw, message, message_id)
    try:
        if not message.keys():
            letter.problem = "no headers"
            return letter
        found = message["From"].addresses if message["From"] is not None else ()
    except Exception:  # a header the policy cannot read
        letter.problem = "unreadable From header"
        return letter
    if len(found) != 1 or "@" not in (found[0].addr_spec or ""):
        letter.problem = "no single From address"
        return letter
    letter.sender = normalize_email(found[0].addr_spec)
    return letter


def _is_automatic(letter: Letter, envelope_from: str) -> str:
    """Why the message looks machine-made (RFC 3834 and common practice), or ""."""
    message = letter.message
    if not envelope_from:
        return "empty return path"
    if message is None:
        return ""
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted[:40]}"
    if str(message.get("Precedence", "")).strip().lower() in _AUTOMATIC_PRECEDENCE:
        return "Precedence: " + str(message.get("Precedence")).strip().lower()
    for header in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if message.get(header) is not None:
            return f"{header} header"
    if any(
        str(loop).strip().lower() == f"copse@{addresses.domain()}".lower()
        for loop in message.get_all("X-Loop", [])
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


def text_of(message: EmailMessage) -> str:
    """The body as plain text: the text part, or the HTML part made text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        return quoting.html_to_text(content)
    if str(part.get_param("format", "")).lower() == "flowed":
        return _unflow(content, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return content


def files_of(message: EmailMessage) -> list[attachments.File]:
    """Attachments with a file name, each checked against the allowlist."""
    files = []
    for part in message.iter_attachments():
        name = part.get_filename()
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
        row.reason = decision.reason[:300]
        row.user = decision.user
        row.post = decision.post
        if decision.keep_raw:
            row.raw = _raw_text(letter.raw)
        row.save()
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
        _send(letter, *decision.answer)
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


def _content(letter: Letter, *, fall_back_to_whole: bool):
    """(body, kept files, refused files). A new thread falls back to the
    untrimmed text when trimming leaves nothing (a forward without comment)."""
    text = text_of(letter.message)
    body = quoting.trim(text)
    if not body and fall_back_to_whole:
        body = text.strip()
    kept, refused = attachments.sort(files_of(letter.message))
    if not body and kept:
        body = "Attached: " + ", ".join(file.name for file in kept)
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
    body, kept, refused = _content(letter, fall_back_to_whole=False)
    if not body:
        return _refuse(letter, envelope_from, "nothing written", user)
    post = post_reply(actor=user, thread=thread, body=body)
    return _posted(letter, envelope_from, user, post, kept, refused, "reply")


def _replied_thread(letter: Letter, community):
    """The thread a message answers, when it quotes one of our posts' ids in
    In-Reply-To or References (someone answered the list's From address)."""
    from copse.conversations.models import Post

    mentioned = " ".join(
        str(letter.message.get(header, "")) for header in ("In-Reply-To", "References")
    )
    ids = [
        int(pk)
        for pk, host in _POST_REFERENCE.findall(mentioned)
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
        body, kept, refused = _content(letter, fall_back_to_whole=False)
    else:
        if not permissions.may_start_thread(user, community, "discussion"):
            return _refuse(letter, envelope_from, "may not start a thread here", user)
        body, kept, refused = _content(letter, fall_back_to_whole=True)
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
    title = " ".join(str(letter.message.get("Subject", "")).split())[:200] or "(no subject)"
    thread = start_thread(
        actor=user, community=community, kind="discussion", title=title, body=body
    )
    post = thread.posts.get(position=0)
    return _posted(letter, envelope_from, user, post, kept, refused, how + "new thread")


# --- Who sent it -----------------------------------------------------------------------------


def _without_comments(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, re.sub(r"\([^()]*\)", " ", text)
    return " ".join(re.sub(r"\s*=\s*", "=", text).split())


def trusted_results(message: EmailMessage) -> str | None:
    """The topmost Authentication-Results header (RFC 8601) that a server
    named in COPSE_MAIL_TRUSTED_AUTHSERV_IDS added, without comments; None
    when there is none. Mail servers add theirs on top, so one further down
    (or from any other id) may have been written by the sender."""
    trusted = {name.lower() for name in settings.COPSE_MAIL_TRUSTED_AUTHSERV_IDS}
    if not trusted:
        return None
    try:
        values = [str(value) for value in message.get_all("Authentication-Results", [])]
    except Exception:  # a header the policy cannot read counts as absent
        return None
    for value in values:
        text = _without_comments(value)
        words = text.split(";", 1)[0].split()
        if words and words[0].lower() in trusted:
            return text
    return None


def dmarc_passed(letter: Letter) -> bool:
    """Whether the trusted server says DMARC passed for the From domain."""
    text = trusted_results(letter.message) if letter.message is not None else None
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
    letter = read(bytes(held.raw))
    if letter.message is None:
        return ""
    return " ".join(str(letter.message.get("Subject", "")).split())[:200]


def confirm_held(*, viewer, held: HeldMessage):
    """Post a held message for the person it names: the link proves they
    read mail at that address. Someone else signed in cannot use it. Posted
    once; the stored copy goes either way."""
    if viewer.is_authenticated and viewer.pk != held.user_id:
        raise services.NotAllowed(
            "This link is for another account. Sign out, then open the link again."
        )
    with files_removed_on_failure(), transaction.atomic():
        locked = HeldMessage.objects.select_for_update().filter(pk=held.pk).first()
        if locked is None:
            raise UserFacingError("This message was already posted or is no longer kept.")
        letter = read(bytes(locked.raw))
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
        locked.delete()
    log.info("inbound %s confirmed outcome=%s post=%s", row.pk, row.outcome, row.post_id)
    if decision.outcome != Outcome.POSTED:
        raise UserFacingError(
            f"Your message could not be posted in {community.name}: you may no longer "
            "write there, or there was nothing to post."
        )
    return decision.post


def forget_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Delete held messages nobody confirmed in time."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.COPSE_MAIL_HOLD_DAYS)
    deleted, _ = HeldMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted


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
            status = str(block.get("Status", "")).strip()
            if re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", status):
                final = str(block.get("Final-Recipient", "")).split(";")[-1].strip()
                diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
                return status, final, diagnostic
    return None


def _bounce(letter: Letter, target) -> Decision:
    pk = tokens.read_bounce_token(target.token)
    if pk is None:
        return Decision(Outcome.REFUSED, "forged bounce address")
    sent = OutgoingMessage.objects.select_related("recipient").filter(pk=pk).first()
    if sent is None:
        return Decision(Outcome.BOUNCE, "bounce for a message no longer in the outbox")
    user = sent.recipient
    found = delivery_status(letter.message)
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


def _send(letter: Letter, to: str, template: str, context: dict) -> None:
    context = {"base_url": settings.BASE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}_body.txt", context)
    headers = {
        "Auto-Submitted": "auto-replied",
        "X-Loop": f"copse@{addresses.domain()}",
        "Message-ID": make_msgid(domain=addresses.domain()),
    }
    original = letter.message.get("Message-ID") if letter.message is not None else None
    if original:
        headers["In-Reply-To"] = str(original).strip()[:240]
    # Through the task queue, which keeps it and retries while the mail
    # server is down.
    tasks.send_answer.enqueue(to=to, subject=" ".join(subject.split()), body=body, headers=headers)
