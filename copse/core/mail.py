"""Sending one plain notification email, rendered from templates.

The full email layer (outbox, digests, list headers) comes later; until then
every notification goes through this one function so that layer can replace it.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def send_templated(*, to: str, template: str, context: dict) -> None:
    context = {"base_url": settings.BASE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip().splitlines()[0]
    body = render_to_string(f"{template}_body.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
    )
