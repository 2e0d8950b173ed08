"""A real SMTP server on loopback for tests: aiosmtpd, collecting what arrives."""

from __future__ import annotations

import email
import email.policy
import socket
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    def __init__(self, refuse=()):
        self.received = []  # (envelope from, envelope to, raw bytes)
        self.peers = []  # (client address and port, envelope to): one port per connection
        self.refuse = set(refuse)  # addresses answered "550" at RCPT

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.peers.append((tuple(session.peer), tuple(envelope.rcpt_tos)))
        return "250 OK"

    def messages(self):
        return [
            email.message_from_bytes(raw, policy=email.policy.default)
            for _, _, raw in self.received
        ]


@contextmanager
def smtp_server(port: int | None = None, refuse=()):
    collector = Collector(refuse)
    controller = Controller(collector, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield collector, controller.port
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 5,
    }
