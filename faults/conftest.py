"""The fault suite (`make faults`): real Copse processes on loopback, each one
put through a fault an operator meets (a killed worker, a held lock, a full
disk, a dead SMTP server, hostile mail), and a table of what held.

Every test here is marked `@pytest.mark.fault("the fault", "what must hold")`;
the table at the end lists them with the outcome. Each test bounds its own time
and stops every process it started.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from copse.testing import site_environment

REPO = Path(__file__).resolve().parent.parent
_outcomes: list[tuple[str, str, str, float, str]] = []
_measured: dict[str, list[str]] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "fault(fault, holds): a fault and what must hold under it")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("fault")
    if marker is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        fault, holds = marker.args
        verdict = {"passed": "held", "failed": "BROKE", "skipped": "not run"}[report.outcome]
        figures = "; ".join(_measured.get(item.nodeid, []))
        _outcomes.append((fault, holds, verdict, report.duration, figures))


def pytest_terminal_summary(terminalreporter):
    if not _outcomes:
        return
    write = terminalreporter.write_line
    write("")
    write("| fault | what must hold | outcome | measured | seconds |")
    write("|---|---|---|---|---|")
    for fault, holds, verdict, seconds, figures in _outcomes:
        write(f"| {fault} | {holds} | {verdict} | {figures} | {seconds:.1f} |")


@pytest.fixture
def measure(request):
    """`measure("31 s from the kill to the last copy")`: a figure for the table."""
    return _measured.setdefault(request.node.nodeid, []).append


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for each test (migrating takes seconds)."""
    var = tmp_path_factory.mktemp("template")
    env = site_environment(var)
    subprocess.run(
        [sys.executable, "-m", "copse.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
        cwd=REPO,
    )
    return var / "copse.sqlite3"


@dataclass
class Site:
    """A Copse installation in a folder of its own: its SQLite database, its
    uploads and outbox, and the processes started on it (stopped at the end)."""

    var: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.var / "copse.sqlite3"

    def copse(self, *args: str, timeout: float = 120, check: bool = True, **kwargs):
        """Run one `copse` command to its end."""
        return subprocess.run(  # noqa: S603 (our own command)
            [sys.executable, "-m", "copse.cli", *args],
            env=self.env,
            cwd=REPO,
            timeout=timeout,
            check=check,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def start(self, *args: str, log_name: str | None = None) -> subprocess.Popen:
        """Start a long-running `copse` command; its output goes to a log file."""
        log = open(self.var / f"{log_name or args[0]}.log", "ab")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", "copse.cli", *args],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.var / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def sql(self, query: str, *params):
        """Read the site's database directly, as an operator would."""
        with sqlite3.connect(self.database, timeout=60) as connection:
            return connection.execute(query, params).fetchall()

    def set_env(self, **values) -> None:
        self.env.update({key: str(value) for key, value in values.items()})

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture
def site(tmp_path, migrated_template) -> Site:
    var = tmp_path / "var"
    var.mkdir()
    shutil.copy(migrated_template, var / "copse.sqlite3")
    installation = Site(var=var, env=site_environment(var))
    yield installation
    installation.stop_all()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll until `predicate()` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar, no automatic redirects, a bounded wait for each answer."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, path, data=None, *, headers=None):
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + path, data=data, headers=headers or {}
        )
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def post(self, path, fields):
        return self.request(path, urllib.parse.urlencode(fields).encode())

    def post_file(self, path, fields, name, data):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            path,
            b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
