"""`copse mail-inbound`: take one message on standard input, as a mail
server's pipe delivers it (Postfix: `pipe` with `user=… argv=copse mail-inbound`).

The envelope comes from the options, else from the environment Postfix's
pipe sets (SENDER, ORIGINAL_RECIPIENT or RECIPIENT), else from the message's
own headers (Return-Path or From; Delivered-To or To). Exit status 0 means handled,
refused included; 65 (EX_DATAERR) means refused unread, for good (over one of
the limits of `inbound.screen`: the mail server bounces it); 75 (EX_TEMPFAIL)
means try again later.
"""

import email.parser
import email.policy
import email.utils
import logging
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from copse.mailing import inbound

EX_DATAERR = 65
EX_TEMPFAIL = 75
log = logging.getLogger("copse.mail")


def envelope_from_headers(raw: bytes) -> tuple[str | None, list[str]]:
    """(sender, recipients) as the headers tell them, for when the mail
    server passes no envelope; none from a message over a limit, or from
    headers that cannot be read."""
    if inbound.screen(raw):
        return None, []
    try:
        return _envelope_from_headers(raw)
    except Exception:  # e.g. comments nested too deep for the address parser
        log.warning("mail-inbound: no envelope in the headers", exc_info=True)
        return None, []


def _envelope_from_headers(raw: bytes) -> tuple[str | None, list[str]]:
    headers = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        raw, headersonly=True
    )
    sender = headers.get("Return-Path")
    if sender is None:
        sender = email.utils.parseaddr(headers.get("From") or "")[1] or None
    recipients = headers.get_all("Delivered-To") or []
    if not recipients:
        recipients = [
            address for _, address in email.utils.getaddresses(headers.get_all("To") or [])
        ]
    return (str(sender) if sender is not None else None), [str(r) for r in recipients]


class Command(BaseCommand):
    help = "Handle one message from standard input (for a mail server's pipe)."
    # call_command(..., stdin=BytesIO(...)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--sender", help="The envelope sender; empty for a bounce.")
        parser.add_argument(
            "--recipient", action="append", help="An envelope recipient; may repeat."
        )

    def handle(self, *args, **options):
        try:
            stdin = options.get("stdin") or sys.stdin
            stream = getattr(stdin, "buffer", None) or stdin
            raw = stream.read()
            if isinstance(raw, str):
                raw = raw.encode("utf-8", errors="surrogateescape")
            sender = options["sender"]
            if sender is None:
                sender = os.environ.get("SENDER")
            recipients = options["recipient"] or [
                address
                for address in [os.environ.get("ORIGINAL_RECIPIENT") or os.environ.get("RECIPIENT")]
                if address
            ]
            if sender is None or not recipients:
                header_sender, header_recipients = envelope_from_headers(raw)
                sender = (header_sender or "") if sender is None else sender
                recipients = recipients or header_recipients
            rows = inbound.receive(raw, envelope_from=sender, envelope_to=recipients)
        except inbound.Refused as refusal:
            raise CommandError(f"refused: {refusal}", returncode=EX_DATAERR) from None
        except Exception as exc:
            log.exception("mail-inbound: internal error; asking the mail server to retry")
            raise CommandError("internal error; try again later", returncode=EX_TEMPFAIL) from exc
        for row in rows:
            self.stdout.write(f"{row.recipient}: {row.outcome} ({row.reason})")
