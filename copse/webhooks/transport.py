"""One HTTP POST to a webhook's target, to an address checked first.

The host name is resolved once (`targets.resolve`, which refuses any
address that is not public unless the site allows them) and the connection
is made to that address: the request still names the host (the Host header)
and, for https, the TLS handshake asks for and verifies the host's name.
Redirects are not followed, the whole exchange has a deadline, and only the
first bytes of the answer are read.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from copse.webhooks import targets

# Bytes of the answer read at most; the rest is never received.
READ_LIMIT = 4096
EXCERPT_LENGTH = 300


class Refused(Exception):
    """Copse does not send to this target (the SSRF guard): not retried."""


class Failed(Exception):
    """The target could not be reached or did not answer in time: retried."""

    def __init__(self, message: str, *, address: str = ""):
        super().__init__(message)
        self.address = address


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str
    address: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to `address` while the request names `host`."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to `address`; TLS names and verifies `host`."""

    def __init__(self, host, port, *, address, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, or the site's own bundle instead
    (COPSE_WEBHOOKS_CA_FILE) for receivers behind an institution's CA."""
    ca_file = settings.COPSE_WEBHOOKS_CA_FILE or None
    return ssl.create_default_context(cafile=ca_file)


def _excerpt(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:EXCERPT_LENGTH]


def _read_some(response, deadline: float, sock) -> bytes:
    received = b""
    while len(received) < READ_LIMIT:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if sock is not None:
            sock.settimeout(left)
        try:
            chunk = response.read1(READ_LIMIT - len(received))
        except (OSError, http.client.HTTPException):
            break
        if not chunk:
            break
        received += chunk
    return received


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` with `headers` (all Copse's own) and give the
    answer, or raise Refused (never retried) or Failed (retried)."""
    timeout = float(settings.COPSE_WEBHOOKS_TIMEOUT_SECONDS)
    try:
        target = targets.parse(url)
        addresses = targets.resolve(target)
    except targets.TargetRefused as refusal:
        raise Refused(refusal.message) from None
    except targets.Unresolvable as error:
        raise Failed(str(error)) from None
    deadline = time.monotonic() + timeout
    last_error: Failed | None = None
    for address in addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(
                target.host, target.port, address=address, timeout=left, context=tls_context()
            )
        else:
            connection = _PinnedHTTPConnection(
                target.host, target.port, address=address, timeout=left
            )
        try:
            try:
                connection.connect()
            except ssl.SSLError as error:
                raise Failed(f"TLS failed: {error.reason or error}", address=address) from None
            except TimeoutError:
                last_error = Failed(f"No connection within {timeout:g} s.", address=address)
                continue
            except OSError as error:
                last_error = Failed(
                    f"Could not connect: {error.strerror or error}", address=address
                )
                continue
            try:
                connection.sock.settimeout(max(deadline - time.monotonic(), 0.001))
                connection.request("POST", target.path, body=body, headers=headers)
                response = connection.getresponse()
                received = _read_some(response, deadline, connection.sock)
            except TimeoutError:
                raise Failed(f"No answer within {timeout:g} s.", address=address) from None
            except (OSError, http.client.HTTPException) as error:
                raise Failed(
                    f"The exchange failed: {type(error).__name__} {error}".strip(),
                    address=address,
                ) from None
            return Answer(status=response.status, excerpt=_excerpt(received), address=address)
        finally:
            connection.close()
    raise last_error or Failed(f"No answer within {timeout:g} s.")
