"""Helpers for the browser journeys: reading the mail the live server sent,
what a page must look like on a phone, and controls without a name."""

import re
import time

from django.core import mail

PHONE = {"width": 375, "height": 812}

# Every control a person can fill in must be named by a <label> (or ARIA).
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length)
    && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""


def wait_for_mail(to: str, subject_contains: str, timeout: float = 5.0):
    """The message to `to` whose subject contains the words, once it is sent.

    The live server runs in a thread of this process, so with the locmem
    backend its mail lands in this `django.core.mail.outbox`.
    """
    deadline = time.monotonic() + timeout
    while True:
        for message in mail.outbox:
            if to in message.to and subject_contains.lower() in message.subject.lower():
                return message
        if time.monotonic() > deadline:
            sent = [(m.to, m.subject) for m in mail.outbox]
            raise AssertionError(f"No mail to {to} about {subject_contains!r}; sent: {sent}")
        time.sleep(0.05)


def link_in(message, path_prefix: str) -> str:
    """The first link in the message body whose path starts with `path_prefix`."""
    match = re.search(rf"https?://[^\s/]+({re.escape(path_prefix)}\S*)", message.body)
    assert match, f"No {path_prefix} link in:\n{message.body}"
    return match.group(0)


def path_of(url: str) -> str:
    """The path (and query) of an absolute URL, for `page.goto` on the live server."""
    return re.sub(r"^https?://[^/]+", "", url)
