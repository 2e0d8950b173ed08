"""Notifications that should not wait for a visit go by mail too: meeting
reminders, a place that opened, a moved or cancelled meeting, going in
someone's place, a mention, an announcement to facilitators of a change
of who can read their community, a re-use of an author's library item,
and what members decide together: a proposal asking for one's answer (and
the nudge when it still waits), a proposal closed that needs its outcome
written, the outcome announced, a nomination to accept, a date poll, the
norms due for review; a trust pulse that opened (copse/pulses); and a
facilitator's private nudge to a quiet member (copse/health). Replies and
helpful marks do not: every-message mail
and digests carry those conversations already.

An app above mailing says how its notices are written by registering a
`NoticeMail` for its target model when it starts (`register`): the
templates and, for a notice that asks for an answer, the personal Reply-To
(`mailing.answers`).

A notice is an outbox row naming the notification; like every other row it
is composed at send time, after asking again whether its owner may read
what it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

MAILED_KINDS = {
    "reminder_week",
    "reminder_day",
    "promoted",
    "meeting_changed",
    "delegated",
    "mention",
    # To facilitators: who changed who can read their community.
    "announcement",
    # To authors: someone re-used their library item.
    "reused",
    # Decisions: each asks something of its reader, or is the outcome the
    # issue promises to announce by mail; none can wait for a visit.
    "proposal",
    "proposal_nudge",
    "proposal_closed",
    "decided",
    "nominated",
    "date_poll",
    "norms_review",
    # A trust pulse opened: it asks for an answer within its dates.
    "pulse_opened",
    # A facilitator's private note to a quiet member: read in Copse or by mail.
    "nudge",
}


@dataclass(frozen=True)
class NoticeMail:
    """How an app's notices about one target model are mailed.

    `template` is a prefix: `<template>_subject.txt`, `<template>.txt` and
    `<template>.html` at the full and titles levels, and the same names with
    `_link_only` before the suffix in a confidential community, rendered
    with only the community, the kind and the links, never the target.
    `context(notification, target, level)` adds what the full templates
    need. `reply_to(recipient, notification, target, version)` gives a
    personal answer address, or "" when this notice asks nothing the
    recipient may answer now."""

    template: str
    context: Callable[..., dict] | None = None
    reply_to: Callable[..., str] | None = None


_NOTICE_MAILS: dict[tuple[str, str], NoticeMail] = {}


def register(model: str, mail: NoticeMail, *, kinds: tuple[str, ...] = ("",)) -> None:
    """`model` is "app_label.model_name"; with `kinds`, only notices of those
    kinds (a community is the target of many kinds)."""
    for kind in kinds:
        _NOTICE_MAILS[(model.lower(), kind)] = mail


def registered(notification) -> NoticeMail | None:
    target_type = notification.target_type
    model = f"{target_type.app_label}.{target_type.model}"
    return _NOTICE_MAILS.get((model, notification.kind)) or _NOTICE_MAILS.get((model, ""))


def enqueue_notice(notification) -> bool:
    """Queue the mail for `notification` if it is of a mailed kind."""
    from copse.mailing.models import OutgoingMessage

    if notification.kind not in MAILED_KINDS:
        return False
    OutgoingMessage.objects.create(
        recipient_id=notification.user_id,
        kind=OutgoingMessage.Kind.NOTICE,
        community_id=notification.community_id,
        notification=notification,
        next_attempt_at=timezone.now(),
    )
    return True
