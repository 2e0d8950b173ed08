"""A real HTTP receiver on loopback for the webhook tests: it records every
request and checks each signature with its own HMAC code, written here from
docs/webhooks.md and not from Copse's."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    method: str
    path: str
    headers: dict  # name -> value, as received (names as sent)
    header_names: list
    body: bytes
    server_name: str | None = None

    @property
    def json(self) -> dict:
        return json.loads(self.body)


def signature_is_valid(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does: split `t=` and every `v1=`, recompute the HMAC of
    "<t>.<body>", compare in constant time, refuse an old timestamp."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for key, value in parts if key == "t"]
    candidates = [value for key, value in parts if key == "v1"]
    if len(timestamps) != 1 or not timestamps[0].isdigit() or not candidates:
        return False
    if abs(time.time() - int(timestamps[0])) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), timestamps[0].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


@dataclass
class Script:
    """What the receiver answers, one entry per request, the last repeated:
    (status, body, seconds to wait before answering, extra headers)."""

    answers: list = field(default_factory=lambda: [(200, b"ok", 0.0, {})])

    def next(self, number: int):
        return self.answers[min(number, len(self.answers) - 1)]


class Receiver:
    def __init__(self, *, tls_context: ssl.SSLContext | None = None, host: str = "127.0.0.1"):
        self.received: list[Received] = []
        self.script = Script()
        self._lock = threading.Lock()
        self._server_names: list = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                with receiver._lock:
                    number = len(receiver.received)
                    receiver.received.append(
                        Received(
                            method="POST",
                            path=self.path,
                            headers={name: value for name, value in self.headers.items()},
                            header_names=list(self.headers.keys()),
                            body=body,
                            server_name=receiver._server_names[-1]
                            if receiver._server_names
                            else None,
                        )
                    )
                status, answer, delay, extra = receiver.script.next(number)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in extra.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        server_class = http.server.ThreadingHTTPServer
        if ":" in host:

            class SixServer(http.server.ThreadingHTTPServer):
                address_family = socket.AF_INET6

            server_class = SixServer
        self.server = server_class((host, 0), Handler)
        self.server.daemon_threads = True
        if tls_context is not None:

            def remember(sock, server_name, context):
                self._server_names.append(server_name)

            tls_context.sni_callback = remember
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/hooks/copse", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def answer(self, *answers) -> None:
        """Each answer a status, or (status, body, delay, headers)."""
        self.script = Script([a if isinstance(a, tuple) else (a, b"", 0.0, {}) for a in answers])
