"""The addresses Copse sends from and receives at, all in COPSE_MAIL_DOMAIN.

<slug>@domain               a community: a member's message starts a thread
<slug>+subscribe@domain     ask to join an open community by mail
<slug>+unsubscribe@domain   stop mail from a community
reply+<token>@domain        a reply into a thread, as the token's owner
bounce+<token>@domain       the return path of one outgoing message (VERP)
<base>+<token>@domain       an answer to something, as the token's owner, for a
                            base an app registered in `mailing.answers`
                            (decide+<token>@: a position on a proposal)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from copse.mailing import tokens
from copse.mailing.answers import is_answer_base


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

    kind: str  # "reply", "bounce", "answer", "community", or "unknown"
    token: str = ""
    slug: str = ""
    command: str = ""  # for communities: "", "subscribe" or "unsubscribe"; for answers, the base


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
    if extension not in ("", "subscribe", "unsubscribe") and _is_answer_base(base):
        return Recipient("answer", token=extension, command=base)
    if extension in ("", "subscribe", "unsubscribe"):
        return Recipient("community", slug=base, command=extension)
    return Recipient("unknown")


def _is_answer_base(base: str) -> bool:
    return is_answer_base(base)


def answer_address(base: str, *, user, object_id: int, state: int = 0, version: int) -> str:
    """The personal address that answers object `object_id` (of the app that
    registered `base` in `mailing.answers`), as it was shown in `state`, as
    `user`; raising the person's token version revokes it."""
    token = tokens.answer_token(
        base, user_id=user.pk, object_id=object_id, state=state, version=version
    )
    return f"{base}+{token}@{domain()}"
