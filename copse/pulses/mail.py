"""How the notice that a pulse opened is mailed (`mailing.notices`).
`register` is called by `PulsesConfig.ready`."""

from __future__ import annotations

from copse.mailing import notices


def opened_context(notification, pulse, level: str) -> dict:
    return {"closes_on": pulse.closes_on, "threshold": pulse.threshold}


def register() -> None:
    notices.register(
        "pulses.pulse",
        notices.NoticeMail(template="pulses/mail/opened", context=opened_context),
    )
