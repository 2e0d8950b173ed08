"""`copse mail-server`: receive mail over SMTP for COPSE_MAIL_DOMAIN.

Runs until SIGTERM or SIGINT (Ctrl-C), then stops the server cleanly: the
message being received is finished, new connections are refused.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from copse.mailing import server


class Command(BaseCommand):
    help = "Receive mail (replies, new threads, bounces, subscriptions) over SMTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.COPSE_MAIL_SERVER_HOST)
        parser.add_argument("--port", type=int, default=settings.COPSE_MAIL_SERVER_PORT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set by SIGTERM or SIGINT; a caller running the command in a thread sets it itself.
        self.stop = threading.Event()
        self.port = None

    def handle(self, *args, **options):
        stop = self.stop
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, lambda *_: stop.set())
        smtp = server.controller(options["host"], options["port"])
        smtp.start()
        self.port = smtp.port
        self.stdout.write(
            f"Receiving mail for {settings.COPSE_MAIL_DOMAIN} on "
            f"{options['host']}:{smtp.port} (Ctrl-C stops)",
        )
        self.stdout.flush()
        try:
            while not stop.wait(0.5):
                pass
        finally:
            smtp.stop()
        self.stdout.write("Mail server stopped.")
