"""Building the messages Copse sends to a community's members.

Every message is multipart text + HTML, threads in mail clients (Message-ID,
In-Reply-To, References), carries the list headers (List-Id, List-Post,
List-Archive, List-Unsubscribe with RFC 8058 one-click), a per-recipient
Reply-To that posts back into the thread, a VERP return path, and the headers
that stop loops with auto-responders (Auto-Submitted, Precedence, X-Loop).

How much of a post travels depends on the community's `ContentLevel`. A
link-only message names the community and nothing else: no title, no text,
no names; the same template is used for its subject and both bodies, so the
words of a confidential thread cannot reach the raw bytes.
"""

from __future__ import annotations

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

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


def list_headers(*, recipient, community, version: int, unsubscribe: str = "") -> dict:
    unsubscribe = unsubscribe or unsubscribe_url(recipient, community, version)
    return {
        "List-Id": f"{community.name} <{list_id(community)}>",
        "List-Post": f"<mailto:{addresses.community_address(community)}>",
        "List-Archive": f"<{settings.BASE_URL}{reverse('conversations:list', args=[community.slug])}>",
        "List-Unsubscribe": (
            f"<{unsubscribe}>, "
            f"<mailto:{addresses.community_address(community, 'unsubscribe')}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "list",
        "Auto-Submitted": "auto-generated",
        "X-Loop": f"copse@{addresses.domain()}",
    }


def post_message(*, post, recipient, version: int, outbox_pk: int) -> EmailMultiAlternatives:
    """One member's copy of a post, at the community's content level."""
    thread = post.thread
    community = thread.community
    level = content_level(community)
    opening_id = f"<copse.post.{_opening_post_pk(thread)}@{addresses.domain()}>"
    context = {
        "post": post,
        "thread": thread,
        "community": community,
        "recipient": recipient,
        "level": level,
        "post_url": settings.BASE_URL + post_path(post),
        "preferences_url": settings.BASE_URL + reverse("mailing:preferences"),
        "unsubscribe_url": unsubscribe_url(recipient, community, version),
    }
    template = "link_only" if level == ContentLevel.LINK_ONLY else "post"
    subject = render_to_string(f"mailing/{template}_subject.txt", context).strip()
    text = render_to_string(f"mailing/{template}.txt", context)
    html = render_to_string(f"mailing/{template}.html", context)
    sender_name = (
        community.name
        if level == ContentLevel.LINK_ONLY or post.author is None
        else f"{post.author.name} via {community.name}"
    )
    headers = {
        "From": formataddr((sender_name, addresses.community_address(community))),
        "Message-ID": post_message_id(post),
        **list_headers(recipient=recipient, community=community, version=version),
    }
    if post.position > 0:
        headers["In-Reply-To"] = opening_id
        headers["References"] = opening_id
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=addresses.bounce_address(outbox_pk),
        to=[recipient.email],
        reply_to=[addresses.reply_address(user=recipient, thread=thread, version=version)],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _opening_post_pk(thread) -> int:
    """Cached on the thread: a fan-out composes the same post for many people."""
    pk = getattr(thread, "_copse_opening_pk", None)
    if pk is None:
        pk = thread.posts.filter(position=0).values_list("pk", flat=True).first()
        thread._copse_opening_pk = pk
    return pk


def post_path(post) -> str:
    thread = post.thread
    path = thread.get_absolute_url()
    if post.position:
        return f"{path}?after={max(-1, post.position - 1)}#post-{post.position}"
    return path
