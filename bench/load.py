"""Benchmark: Copse through a real server, with concurrent signed-in readers
who now and then reply.

    python bench/load.py [--clients 10,50,200] [--seconds 20] [--dir DIR]
                         [--database-url URL] [--workers N] [--worker-class gthread|sync]
                         [--threads N] [--reply-every 20]

Starts `copse serve` on 127.0.0.1 at a free port against the benchmark's own
database (by default the one bench/conversations.py builds under
var/bench-conversations/; build it first), with production settings: debug
off, static files collected and served by WhiteNoise, the access log written.
Tasks a reply would queue (mail, notifications) are discarded: the figures
are the web server's alone, and no task worker competes for the two cores.

The clients are members of the big community (slug ending "-big"). Each is
signed in by a session written to the database before the server starts (a
sign-in through the form would cost an Argon2 hash each and meet the sign-in
rate limit of 30 a minute from one address); the sessions are deleted at the
end. For --seconds, each client in its own thread reads pages one after the
other (thread list, a thread, the big thread's first and last page, the
community home, topics, a meeting when the community has one, Home) and
about one request in --reply-every is a reply, posted with the CSRF token
from a thread page it read, to one of the community's smaller threads (never
the big one, whose size other benchmarks report).

Prints, per number of clients: requests per second, p50/p95/p99 latency,
the count of each status class, per-page latencies, and a last line
`LOAD clients=N rps=… p50=… p95=… p99=… 2xx=… 3xx=… 4xx=… 5xx=… errors=…`.
Exits 1 if any request got a 5xx answer (the first one's body is printed)
or no answer at all.
"""

import argparse
import http.client
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- The database: what to read, and who reads it ------------------------------


def server_environment(directory: Path, database_url: str | None) -> dict[str, str]:
    """What both this process and the server are configured with."""
    return {
        "DJANGO_SETTINGS_MODULE": "copse.settings",
        "COPSE_VAR_DIR": str(directory),
        # A database of its own whatever DATABASE_URL says, as bench/run.py.
        "DATABASE_URL": database_url or f"sqlite:///{directory / 'bench.sqlite3'}",
        "COPSE_TASK_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "COPSE_DEBUG": "0",
        "COPSE_TESTING": "0",
    }


@dataclass
class Plan:
    """The pages the clients read, the threads they reply to, their sessions."""

    community: str
    pages: dict[str, list[str]]
    reply_threads: list[str]
    sessions: list[str] = field(default_factory=list)


def plan(sessions_wanted: int) -> Plan:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from copse.communities.models import Community
    from copse.conversations.models import Thread
    from copse.meetings.models import Meeting
    from copse.memberships.models import Membership

    community = Community.objects.filter(slug__endswith="-big").order_by("pk").first()
    if community is None:
        sys.exit("No community ending in -big: build the data with bench/conversations.py first.")
    base = f"/c/{community.slug}"
    threads = Thread.objects.filter(community=community, removed_at__isnull=True)
    big = threads.order_by("-reply_count", "pk").first()
    smaller = list(
        threads.exclude(pk=big.pk)
        .filter(kind__in=["discussion", "ask"], locked=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    readable = list(threads.exclude(pk=big.pk).order_by("pk").values_list("pk", flat=True))
    pages = {
        "thread list": [f"{base}/threads/"],
        "thread": [f"{base}/t/{pk}/" for pk in readable],
        "big thread, first page": [f"{base}/t/{big.pk}/"],
        "big thread, last page": [f"{base}/t/{big.pk}/?page=last"],
        "community home": [f"{base}/"],
        "topics": [f"{base}/topics/"],
        "home": ["/home/"],
    }
    meetings = list(
        Meeting.objects.filter(community=community)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:20]
    )
    if meetings:
        pages["meeting"] = [f"{base}/meetings/{pk}/" for pk in meetings]
    else:
        print(f"  ({community.slug} has no meetings: no meeting page in the mix)")

    members = list(
        Membership.objects.filter(community=community, role="member", status="active")
        .select_related("user")
        .order_by("pk")[:sessions_wanted]
    )
    engine = import_string(f"{_session_engine()}.SessionStore")
    # The backend sign-in records: a session naming any other is signed out.
    backend = settings.AUTHENTICATION_BACKENDS[0]
    keys = []
    for index in range(sessions_wanted):
        user = members[index % len(members)].user
        session = engine()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return Plan(
        community.slug,
        pages,
        [f"{base}/t/{pk}/" for pk in smaller],
        keys,
    )


def _session_engine() -> str:
    from django.conf import settings

    return settings.SESSION_ENGINE


def forget_sessions(keys: list[str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


# --- The server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """`copse serve` in a process group of its own, its output in a log file."""

    def __init__(self, environment: dict[str, str], serve_options: list[str]):
        self.port = free_port()
        self.logdir = Path(tempfile.mkdtemp(prefix="copse-load-"))
        self.log = self.logdir / "serve.log"
        env = {**os.environ, **environment}
        env.update(
            PORT=str(self.port),
            COPSE_BASE_URL=f"http://{HOST}:{self.port}",
            PYTHONPATH=str(ROOT),
        )
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "copse.cli",
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                    *serve_options,
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"copse serve exited early:\n{self.tail()}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"copse serve did not answer in {timeout:.0f} s:\n{self.tail()}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (`copse serve`,
        gunicorn's arbiter and workers): all share its process group."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            # After the command: state, ppid, pgrp, ... utime (12th), stime (13th).
            if int(fields[2]) == self.process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """SIGTERM to `copse serve`, which stops gunicorn and waits for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.logdir, ignore_errors=True)


# --- The clients -----------------------------------------------------------------


@dataclass
class Sample:
    page: str
    status: int  # 0: no answer (connection refused, reset, timed out)
    seconds: float
    finished: float


@dataclass
class Phase:
    samples: list[Sample] = field(default_factory=list)
    first_5xx: str | None = None
    first_error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, sample: Sample, body: bytes, request: str) -> None:
        self.samples.append(sample)
        if sample.status >= 500 and self.first_5xx is None:
            with self.lock:
                if self.first_5xx is None:
                    text = body.decode("utf-8", "replace").strip().splitlines()[:15]
                    self.first_5xx = f"{request} -> {sample.status}\n" + "\n".join(text)


class Client:
    """One signed-in person: one keep-alive connection, their cookies."""

    def __init__(self, port: int, session_key: str, plan: Plan, reply_every: int, seed: int):
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.cookies = {"sessionid": session_key}
        self.plan = plan
        self.reply_every = reply_every
        self.rng = random.Random(seed)
        self.token: str | None = None
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)
        self.replies = 0
        names = list(plan.pages)
        # Lists and threads most, as people read; the rest now and then.
        weights = {"thread list": 3, "thread": 5, "community home": 2, "home": 2}
        self.names = names
        self.weights = [weights.get(name, 1) for name in names]

    def run(self, deadline: float, phase: Phase) -> None:
        while time.perf_counter() < deadline:
            replying = self.token and self.plan.reply_threads
            if replying and self.rng.randrange(self.reply_every) == 0:
                self.reply(phase)
            else:
                page = self.rng.choices(self.names, self.weights)[0]
                self.get(page, self.rng.choice(self.plan.pages[page]), phase)
        self.connection.close()

    def get(self, page: str, path: str, phase: Phase) -> None:
        body = self.send(page, "GET", path, None, {}, phase)
        if self.token is None and body and page == "thread":
            found = TOKEN.search(body.decode("utf-8", "replace"))
            if found:
                self.token = found.group(1)

    def reply(self, phase: Phase) -> None:
        thread = self.rng.choice(self.plan.reply_threads)
        self.replies += 1
        form = urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "body": f"A reply under load, number {self.replies}: "
                + " ".join(self.rng.sample(LOAD_WORDS, 12)),
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": f"{self.origin}{thread}",
        }
        self.send("reply (POST)", "POST", f"{thread}reply/", form, headers, phase)

    def send(self, page, method, path, body, headers, phase) -> bytes:
        headers = {
            **headers,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept": "text/html",
        }
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            status = response.status
            self.keep_cookies(response)
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            content, status = str(error).encode(), 0
            if phase.first_error is None:
                phase.first_error = f"{method} {path}: {error!r}"
        finished = time.perf_counter()
        phase.record(
            Sample(page, status, finished - started, finished), content, f"{method} {path}"
        )
        return content

    def keep_cookies(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or not value or value == '""':
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value


LOAD_WORDS = [
    "renewal",
    "contract",
    "carrier",
    "vendor",
    "licence",
    "budget",
    "outage",
    "migration",
    "cloud",
    "audit",
    "backup",
    "network",
    "telecom",
    "support",
    "review",
    "pricing",
    "roadmap",
    "security",
    "identity",
    "storage",
]


def drive(port: int, plan: Plan, clients: int, seconds: float, reply_every: int, seed: int):
    phase = Phase()
    people = [
        Client(port, plan.sessions[index], plan, reply_every, seed * 1000 + index)
        for index in range(clients)
    ]
    started = time.perf_counter()
    deadline = started + seconds
    # Daemons: after Ctrl-C the server is stopped and the process exits
    # without waiting for clients that would only meet a closed port.
    threads = [threading.Thread(target=c.run, args=(deadline, phase), daemon=True) for c in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return phase, started, deadline


# --- Figures ---------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def status_classes(samples: list[Sample]) -> Counter:
    classes = Counter({"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "errors": 0})
    for sample in samples:
        classes["errors" if sample.status == 0 else f"{sample.status // 100}xx"] += 1
    return classes


def report(clients, seconds, phase: Phase, deadline: float, cpu: float, server_cpu: float, loads):
    done = [s for s in phase.samples if s.finished <= deadline]
    rps = len(done) / seconds
    latencies = sorted(s.seconds * 1000 for s in phase.samples)
    p50, p95, p99 = (percentile(latencies, f) for f in (0.50, 0.95, 0.99))
    classes = status_classes(phase.samples)
    print(
        f"\n{clients} clients, {seconds:.0f} s: {len(phase.samples):,} requests, "
        f"{rps:.1f} req/s; p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; "
        + ", ".join(f"{name} {count:,}" for name, count in classes.items())
    )
    print(
        f"  load average {loads[0]:.2f} -> {loads[1]:.2f}; "
        f"CPU used: the server {server_cpu:.1f} s "
        f"({1000 * server_cpu / max(1, len(phase.samples)):.0f} ms a request), "
        f"the clients {cpu:.1f} s"
    )
    by_page = defaultdict(list)
    statuses = defaultdict(Counter)
    for sample in phase.samples:
        by_page[sample.page].append(sample.seconds * 1000)
        statuses[sample.page][sample.status] += 1
    print(f"  {'page':<24}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    for page, values in sorted(by_page.items()):
        values.sort()
        seen = " ".join(f"{code}:{n}" for code, n in sorted(statuses[page].items()))
        print(
            f"  {page:<24}{len(values):>8,}{percentile(values, 0.5):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}  {seen}"
        )
    print(
        f"LOAD clients={clients} rps={rps:.1f} p50={p50:.1f} p95={p95:.1f} p99={p99:.1f} "
        + " ".join(f"{name}={count}" for name, count in classes.items())
    )
    return classes


def serve_options(args) -> list[str]:
    from copse.workers.management.commands import serve

    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", serve.WORKERS))
    worker_class = args.worker_class or os.environ.get("COPSE_WEB_WORKER_CLASS", serve.WORKER_CLASS)
    threads = args.threads or int(os.environ.get("COPSE_WEB_THREADS", serve.THREADS))
    return ["--workers", str(workers), "--worker-class", worker_class, "--threads", str(threads)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="10,50,200", help="Comma-separated client counts.")
    parser.add_argument("--seconds", type=float, default=20.0, help="Per client count.")
    parser.add_argument("--warmup", type=float, default=3.0, help="Unmeasured, before the first.")
    parser.add_argument("--reply-every", type=int, default=20, help="One request in N replies.")
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench-conversations"))
    parser.add_argument("--database-url", help="Serve this database instead of the one in --dir.")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: copse serve's).")
    parser.add_argument("--worker-class", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, help="Threads per worker (gthread).")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    counts = [int(n) for n in args.clients.split(",") if n.strip()]

    directory = Path(args.dir)
    if args.database_url is None and not (directory / "bench.sqlite3").exists():
        sys.exit(f"No {directory / 'bench.sqlite3'}: build it with bench/conversations.py first.")
    environment = server_environment(directory, args.database_url)
    os.environ.update(environment)
    import django

    django.setup()
    from django.db import connections

    options = serve_options(args)
    the_plan = plan(max(counts))
    connections.close_all()
    print(
        f"copse serve {' '.join(options)} on {HOST}, "
        f"database {environment['DATABASE_URL'].split('@')[-1]}, community {the_plan.community}, "
        f"{len(the_plan.pages['thread'])} threads to read, {len(the_plan.reply_threads)} to reply to"
    )
    server = Server(environment, options)
    failed = False
    try:
        server.wait_ready()
        print(f"  serving on port {server.port}")
        if args.warmup:
            drive(server.port, the_plan, min(10, max(counts)), args.warmup, 10**9, args.seed)
        for index, clients in enumerate(counts):
            loads = [os.getloadavg()[0]]
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            server_cpu = server.cpu_seconds()
            phase, _, deadline = drive(
                server.port, the_plan, clients, args.seconds, args.reply_every, args.seed + index
            )
            after = resource.getrusage(resource.RUSAGE_SELF)
            server_cpu = server.cpu_seconds() - server_cpu
            loads.append(os.getloadavg()[0])
            used = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
            classes = report(clients, args.seconds, phase, deadline, used, server_cpu, loads)
            if classes["5xx"]:
                failed = True
                print(f"  first 5xx answer:\n{phase.first_5xx}")
            if classes["errors"]:
                failed = True
                print(f"  first request without an answer: {phase.first_error}")
            # Every page read is one a member may read: a redirect means the
            # clients were signed out, and the figures would be a visitor's.
            redirected = sorted(
                {
                    s.page
                    for s in phase.samples
                    if s.page != "reply (POST)" and 300 <= s.status < 400
                }
            )
            if redirected:
                failed = True
                print(f"  signed out: these reads were redirected: {', '.join(redirected)}")
        if failed:
            print(f"\nThe server's last lines:\n{server.tail()}")
    finally:
        server.stop()
        forget_sessions(the_plan.sessions)
        connections.close_all()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
