"""The SMTP server behind `copse mail-server`: aiosmtpd on a host and port,
taking mail for COPSE_MAIL_DOMAIN only, and handing each message to
`inbound.receive`: 250 when it was handled (refusals included), 554 when
it is over a limit and refused unread, 451 only on internal trouble.

aiosmtpd's handlers are coroutines; Django's database work is synchronous,
so `receive` runs through `sync_to_async(thread_sensitive=True)`: one thread
does all database work, messages are handled one after another, and the
event loop keeps talking SMTP meanwhile.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from copse.mailing import addresses, inbound

log = logging.getLogger("copse.mail")


def _receive(raw: bytes, envelope_from: str, envelope_to: list[str]) -> None:
    close_old_connections()
    try:
        inbound.receive(raw, envelope_from=envelope_from, envelope_to=envelope_to)
    finally:
        # Mail comes now and then: hold no database connection in between.
        connections.close_all()


def _record_oversized(envelope_from: str, envelope_to: list[str], size: int) -> None:
    close_old_connections()
    try:
        inbound.record_oversized(envelope_from=envelope_from, envelope_to=envelope_to, size=size)
    finally:
        connections.close_all()


class InboundHandler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # Not a relay: only addresses in our mail domain. Every local part is
        # accepted here, so nobody learns at RCPT time which communities exist.
        host = address.rpartition("@")[2].lower()
        if host != addresses.domain().lower():
            return "550 5.7.1 Relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):  # pragma: no cover - decode_data is off
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            await sync_to_async(_receive, thread_sensitive=True)(
                raw, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except inbound.Refused as refusal:
            # Over a limit: for good, so the sending server bounces it at once.
            return f"554 5.6.0 Message refused: {refusal}"
        except Exception:
            # Internal trouble: the sending server keeps the message and retries.
            log.exception("inbound: internal error; answered 451 for a retry")
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 OK"


class _SizeRecordingSMTP(SMTP):
    """aiosmtpd answers 552 itself for a message over `data_size_limit` and
    never calls the handler; this records that refusal too. It also keeps
    the message being received in one buffer (see `smtp_DATA`)."""

    async def push(self, status: str):
        envelope = self.envelope
        if status.startswith("552") and envelope is not None:
            # Refused at MAIL FROM (declared SIZE) or after DATA (too much data).
            try:
                await sync_to_async(_record_oversized, thread_sensitive=True)(
                    envelope.mail_from or "", list(envelope.rcpt_tos), self.data_size_limit
                )
            except Exception:
                log.exception("inbound: could not record an oversized message")
        return await super().push(status)

    async def smtp_DATA(self, arg: str) -> None:
        """aiosmtpd's DATA (as in 1.4.6), keeping the message in one buffer
        where aiosmtpd keeps one object per line: about 100 bytes each, so the
        ten megabytes of empty lines the size limit allows would take close to a
        gigabyte before Copse saw them. Answers, limits and the handler call
        are aiosmtpd's."""
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        content = bytearray()
        size = 0
        refusal = ""  # the first reason to refuse; the rest is read and dropped
        in_long_line = False
        while self.transport is not None:
            try:
                line = await self._reader.readuntil(b"\r\n")
            except asyncio.LimitOverrunError as overrun:
                # Longer than the reader holds: drain it, answer once all is read.
                refusal = refusal or "500 Line too long (see RFC5321 4.5.3.1.6)"
                line = await self._reader.read(overrun.consumed)
            if not in_long_line and line == b".\r\n":
                break
            size += len(line)
            if not refusal and self.data_size_limit and size > self.data_size_limit:
                refusal = "552 Error: Too much mail data"
            in_long_line = not line.endswith(b"\r\n")
            if refusal:
                content.clear()
            elif not in_long_line:
                # RFC 5321 4.5.2: a leading dot was doubled by the sender.
                content += memoryview(line)[1:] if line.startswith(b".") else line
        if refusal:
            await self.push(refusal)
            self._set_post_data_state()
            return
        self.envelope.content = self.envelope.original_content = bytes(content)
        del content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)


class InboundController(Controller):
    def factory(self):
        return _SizeRecordingSMTP(self.handler, **self.SMTP_kwargs)


def controller(host: str | None = None, port: int | None = None) -> InboundController:
    """A server ready to `start()` and `stop()`; the size limit is enforced in
    SMTP (552) before a message is read whole."""
    return InboundController(
        InboundHandler(),
        hostname=host or settings.COPSE_MAIL_SERVER_HOST,
        port=port if port is not None else settings.COPSE_MAIL_SERVER_PORT,
        data_size_limit=settings.COPSE_INBOUND_MAX_BYTES,
        server_hostname=addresses.domain(),
    )
