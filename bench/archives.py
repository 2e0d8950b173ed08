"""Benchmark: importing and exporting a list archive.

    python bench/archives.py [--messages 10000] [--dir var/bench-archives]

Writes a Mailman-style mbox of `--messages` messages (threads of 1 to 12
messages, half of the replies with threading headers and half only a
"Re:" subject, a quarter of the senders members) with the standard `mailbox`
module, imports it with `copse import-mbox` into a fresh SQLite database under
var/bench-archives/ (or `--dir`, emptied first), imports it again (everything
a duplicate), and exports the community as mbox. Prints messages per second
for each, and one `BENCH {json}` line each for bench/all.py; asserts nothing.
"""

import argparse
import datetime as dt
import json
import mailbox
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# fmt: off
WORDS = [
    "carrier", "contract", "renewal", "service", "desk", "budget", "cloud", "migration",
    "vendor", "licence", "security", "review", "identity", "network", "upgrade",
    "procurement", "timeline", "lessons", "learned",
]
# fmt: on


def configure(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "copse.settings"
    os.environ["COPSE_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["COPSE_DEBUG"] = "0"
    os.environ["COPSE_TESTING"] = "0"
    os.environ["COPSE_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def emit(name: str, messages: int, seconds: float) -> None:
    """One machine-readable line a figure, for bench/all.py's summary."""
    figure = {
        "bench": "archives",
        "kind": "throughput",
        "name": name,
        "messages": messages,
        "seconds": round(seconds, 2),
        "rate": round(messages / seconds, 1),
    }
    print("BENCH " + json.dumps(figure))


def write_archive(path: Path, count: int, senders: list[str]) -> None:
    rng = random.Random(6)
    box = mailbox.mbox(path)
    when = dt.datetime(2012, 1, 1, 8, 0, tzinfo=dt.UTC)
    n = 0
    while n < count:
        subject = " ".join(rng.sample(WORDS, 4)).capitalize()
        root_id = f"<bench.{n}@lists.example.org>"
        for reply in range(min(rng.randint(1, 12), count - n)):
            when += dt.timedelta(minutes=rng.randint(5, 600))
            sender = rng.choice(senders)
            lines = [
                f"From: {sender.replace('@', ' at ')} ({sender.split('@')[0].title()})",
                f"Date: {when:%a, %d %b %Y %H:%M:%S} +0000",
                f"Subject: [bench-cop] {'Re: ' if reply else ''}{subject}",
                f"Message-ID: <bench.{n}@lists.example.org>",
            ]
            if reply and n % 2:
                lines.append(f"In-Reply-To: {root_id}")
            body = "\n".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(rng.randint(2, 15)))
            message = mailbox.mboxMessage("\n".join(lines) + "\n\n" + body + "\n")
            message.set_from(sender.replace("@", " at "), when.timetuple())
            box.add(message)
            n += 1
    box.flush()
    box.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--dir", default=str(ROOT / "var" / "bench-archives"), help="Emptied before each run."
    )
    options = parser.parse_args()
    directory = Path(options.dir)
    configure(directory)

    from copse import testing
    from copse.mailing import archives

    community = testing.make_community(slug="bench-cop", name="Bench CoP")
    senders = [f"person{n}@example.org" for n in range(400)]
    for address in senders[:100]:
        testing.seat(community, testing.make_user(address))
    path = directory / "archive.mbox"
    started = time.perf_counter()
    write_archive(path, options.messages, senders)
    print(
        f"wrote {options.messages:,} messages ({path.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    phases: dict[str, float] = {}

    def progress(phase, done, total):
        phases.setdefault(phase, time.perf_counter())

    started = time.perf_counter()
    report = archives.import_mbox(community=community, path=path, progress=progress)
    seconds = time.perf_counter() - started
    reading = phases["Importing"] - started
    print(
        f"import: {report.messages_read:,} messages in {seconds:.1f} s = "
        f"{report.messages_read / seconds:,.0f} msgs/s "
        f"(reading and threading {reading:.1f} s, writing {seconds - reading:.1f} s); "
        f"{report.threads_created:,} threads, {report.replies_added:,} replies, "
        f"{report.posts_by_members:,} posts by members"
    )
    emit("import", report.messages_read, seconds)
    started = time.perf_counter()
    again = archives.import_mbox(community=community, path=path)
    seconds = time.perf_counter() - started
    print(
        f"import again: {again.duplicates:,} duplicates in {seconds:.1f} s = "
        f"{again.messages_read / seconds:,.0f} msgs/s"
    )
    emit("import again (duplicates)", again.messages_read, seconds)
    started = time.perf_counter()
    with (directory / "export.mbox").open("wb") as stream:
        exported = archives.export_mbox(community, stream)
    seconds = time.perf_counter() - started
    print(f"export: {exported:,} messages in {seconds:.1f} s = {exported / seconds:,.0f} msgs/s")
    emit("export", exported, seconds)


if __name__ == "__main__":
    main()
