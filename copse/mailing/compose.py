"""Building the messages Copse sends to a community's members.

Every message is multipart text + HTML, threads in mail clients (Message-ID,
In-Reply-To, References), carries the list headers (List-Id, List-Post,
List-Archive, List-Unsubscribe with RFC 8058 one-click), a per-recipient
Reply-To that posts back into the thread, a VERP return path, and the headers
that stop loops with auto-responders (Auto-Submitted, Precedence, X-Loop).

How much of a post travels depends on the community's `ContentLevel`, kept
at the confidential level for threads written while the community was
confidential (`thread_content_level`). A
link-only message names the community and nothing else: no title, no text,
no names; the same template is used for its subject and both bodies, so the
words of a confidential thread cannot reach the raw bytes.

Each message is written in its recipient's language (`Personal.language`,
from `copse.core.languages.language_of`): one post sent to many people is
rendered once per language, and each copy is written as its reader chose.

A post's files (attached on the web or by mail) never travel by mail: at
the full level the message names them, with their type and size, and they
are downloaded in Copse, where the permission core is asked each time.
Titles-only and link-only messages do not mention them.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from copse.core import permissions
from copse.core.languages import language_of
from copse.core.markdown import plain_text
from copse.mailing import addresses, tokens
from copse.mailing.models import CommunityMailPolicy, ContentLevel


def content_level(community) -> str:
    """The community's choice, or the default for its visibility."""
    policy = getattr(community, "_copse_mail_policy", None)
    if policy is None:
        policy = CommunityMailPolicy.objects.filter(community=community).first() or False
        community._copse_mail_policy = policy
    if policy:
        return policy.content
    if community.visibility == "confidential":
        return ContentLevel.LINK_ONLY
    return ContentLevel.FULL


def thread_content_level(thread) -> str:
    """How much of `thread` its mail carries: its community's level, kept at
    the confidential one for a thread written while the community was
    confidential (the permission core decides: `mail_content_level`)."""
    return permissions.mail_content_level(thread, content_level(thread.community))


def subject_line(rendered: str) -> str:
    """A rendered subject template as one line of plain text: the titles it
    names may carry Markdown (`**`, `#`), which no mail client renders."""
    return plain_text(rendered, one_line=True)


def post_message_id(post) -> str:
    """The same for every recipient's copy, so replies thread together."""
    return f"<copse.post.{post.pk}@{addresses.domain()}>"


def list_id(community) -> str:
    return f"{community.slug}.{addresses.domain()}"


def unsubscribe_url(recipient, community, version: int) -> str:
    token = tokens.unsubscribe_token(
        user_id=recipient.pk, community_id=community.pk, version=version
    )
    return settings.BASE_URL + reverse("mailing:unsubscribe", kwargs={"token": token})


def list_headers(*, community, unsubscribe: str) -> dict:
    return {
        "List-Id": f"{community.name} <{list_id(community)}>",
        "List-Post": f"<mailto:{addresses.community_address(community)}>",
        "List-Archive": f"<{settings.BASE_URL}{reverse('conversations:list', args=[community.slug])}>",
        "List-Unsubscribe": (
            f"<{unsubscribe}>, <mailto:{addresses.community_address(community, 'unsubscribe')}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "list",
        "Auto-Submitted": "auto-generated",
        "X-Loop": f"copse@{addresses.domain()}",
    }


@dataclass(frozen=True)
class Personal:
    """The parts of a message that differ from one recipient to the next."""

    to: str
    unsubscribe: str
    bounce: str  # the envelope sender (VERP); never in the message itself
    reply_to: str = ""
    message_id: str = ""  # only digests have one message id per recipient
    # The language the message is written in; "" for the one active now.
    language: str = ""


def speaking(personal: Personal):
    """Write what is rendered inside in the language `personal` names."""
    if not personal.language:
        return contextlib.nullcontext()
    return translation.override(personal.language)


def personal_for(*, recipient, community, version: int, outbox_pk: int, thread=None) -> Personal:
    return Personal(
        to=recipient.email,
        unsubscribe=unsubscribe_url(recipient, community, version),
        bounce=addresses.bounce_address(outbox_pk),
        reply_to=(
            addresses.reply_address(user=recipient, thread=thread, version=version)
            if thread is not None
            else ""
        ),
        message_id=f"<copse.digest.{outbox_pk}@{addresses.domain()}>",
        language=language_of(recipient),
    )


def new_marks() -> Personal:
    """Stand-ins for the personal parts of a message built once for many
    people (`stamp`), made afresh for each rendering.

    Each holds a random nonce that never leaves this process (every copy has
    them replaced), so text a member wrote, which was saved before the
    rendering, cannot contain them: filling in a copy never rewrites what
    members wrote. They are built of characters no encoding step changes.
    """
    nonce = secrets.token_hex(16)
    return Personal(
        to=f"copse-to-{nonce}@mark.invalid",
        unsubscribe=f"https://mark.invalid/copse-unsubscribe-{nonce}/",
        bounce=f"copse-bounce-{nonce}@mark.invalid",
        reply_to=f"copse-reply-{nonce}@mark.invalid",
        message_id=f"<copse-id-{nonce}@mark.invalid>",
    )


def _library_links(post):
    from copse.library.selectors import mailed_links

    return mailed_links(post)


def post_message(*, post, personal: Personal) -> EmailMultiAlternatives:
    """A post at its community's content level, addressed by `personal`, in
    its language."""
    with speaking(personal):
        return _post_message(post=post, personal=personal)


def _post_message(*, post, personal: Personal) -> EmailMultiAlternatives:
    thread = post.thread
    community = thread.community
    level = thread_content_level(thread)
    opening_id = f"<copse.post.{_opening_post_pk(thread)}@{addresses.domain()}>"
    context = {
        "post": post,
        "thread": thread,
        "community": community,
        "level": level,
        "kept_confidential": level != content_level(community),
        "post_url": settings.BASE_URL + post_path(post),
        "base_url": settings.BASE_URL,
        "preferences_url": settings.BASE_URL + reverse("mailing:preferences"),
        "unsubscribe_url": personal.unsubscribe,
        # A file's name is content: only at the level that carries the text.
        "files": list(post.attachments.all()) if level == ContentLevel.FULL else [],
        # So is a linked library item's title: at that level too, and only
        # the items every receiver reads (library.selectors.mailed_links).
        "library_links": _library_links(post) if level == ContentLevel.FULL else None,
    }
    template = "link_only" if level == ContentLevel.LINK_ONLY else "post"
    subject = render_to_string(f"mailing/{template}_subject.txt", context).strip()
    text = render_to_string(f"mailing/{template}.txt", context)
    html = render_to_string(f"mailing/{template}.html", context)
    sender_name = (
        community.name
        if level == ContentLevel.LINK_ONLY or post.author is None
        else gettext("%(author)s via %(community)s")
        % {"author": post.author.name, "community": community.name}
    )
    headers = {
        "From": formataddr((sender_name, addresses.community_address(community))),
        "Message-ID": post_message_id(post),
        **list_headers(community=community, unsubscribe=personal.unsubscribe),
    }
    if post.position > 0:
        headers["In-Reply-To"] = opening_id
        headers["References"] = opening_id
    message = EmailMultiAlternatives(
        subject=subject_line(subject),
        body=text,
        from_email=personal.bounce,
        to=[personal.to],
        reply_to=[personal.reply_to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def notice_message(*, notification, target, personal: Personal, tz) -> EmailMultiAlternatives:
    """A notification that should not wait for a visit (a meeting reminder, a
    place that opened, a mention), at its community's content level, with
    dates in the recipient's time zone and words in their language."""
    with speaking(personal):
        return _notice_message(notification=notification, target=target, personal=personal, tz=tz)


def _notice_message(*, notification, target, personal: Personal, tz) -> EmailMultiAlternatives:
    from django.utils import timezone

    from copse.mailing import notices

    mail = notices.registered(notification)
    if mail is not None:
        return _registered_notice(
            mail, notification=notification, target=target, personal=personal, tz=tz
        )
    community = notification.community
    thread = getattr(target, "thread", None)  # a post's; meetings have none
    level = content_level(community) if thread is None else thread_content_level(thread)
    context = {
        "notification": notification,
        "label": notification.get_kind_display(),
        "target": target,
        "is_meeting": notification.is_about_meeting,
        "is_library_item": notification.is_about_library_item,
        "community": community,
        "level": level,
        "kept_confidential": level != content_level(community),
        "zone": getattr(tz, "key", "UTC"),
        "url": settings.BASE_URL + reverse("notifications:open", args=[notification.pk]),
        "preferences_url": settings.BASE_URL + reverse("mailing:preferences"),
        "unsubscribe_url": personal.unsubscribe,
    }
    template = "notice_link_only" if level == ContentLevel.LINK_ONLY else "notice"
    if notification.is_announcement:
        # Who did what to which membership or setting; at link-only, not even that.
        from copse.memberships.announcements import sentence

        context["sentence"] = sentence(target)
        template = template.replace("notice", "announcement")
    with timezone.override(tz):
        subject = render_to_string(f"mailing/{template}_subject.txt", context)
        text = render_to_string(f"mailing/{template}.txt", context)
        html = render_to_string(f"mailing/{template}.html", context)
    headers = {
        "From": formataddr((community.name, _noreply_address())),
        **list_headers(community=community, unsubscribe=personal.unsubscribe),
    }
    headers["Auto-Submitted"] = "auto-generated"
    message = EmailMultiAlternatives(
        subject=subject_line(subject),
        body=text,
        from_email=personal.bounce,
        to=[personal.to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _registered_notice(
    mail, *, notification, target, personal: Personal, tz
) -> EmailMultiAlternatives:
    """A notice an app registered (`notices.NoticeMail`). At link-only the
    templates get the community, the kind and the links, never the target,
    so nothing it holds can reach the bytes."""
    from django.utils import timezone

    community = notification.community
    level = content_level(community)
    context = {
        "notification_kind": notification.kind,
        "label": notification.get_kind_display(),
        "community": community,
        "level": level,
        "zone": getattr(tz, "key", "UTC"),
        "url": settings.BASE_URL + reverse("notifications:open", args=[notification.pk]),
        "preferences_url": settings.BASE_URL + reverse("mailing:preferences"),
        "unsubscribe_url": personal.unsubscribe,
        "answer_by_reply": bool(personal.reply_to),
    }
    template = mail.template
    if level == ContentLevel.LINK_ONLY:
        template += "_link_only"
    else:
        context["notification"] = notification
        context["target"] = target
        if mail.context is not None:
            with timezone.override(tz):
                context.update(mail.context(notification, target, level))
    with timezone.override(tz):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    headers = {
        "From": formataddr((community.name, _noreply_address())),
        **list_headers(community=community, unsubscribe=personal.unsubscribe),
    }
    message = EmailMultiAlternatives(
        subject=subject_line(subject),
        body=text,
        from_email=personal.bounce,
        to=[personal.to],
        # A notice that asks for an answer takes it at a personal address;
        # any other reply goes to the site's address and starts nothing.
        reply_to=[personal.reply_to] if personal.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _noreply_address() -> str:
    """Notices come from the site's own address: a reply to one must not
    start a thread in the community."""
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


@dataclass(frozen=True)
class Stamped:
    """A message serialized once with `marks` in it, ready to be filled in."""

    data: bytes
    subject: str
    message_id: str
    marks: Personal


def stamp(message: EmailMultiAlternatives, marks: Personal) -> Stamped | None:
    """The message (addressed by `marks`) as bytes with the marks still
    findable, or None when an encoding step (quoted-printable, base64,
    folding) could have cut one, in which case each copy must be composed on
    its own."""
    data = message_bytes(message)
    if b"quoted-printable" in data or b"Content-Transfer-Encoding: base64" in data:
        return None
    sources = [
        message.body,
        *(content for content, _ in message.alternatives),
        *message.to,
        *message.reply_to,
        *(str(value) for value in message.extra_headers.values()),
    ]
    for mark in (marks.to, marks.unsubscribe, marks.reply_to, marks.message_id):
        if data.count(mark.encode()) != sum(source.count(mark) for source in sources):
            return None
    return Stamped(data, message.subject, message.extra_headers.get("Message-ID", ""), marks)


def fill(stamped: Stamped, personal: Personal) -> bytes:
    """One person's copy: only this rendering's own marks are replaced, and
    no text written before the rendering can hold them."""
    data = stamped.data
    marks = stamped.marks
    for mark, value in (
        (marks.to, personal.to),
        (marks.unsubscribe, personal.unsubscribe),
        (marks.reply_to, personal.reply_to),
        (marks.message_id, personal.message_id),
    ):
        data = data.replace(mark.encode(), value.encode())
    return data


def message_bytes(message: EmailMultiAlternatives) -> bytes:
    return message.message().as_bytes(linesep="\r\n")


def _opening_post_pk(thread) -> int:
    """Cached on the thread: a fan-out composes the same post for many people."""
    pk = getattr(thread, "_copse_opening_pk", None)
    if pk is None:
        pk = thread.posts.filter(position=0).values_list("pk", flat=True).first()
        thread._copse_opening_pk = pk
    return pk


def post_path(post) -> str:
    """The page of the thread that holds `post`, scrolled to it (the opening
    post: the thread itself)."""
    if post.position:
        return post.get_absolute_url()
    return post.thread.get_absolute_url()
