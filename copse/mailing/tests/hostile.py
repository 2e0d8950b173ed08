"""A corpus of hostile mail: messages built to break a MIME parser, to exhaust
memory, or to make the sending server retry for ever. They are built by code
(some are megabytes), each for a given sender and recipient.

`test_hostile_mail` sends every one through `inbound.receive`, the entry point
of `copse mail-inbound` and `copse mail-server`; the fault suite sends them to
a running `copse mail-server` over SMTP.
"""

from __future__ import annotations

import base64
import functools
import struct
import zlib
from collections.abc import Callable


def _head(sender: str, to: str, name: str, subject: bytes = b"Re: Carriers") -> bytes:
    return (
        b"From: " + sender.encode() + b"\r\n"
        b"To: " + to.encode() + b"\r\n"
        b"Subject: " + subject + b"\r\n"
        b"Message-ID: <hostile." + name.encode() + b"@mail.example.com>\r\n"
        b"MIME-Version: 1.0\r\n"
    )


def unknown_charset(sender: str, to: str) -> bytes:
    """The message from the issue: 223 bytes in a charset nobody knows."""
    return (
        _head(sender, to, "unknown-charset")
        + b"Content-Type: text/plain; charset=x-klingon\r\n\r\nnuqneH, Qapla'\r\n"
    )


def unknown_charset_in_headers(sender: str, to: str) -> bytes:
    return (
        b"From: =?x-klingon?b?SmFuZWl3YXk=?= <" + sender.encode() + b">\r\n"
        b"To: " + to.encode() + b"\r\n"
        b"Subject: =?x-klingon?q?Qapla=27_=E4=F6?= =?utf-8?b?////?=\r\n"
        b"Message-ID: <hostile.unknown-charset-in-headers@mail.example.com>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe subject is in Klingon.\r\n"
    )


def failing_codec(sender: str, to: str) -> bytes:
    """A charset Python knows, whose decoder fails on these bytes whatever it is asked."""
    return (
        _head(sender, to, "failing-codec") + b"Content-Type: text/plain; charset=idna\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nNorthwind \xe4\xff since April.\r\n"
    )


def non_utf8_bytes(sender: str, to: str) -> bytes:
    """Latin-1 bytes where only ASCII belongs, and a NUL (PostgreSQL refuses NUL in text)."""
    return (
        b"From: Mona \xc4rtig <" + sender.encode() + b">\r\n"
        b"To: " + to.encode() + b"\r\n"
        b"Subject: Caf\xe9 \x00 cr\xe8me\r\n"
        b"Message-ID: <hostile.non-utf8\xe9@mail.example.com>\r\n\r\n"
        b"Caf\xe9 cr\xe8me, and a NUL: \x00 here.\r\n"
    )


def non_utf8_from_address(sender: str, to: str) -> bytes:
    local, _, domain = sender.partition("@")
    return (
        b"From: " + local.encode() + b"\xe9@" + domain.encode() + b"\r\n"
        b"To: " + to.encode() + b"\r\n"
        b"Subject: accent in the address\r\n"
        b"Message-ID: <hostile.non-utf8-from@mail.example.com>\r\n\r\nHello\r\n"
    )


def no_from(sender: str, to: str) -> bytes:
    return (
        b"To: " + to.encode() + b"\r\nSubject: nobody\r\n"
        b"Message-ID: <hostile.no-from@mail.example.com>\r\n\r\nWho wrote this?\r\n"
    )


def unterminated_boundary(sender: str, to: str) -> bytes:
    return (
        _head(sender, to, "unterminated-boundary")
        + b'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'
        b"--outer\r\nContent-Type: text/plain\r\n\r\nThe closing line never comes.\r\n"
        b"--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
        b"--inner\r\nContent-Type: text/html\r\n\r\n<p>half\r\n"
    )


def unused_boundary(sender: str, to: str) -> bytes:
    return (
        _head(sender, to, "unused-boundary")
        + b'Content-Type: multipart/mixed; boundary="never-used"\r\n\r\n'
        b"A body with no parts at all.\r\n--something-else\r\n\r\nStill not it.\r\n"
    )


def ten_thousand_headers(sender: str, to: str) -> bytes:
    fields = b"".join(b"X-Filler-%d: value\r\n" % n for n in range(10_000))
    return _head(sender, to, "ten-thousand-headers") + fields + b"\r\nHello\r\n"


def encoded_words(sender: str, to: str, count: int = 50_000) -> bytes:
    """A From whose name is `count` RFC 2047 encoded words, one per folded
    line (as SMTP allows): Python's header parser needs memory that grows
    with the square of their number (1.1 MB with 50,000 words reached 21 GB),
    and every message's From is read."""
    name = b"\r\n ".join([b"=?utf-8?q?=C3=A4_?="] * count)
    return (
        b"From: " + name + b"\r\n <" + sender.encode() + b">\r\n"
        b"To: " + to.encode() + b"\r\n"
        b"Subject: Re: Carriers\r\n"
        b"Message-ID: <hostile.encoded-words-%d@mail.example.com>\r\n\r\nHello\r\n" % count
    )


def deeply_nested_messages(sender: str, to: str, depth: int = 1_000) -> bytes:
    inner = b"From: someone@example.org\r\nSubject: the innermost\r\n\r\nDown here.\r\n"
    for _ in range(depth):
        inner = b"Content-Type: message/rfc822\r\n\r\n" + inner
    return (
        _head(sender, to, f"nested-{depth}")
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nA forward of a forward of a forward.\r\n"
        b"--b\r\n" + inner + b"\r\n--b--\r\n"
    )


def _zip_of(name: str, size: int) -> bytes:
    """A zip archive holding one file of `size` zero bytes. The deflate
    stream repeats one block compressed without history, so building it
    costs no more than its own few hundred kilobytes."""
    chunk = b"\0" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size // len(chunk)
    data = block * count + b"\x03\x00"  # an empty final block ends the stream
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    size = count * len(chunk)
    file_name = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(file_name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(file_name), 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    directory_at = len(local) + len(file_name) + len(data)
    directory = central + file_name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), directory_at, 0)
    return local + file_name + data + directory + end


@functools.cache
def zip_bomb() -> bytes:
    """A .docx of a few hundred kilobytes that unpacks to 256 MB."""
    return _zip_of("word/document.xml", 256 << 20)


def zip_bomb_attached(sender: str, to: str) -> bytes:
    encoded = base64.encodebytes(zip_bomb()).replace(b"\n", b"\r\n")
    return (
        _head(sender, to, "zip-bomb") + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe minutes, attached.\r\n"
        b"--b\r\nContent-Type: application/vnd.openxmlformats-officedocument"
        b".wordprocessingml.document\r\n"
        b'Content-Disposition: attachment; filename="minutes.docx"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--b--\r\n"
    )


def over_long_line(sender: str, to: str) -> bytes:
    return (
        _head(sender, to, "over-long-line")
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + b"word " * 200_000
        + b"\r\n"
    )


def many_mime_parameters(sender: str, to: str) -> bytes:
    """Parts whose Content-Type carries a thousand bytes of parameters: each
    costs the parser time on every one of the many times it reads it."""
    parameters = b"".join(b"; p%d=v" % n for n in range(140))
    parts = b"".join(
        b"--b\r\nContent-Type: text/plain" + parameters + b"\r\n\r\npart\r\n" for _ in range(200)
    )
    return (
        _head(sender, to, "many-mime-parameters")
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        + parts
        + b"--b--\r\n"
    )


def delivery_report_blocks(sender: str, to: str) -> bytes:
    """A delivery report of ten thousand header blocks: the parser makes a
    message of each."""
    blocks = b"".join(b"Status: 5.1.%d\r\n\r\n" % (n % 10) for n in range(10_000))
    return (
        _head(sender, to, "delivery-report-blocks")
        + b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\n" + blocks + b"--b--\r\n"
    )


def a_million_lines(sender: str, to: str) -> bytes:
    return (
        _head(sender, to, "a-million-lines")
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\n'
        + b"\r\n" * 1_000_000
        + b"--b--\r\n"
    )


def nested_comments_in_from(sender: str, to: str) -> bytes:
    """Comments inside comments: the header parser recurses once per level."""
    return _head(sender, to, "nested-comments").replace(
        b"From: ", b"From: " + b"(" * 2_000 + b")" * 2_000 + b" ", 1
    ) + (b"\r\nHello\r\n")


# name -> (builder, what Copse decides when a member sends it to their reply address)
CORPUS: dict[str, tuple[Callable[[str, str], bytes], str]] = {
    "unknown-charset": (unknown_charset, "posted"),
    "unknown-charset-in-headers": (unknown_charset_in_headers, "posted"),
    "failing-codec": (failing_codec, "posted"),
    "non-utf8-bytes": (non_utf8_bytes, "posted"),
    "non-utf8-from-address": (non_utf8_from_address, "malformed"),
    "no-from": (no_from, "malformed"),
    "unterminated-boundary": (unterminated_boundary, "posted"),
    "unused-boundary": (unused_boundary, "refused"),
    "ten-thousand-headers": (ten_thousand_headers, "refused unread"),
    "fifty-thousand-encoded-words": (encoded_words, "refused unread"),
    "deeply-nested-messages": (deeply_nested_messages, "refused unread"),
    "nested-messages": (functools.partial(deeply_nested_messages, depth=5), "posted"),
    "zip-bomb-attached": (zip_bomb_attached, "posted"),
    "over-long-line": (over_long_line, "refused"),
    "many-mime-parameters": (many_mime_parameters, "refused unread"),
    "delivery-report-blocks": (delivery_report_blocks, "refused unread"),
    "a-million-lines": (a_million_lines, "refused unread"),
    "nested-comments-in-from": (nested_comments_in_from, "malformed"),
}
