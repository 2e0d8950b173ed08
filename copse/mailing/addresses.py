"""The addresses Copse sends from and receives at, all in COPSE_MAIL_DOMAIN.

<slug>@domain               a community: a member's message starts a thread
<slug>+subscribe@domain     ask to join an open community by mail
<slug>+unsubscribe@domain   stop mail from a community
reply+<token>@domain        a reply into a thread, as the token's owner
bounce+<token>@domain       the return path of one outgoing message (VERP)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from copse.mailing import tokens


def domain() -> str:
    return settings.COPSE_MAIL_DOMAIN


def community_address(community, command: str = "") -> str:
    local = f"{community.slug}+{command}" if command else community.slug
    return f"{local}@{domain()}"


def reply_address(*, user, thread, version: int) -> str:
    token = tokens.reply_token(user_id=user.pk, thread_id=thread.pk, version=version)
    return f"reply+{token}@{domain()}"


def bounce_address(message_pk: int) -> str:
    return f"bounce+{tokens.bounce_token(message_pk)}@{domain()}"


@dataclass(frozen=True)
class Recipient:
    """What an incoming envelope recipient asks for."""

    kind: str  # "reply", "bounce", "community", or "unknown"
    token: str = ""
    slug: str = ""
    command: str = ""  # for communities: "", "subscribe" or "unsubscribe"


def parse_recipient(address: str) -> Recipient:
    local, _, host = (address or "").strip().strip("<>").rpartition("@")
    if not local or host.lower() != domain().lower():
        return Recipient("unknown")
    local = local.lower()
    base, _, extension = local.partition("+")
    if base == "reply" and extension:
        return Recipient("reply", token=extension)
    if base == "bounce" and extension:
        return Recipient("bounce", token=extension)
    if extension in ("", "subscribe", "unsubscribe"):
        return Recipient("community", slug=base, command=extension)
    return Recipient("unknown")
