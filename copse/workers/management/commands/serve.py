"""`copse serve`: the web server (gunicorn, by default 2 processes of 8 threads:
docs/decisions.md, "Serving"), and with --with-worker a task worker beside it.

The worker is supervised: when it exits (it should not; see copse.workers.loop)
it is started again after a pause that doubles up to a minute, and the site
stays up. Ctrl-C (SIGINT) or SIGTERM stops both: each child is terminated and
waited for before the command returns.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Chosen by measurement on a 2-core machine with bench/load.py (docs/decisions.md,
# "Serving: gunicorn's workers and threads").
WORKERS = 2
WORKER_CLASS = "gthread"
THREADS = 8


class Command(BaseCommand):
    help = "Serve Copse over HTTP (gunicorn), optionally with a background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", WORKERS))
        )
        parser.add_argument(
            "--worker-class",
            default=os.environ.get("COPSE_WEB_WORKER_CLASS", WORKER_CLASS),
            help="gunicorn's worker class: gthread (threads in each process) or sync.",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("COPSE_WEB_THREADS", THREADS)),
            help="Threads in each worker process (gthread).",
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
        worker = WorkerSupervisor(self.stderr) if options["with_worker"] else None
        if worker is not None:
            worker.start()
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
                "--worker-class",
                options["worker_class"],
                "--threads",
                str(options["threads"]),
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
                    # Stopping: a signal to the whole process group (Ctrl-C,
                    # systemd) ends the worker too; that is no exit to repair.
                    if worker is not None and not stop["now"]:
                        worker.check()
        except KeyboardInterrupt:
            pass
        finally:
            children = [web, worker.process if worker is not None else None]
            for process in children:
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in children:
                if process is not None:
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
            self.stdout.write("Copse stopped.")


class WorkerSupervisor:
    """Keeps one `copse worker` child running beside the web server."""

    FIRST_PAUSE = 1.0
    LONGEST_PAUSE = 60.0
    # A worker that ran this long before exiting counts as healthy again.
    STEADY_SECONDS = 120.0

    def __init__(self, stderr):
        self.stderr = stderr
        self.process: subprocess.Popen | None = None
        self.pause = self.FIRST_PAUSE
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.restarts = 0

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "copse.cli", "worker"])
        self.started_at = time.monotonic()
        self.restart_at = None

    def check(self) -> None:
        """Called every half second: restart an exited worker after its pause."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restarts += 1
                self.start()
            return
        if self.process is None or self.process.poll() is None:
            return
        if now - self.started_at > self.STEADY_SECONDS:
            self.pause = self.FIRST_PAUSE
        self.stderr.write(
            f"The task worker exited with status {self.process.returncode}; "
            f"starting it again in {self.pause:.0f} s."
        )
        self.restart_at = now + self.pause
        self.pause = min(self.LONGEST_PAUSE, self.pause * 2)
