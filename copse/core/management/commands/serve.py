"""`copse serve`: the web server, and with --with-worker a task worker beside it.

Ctrl-C (SIGINT) or SIGTERM stops both: the worker is a child process that is
terminated and waited for before the command returns.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Copse over HTTP (gunicorn), optionally with a background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2))
        )
        parser.add_argument("--with-worker", action="store_true", help="Also run `copse worker`.")
        parser.add_argument(
            "--print-logins", action="store_true", help="Print the demo logins first."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["print_logins"]:
            from copse.demo.loader import print_logins

            print_logins(self.stdout)
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "copse.cli", "worker"], start_new_session=False
            )
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Copse is serving on http://{bind}/  (Ctrl-C stops it)")
        web = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "copse.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ]
        )
        stop = {"now": False}

        def on_signal(signum, frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, on_signal)
        try:
            while web.poll() is None and not stop["now"]:
                try:
                    web.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    if worker is not None and worker.poll() is not None:
                        self.stderr.write("The task worker stopped; stopping the web server.")
                        break
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker):
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in (web, worker):
                if process is not None:
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
            self.stdout.write("Copse stopped.")
