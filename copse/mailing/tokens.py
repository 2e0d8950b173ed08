"""Short signed tokens that travel in email addresses and links.

Reply and bounce tokens live in the local part of an address, which RFC 5321
limits to 64 characters and which some servers lower-case, so they are
lower-case hex: ids, the owner's token version, and a truncated HMAC. Raising
`MailSettings.token_version` revokes every token a person was ever sent.
Unsubscribe tokens travel in URLs and use Django's signing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

MAC_CHARS = 20  # 80 bits


def _mac(kind: str, payload: str) -> str:
    key = hashlib.sha256(f"copse.mailing.{kind}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:MAC_CHARS]


def _pack(kind: str, *numbers: int) -> str:
    payload = ".".join(f"{n:x}" for n in numbers)
    return f"{payload}.{_mac(kind, payload)}"


def _unpack(kind: str, token: str, count: int) -> tuple[int, ...] | None:
    parts = (token or "").lower().split(".")
    if len(parts) != count + 1:
        return None
    payload, mac = ".".join(parts[:-1]), parts[-1]
    if not hmac.compare_digest(mac, _mac(kind, payload)):
        return None
    try:
        return tuple(int(p, 16) for p in parts[:-1])
    except ValueError:
        return None


@dataclass(frozen=True)
class ReplyToken:
    user_id: int
    thread_id: int
    version: int


def reply_token(*, user_id: int, thread_id: int, version: int) -> str:
    return _pack("reply", user_id, thread_id, version)


def read_reply_token(token: str) -> ReplyToken | None:
    """The token's parts if its signature holds; the caller checks the version."""
    numbers = _unpack("reply", token, 3)
    return ReplyToken(*numbers) if numbers else None


@dataclass(frozen=True)
class AnswerToken:
    user_id: int
    object_id: int
    # What the person was shown, as the registering app counts it (for a
    # proposal, its revision): an answer to an older state can be told apart.
    state: int
    version: int


def answer_token(kind: str, *, user_id: int, object_id: int, state: int, version: int) -> str:
    """For an answer address of `kind` (see `mailing.answers`): its own key, so
    a reply token never reads as an answer token, nor one kind as another."""
    return _pack(f"answer.{kind}", user_id, object_id, state, version)


def read_answer_token(kind: str, token: str) -> AnswerToken | None:
    numbers = _unpack(f"answer.{kind}", token, 4)
    return AnswerToken(*numbers) if numbers else None


def bounce_token(message_pk: int) -> str:
    return _pack("bounce", message_pk)


def read_bounce_token(token: str) -> int | None:
    numbers = _unpack("bounce", token, 1)
    return numbers[0] if numbers else None


UNSUBSCRIBE_SALT = "copse.mailing.unsubscribe"


def unsubscribe_token(*, user_id: int, community_id: int, version: int) -> str:
    return signing.dumps({"u": user_id, "c": community_id, "v": version}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


SUBSCRIBE_SALT = "copse.mailing.subscribe"
SUBSCRIBE_MAX_AGE = 7 * 24 * 3600  # a week to confirm


def subscribe_token(*, community_id: int, email: str) -> str:
    """For the link in the confirmation of a `<slug>+subscribe@` message: the
    community and the address that asked, valid for a week."""
    return signing.dumps({"c": community_id, "e": email}, salt=SUBSCRIBE_SALT)


def read_subscribe_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=SUBSCRIBE_SALT, max_age=SUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
