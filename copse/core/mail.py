"""Sending one plain notification email, rendered from templates.

The full email layer (outbox, digests, list headers) comes later; until then
every notification goes through this one function so that layer can replace it.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def undeliverable(address: str) -> bool:
    """Addresses in `.invalid` (RFC 2606), which can never be delivered:
    a closed account's stand-in, for one. A task queued before the account
    was closed finds it there and sends nothing."""
    return (address or "").rstrip(".").lower().endswith(".invalid")


def send_templated(*, to: str, template: str, context: dict) -> None:
    if undeliverable(to):
        return
    context = {"base_url": settings.BASE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip().splitlines()[0]
    body = render_to_string(f"{template}_body.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
    )
