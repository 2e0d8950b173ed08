"""How a nudge goes by mail (`mailing.notices`): from the community, to the
member alone. In full, it carries the facilitator's words; at the titles
level who wrote, not what; in a confidential community (link-only) only
that a note is waiting, and the link to read it in Copse.

`register` is called by `HealthConfig.ready`."""

from __future__ import annotations

from copse.mailing import notices
from copse.mailing.models import ContentLevel


def nudge_context(notification, nudge, level: str) -> dict:
    return {
        "sender": nudge.sent_by,
        "body": nudge.body if level == ContentLevel.FULL else "",
    }


def register() -> None:
    notices.register(
        "health.nudge", notices.NoticeMail(template="health/mail/nudge", context=nudge_context)
    )
