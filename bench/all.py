"""Every benchmark, one after the other, and one table of their figures.

    python bench/all.py [--quick] [--only NAME,…] [--seconds S]
                        [--args NAME='ARGS'] [--json PATH]

`make bench` runs it. Each benchmark (bench/run.py, conversations.py,
load.py, mail.py, archives.py) runs as a process of its own; its whole
output is printed as it comes, and the figures it also prints as
machine-readable lines (`BENCH {json}`, and load.py's `LOAD key=value …`)
are gathered into one summary table at the end: ratios to the trivial view,
query counts, latencies and rates, whether each goal of issue 17 is met,
and the machine's load average at the start and at the end (a shared
machine's figures are only comparable at a similar load). A benchmark that
is missing is listed as skipped; one that fails is listed as failed, and
this exits non-zero.

`--quick` runs each on small data of its own under var/bench-quick/, in a
few minutes on a quiet machine (its first run builds the data): a check that
every benchmark still runs and parses, not figures to report.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK_DIR = ROOT / "var" / "bench-quick"


@dataclass
class Benchmark:
    name: str
    script: str
    # Options of a smoke run, each given only if the script lists it in its
    # --help (so a benchmark whose options change is still run).
    quick: dict[str, str | None] = field(default_factory=dict)
    # Benchmarks that read by --seconds how long to spend on each page.
    timed: bool = False
    # Options of every run, quick or not.
    always: list[str] = field(default_factory=list)


BENCHMARKS = [
    Benchmark(
        "run",
        "bench/run.py",
        quick={
            "--dir": str(QUICK_DIR / "run"),
            "--posts": "3000",
            "--library-items": "300",
            "--seconds": "0.3",
        },
        timed=True,
    ),
    Benchmark(
        "conversations",
        "bench/conversations.py",
        quick={
            "--dir": str(QUICK_DIR / "conversations"),
            "--posts": "3000",
            "--library-items": "300",
            "--seconds": "0.3",
            "--searches": "20",
        },
        timed=True,
    ),
    # After conversations.py, which builds the database it serves.
    Benchmark(
        "load",
        "bench/load.py",
        quick={
            "--dir": str(QUICK_DIR / "conversations"),
            "--clients": "10",
            "--seconds": "3",
            "--warmup": "1",
        },
    ),
    Benchmark(
        "mail",
        "bench/mail.py",
        quick={"--dir": str(QUICK_DIR / "mail"), "--subscribers": "200", "--members": "2000"},
        # As production sends: three senders (COPSE_MAIL_SENDERS).
        always=["--connections", "3"],
    ),
    Benchmark(
        "archives",
        "bench/archives.py",
        quick={"--dir": str(QUICK_DIR / "archives"), "--messages": "500"},
    ),
]

# Issue 17's search goal, for every kind of query.
SEARCH_P50_MS = 10
SEARCH_P95_MS = 50


# --- Reading a benchmark's output ----------------------------------------------


def parse_figures(bench: str, output: str) -> list[dict]:
    """The figures in one benchmark's output: each `BENCH {json}` line, and
    each `LOAD key=value …` line as a figure of kind "load". Other lines
    are for people and are ignored."""
    figures = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("BENCH "):
            figure = json.loads(line[len("BENCH ") :])
            figure.setdefault("bench", bench)
            figures.append(figure)
        elif line.startswith("LOAD "):
            figures.append(parse_load(bench, line))
    return figures


def parse_load(bench: str, line: str) -> dict:
    """`LOAD clients=10 rps=271.3 p50=31.0 p95=80.2 p99=120.9 5xx=0 …`
    (latencies in ms) as a figure."""
    values: dict[str, float | str] = {}
    for pair in line.split()[1:]:
        key, _, value = pair.partition("=")
        values[key] = number(value)
    clients = values.get("clients", "?")
    clients = int(clients) if isinstance(clients, float) else clients
    return {"bench": bench, "kind": "load", "name": f"{clients} clients", **values}


def number(text: str) -> float | str:
    """A figure as a number, whatever unit follows it ("31.0", "31.0ms");
    the text itself if it is none."""
    stripped = text.rstrip("ms%/")
    try:
        return float(stripped)
    except ValueError:
        return text


# --- The summary table ---------------------------------------------------------

COLUMNS = (
    "benchmark",
    "figure",
    "ratio",
    "queries",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "rate/s",
    "goal",
)


def summary_row(figure: dict) -> tuple[str, ...]:
    """One row of the summary: ratios to the trivial view, queries, latencies
    (a page's ms/req as its p50: in-process timing has one figure), a rate
    (requests, messages or searches a second) and whether a goal is met."""
    kind = figure.get("kind")
    name = figure.get("name", "")
    p50 = p95 = p99 = rate = None
    goal = figure.get("goal")
    if kind == "page":
        p50, rate = figure.get("ms"), figure.get("rps")
        if rate is None:
            goal, name = None, f"{name} (no data)"
    elif kind == "search":
        p50, p95 = figure.get("p50"), figure.get("p95")
        if goal is None and p50 is not None and p95 is not None:
            goal = p50 <= SEARCH_P50_MS and p95 <= SEARCH_P95_MS
        name = f"search {name}"
    elif kind == "write":
        p50, rate = figure.get("ms"), figure.get("rps")
    elif kind == "load":
        p50, p95, p99 = figure.get("p50"), figure.get("p95"), figure.get("p99")
        rate = figure.get("rps")
        if goal is None and isinstance(figure.get("5xx"), float):
            goal = figure["5xx"] == 0
    elif kind in ("mail", "throughput"):
        rate = figure.get("rate")
        name = f"{name} ({figure.get('messages', 0):,} msgs, {figure.get('seconds', 0):g} s)"
    return (
        figure.get("bench", ""),
        name,
        fmt(figure.get("ratio"), 3),
        fmt(figure.get("queries"), 0),
        fmt(p50, 1),
        fmt(p95, 1),
        fmt(p99, 1),
        fmt(rate, 0),
        {True: "met", False: "NOT met", None: ""}[goal],
    )


def fmt(value, places: int) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    return f"{value:,.{places}f}"


def format_table(rows: list[tuple[str, ...]]) -> str:
    """A plain-text table, text left-aligned and figures right-aligned."""
    table = [COLUMNS, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(table):
        cells = [
            cell.ljust(width) if i < 2 or i == len(COLUMNS) - 1 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)"


# --- Running the benchmarks ----------------------------------------------------


def quick_options(bench: Benchmark) -> list[str]:
    """The quick options the script accepts, read from its --help."""
    help_text = subprocess.run(
        [sys.executable, bench.script, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    options = []
    for option, value in bench.quick.items():
        if option in help_text:
            options += [option] if value is None else [option, value]
    return options


def run(bench: Benchmark, options: list[str]) -> tuple[int, str]:
    """Run one benchmark, printing its output as it comes; its exit code and output."""
    command = [sys.executable, "-u", bench.script, *options]
    print(f"\n=== {bench.name}: {shlex.join(command[1:])}", flush=True)
    lines = []
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    return process.returncode, "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="Small data under var/bench-quick/: a smoke run."
    )
    parser.add_argument(
        "--only", help="Comma-separated benchmarks to run: " + ",".join(b.name for b in BENCHMARKS)
    )
    parser.add_argument("--seconds", help="Seconds a page, for run.py and conversations.py.")
    parser.add_argument(
        "--args",
        action="append",
        default=[],
        metavar="NAME='ARGS'",
        help="More options for one benchmark, e.g. --args conversations='--profile'.",
    )
    parser.add_argument("--json", help="Also write every figure to this file, as JSON.")
    options = parser.parse_args(argv)
    only = set(options.only.split(",")) if options.only else None
    extra: dict[str, list[str]] = {}
    for given in options.args:
        name, _, text = given.partition("=")
        extra.setdefault(name, []).extend(shlex.split(text))

    started_load, started = load_average(), time.perf_counter()
    print(f"load average at the start: {started_load}")
    rows, figures, failed = [], [], []
    for bench in BENCHMARKS:
        if only and bench.name not in only:
            continue
        if not (ROOT / bench.script).exists():
            print(f"\n=== {bench.name}: {bench.script} does not exist here; skipped")
            rows.append((bench.name, "skipped: no such script", *[""] * 7))
            continue
        arguments = bench.always + (quick_options(bench) if options.quick else [])
        if options.seconds and bench.timed:
            arguments += ["--seconds", options.seconds]
        code, output = run(bench, arguments + extra.get(bench.name, []))
        found = parse_figures(bench.name, output)
        figures += found
        rows += [summary_row(figure) for figure in found]
        if code != 0:
            failed.append(bench.name)
            rows.append((bench.name, f"FAILED: exit code {code}", *[""] * 7))
        elif not found:
            rows.append((bench.name, "no figures found in its output", *[""] * 7))

    print(f"\n=== Summary ({time.perf_counter() - started:.0f} s)\n")
    print(format_table(rows))
    print(
        "\nratio: requests a second over the anonymous trivial view's (pages), or the "
        "fixed messages' time over ours (mail); p50 ms: ms a request for pages; "
        "goal: issue 17's (pages: ratio >= 0.1 in <= 8 queries; search: p50 <= 10 ms "
        "and p95 <= 50 ms; load: no 5xx; digests: 50,000 members in 60 s)."
    )
    print(f"\nload average at the start: {started_load}")
    print(f"load average at the end:   {load_average()}")
    if options.json:
        Path(options.json).write_text(json.dumps(figures, indent=1))
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
