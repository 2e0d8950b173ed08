"""Answering something by replying to its mail, for apps above mailing.

An app registers, when it starts, the local part of its answer addresses and
a handler (`register`): `decide` gives `decide+<token>@domain`, a personal
address that answers one thing as one person. Mailing builds the address
(`addresses.answer_address`), and when mail comes to it, checks everything that is about mail
— the token's signature and version, an active account, a From address that
is the token owner's — before the handler sees the person's words
(`mailing.inbound._answer`). The handler checks the rest through the
permission core and its own services, and says what happened in an
`Answer`; mailing records it and sends the answer mail.

Mailing imports no app that registers here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    """What a handler did with an answer by mail.

    `saved` is False for a refusal: nothing was written. `reason` goes to the
    inbound log and must hold no words of the message or of what it answers.
    `template` names the answer mail (`<template>_subject.txt` and
    `<template>_body.txt`, rendered with `context`), sent only to the token
    owner's own address; empty for no answer."""

    saved: bool
    reason: str
    template: str = ""
    context: dict = field(default_factory=dict)


# (user, object id and state from the token, the text the person wrote) -> Answer
Handler = Callable[..., Answer]

_HANDLERS: dict[str, Handler] = {}


def register(base: str, handler: Handler) -> None:
    """Mail to `<base>+<token>@domain` goes to `handler(user=…, object_id=…,
    state=…, text=…)`. `base` is lower case and is not "reply" or "bounce"."""
    base = base.lower()
    if base in ("reply", "bounce") or not base.isalnum():
        raise ValueError(f"{base!r} cannot be an answer address")
    _HANDLERS[base] = handler


def handler(base: str) -> Handler | None:
    return _HANDLERS.get(base)


def is_answer_base(base: str) -> bool:
    return base in _HANDLERS
