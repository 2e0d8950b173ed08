"""`copse send-digests`: plan the digests due now and send the outbox.

Workers do this every hour by themselves; the command is for a cron-driven
set-up without workers, and for trying digests out."""

import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from copse.mailing import digests, outbound


class Command(BaseCommand):
    help = "Queue the daily and weekly digests that are due, then send everything due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan-only", action="store_true", help="Queue the digests without sending."
        )
        parser.add_argument(
            "--connections",
            type=int,
            default=None,
            help="SMTP connections to send over at once (default: COPSE_MAIL_SENDERS).",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        added = digests.plan_digests()
        self.stdout.write(f"Queued {added} digest{'s' if added != 1 else ''}.")
        if options["plan_only"]:
            return
        connections = options["connections"] or settings.COPSE_MAIL_SENDERS
        totals = send_all(connections=max(1, connections))
        elapsed = time.perf_counter() - started
        self.stdout.write(
            "Sent {sent}, dropped {dropped}, deferred {deferred}, failed {failed} "
            "in {elapsed:.1f} s.".format(elapsed=elapsed, **totals)
        )


def send_all(*, connections: int = 1) -> dict:
    """Deliver until nothing is due, over `connections` SMTP connections at
    once. Each sender claims its own batches, so none is sent twice."""
    if connections == 1:
        return outbound.deliver_all()
    results = []

    def in_thread():
        from django.db import connection

        try:
            results.append(outbound.deliver_all())
        finally:
            connection.close()

    threads = [threading.Thread(target=in_thread) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {key: sum(result[key] for result in results) for key in results[0]}
