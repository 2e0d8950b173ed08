"""Benchmark: mail fan-out and the daily digest run, over real SMTP.

    python bench/mail.py [--subscribers 5000] [--members 50000] [--connections 1]

Builds a fresh SQLite database under var/bench-mail/ (SQLite is the goal's
database), starts an aiosmtpd server in its own process on loopback, and
measures:

1. fan-out: one post to N every-message subscribers, from the post to the
   last message accepted by the server (planning the outbox rows and sending
   them with the permission re-check and composition);
2. digests: a daily digest run for M members of 20 communities spread over
   several time zones, from planning to the last message accepted;

each against sending the same count of fixed, pre-built messages over the
same server and the same number of connections: the ratio is how much of the
SMTP throughput our own work leaves. Nothing here asserts; it prints figures.
Goal: the digest run for 50,000 members within 60 seconds on SQLite.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"

controller = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure(directory: Path, port: int) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copse.settings")
    os.environ["COPSE_VAR_DIR"] = str(directory)
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["COPSE_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["COPSE_EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    os.environ["COPSE_EMAIL_HOST"] = "127.0.0.1"
    os.environ["COPSE_EMAIL_PORT"] = str(port)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_people(count: int, prefix: str):
    """Bulk-inserted users (no password hashing) spread over time zones."""
    from copse.accounts.models import User

    rows = [
        User(
            email=f"{prefix}{n}@bench.example",
            display_name=f"{prefix.title()} {n}",
            handle=f"{prefix}-{n}",
            time_zone=ZONES[n % len(ZONES)],
            password="!",
        )
        for n in range(count)
    ]
    User.objects.bulk_create(rows, batch_size=2000)
    return list(User.objects.filter(email__startswith=prefix).order_by("pk"))


def seat_all(community, people) -> None:
    from copse.memberships.models import Membership

    Membership.objects.bulk_create(
        [Membership(community=community, user=p, role="member", status="active") for p in people],
        batch_size=2000,
    )


def drain(connections: int) -> int:
    from copse.mailing.management.commands.send_digests import send_all

    return send_all(connections=connections)["sent"]


def fixed_messages(count: int, connections: int) -> float:
    """Seconds to send `count` pre-built two-part messages."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    text = "A fixed message of about the size of a post. " * 20
    messages = []
    for n in range(count):
        message = EmailMultiAlternatives(
            "Fixed",
            text,
            "bounce@bench.example",
            [f"fixed{n}@bench.example"],
            headers={"List-Id": "Bench <bench.example>"},
        )
        message.attach_alternative(f"<p>{text}</p>", "text/html")
        messages.append(message)

    def send(chunk):
        connection = get_connection()
        connection.open()
        for message in chunk:
            connection.send_messages([message])
        connection.close()

    started = time.perf_counter()
    threads = [
        threading.Thread(target=send, args=(messages[i::connections],)) for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def report(label: str, count: int, ours: float, fixed: float, goal: bool | None = None) -> None:
    print(
        f"{label:<34} {count:>7} msgs {ours:>7.1f} s {count / ours:>8.0f} msg/s"
        f"   fixed {count / fixed:>6.0f} msg/s   ratio {fixed / ours:.2f}"
    )
    # The same, machine-readable, for bench/all.py's summary.
    figure = {
        "bench": "mail",
        "kind": "mail",
        "name": label,
        "messages": count,
        "seconds": round(ours, 2),
        "rate": round(count / ours, 1),
        "ratio": round(fixed / ours, 3),
        "goal": goal,
    }
    print("BENCH " + json.dumps(figure))


def bench_fan_out(subscribers: int, connections: int) -> None:
    from copse.communities.models import Community
    from copse.conversations import services as conversations
    from copse.mailing.models import MailSettings, OutgoingMessage
    from copse.mailing.outbound import enqueue_post

    community = Community.objects.create(
        name="Fan-out", slug="fan-out", purpose="Bench", visibility="members"
    )
    people = make_people(subscribers + 1, "fan")
    seat_all(community, people)
    MailSettings.objects.bulk_create(
        [MailSettings(user=p, default_mode="every") for p in people], batch_size=2000
    )
    author = people[0]
    from copse.conversations.models import Thread

    thread = conversations.start_thread(
        actor=author, community=community, kind="discussion", title="Hello", body="First."
    )
    OutgoingMessage.objects.all().delete()
    thread = Thread.objects.get(pk=thread.pk)
    started = time.perf_counter()
    post = conversations.post_reply(actor=author, thread=thread, body="A reply to everyone. " * 20)
    queued = enqueue_post(post)
    planned = time.perf_counter() - started
    sent = drain(connections)
    ours = time.perf_counter() - started
    fixed = fixed_messages(sent, connections)
    print(f"  fan-out: {queued} queued in {planned:.2f} s")
    report("fan-out of one post", sent, ours, fixed)


def bench_digests(members: int, connections: int) -> None:
    from django.utils import timezone

    from copse.communities.models import Community
    from copse.conversations.models import Post, Thread
    from copse.mailing import digests
    from copse.mailing.models import OutgoingMessage

    OutgoingMessage.objects.all().delete()
    people = make_people(members, "digest")
    communities = 20
    per = members // communities
    yesterday = timezone.now() - dt.timedelta(days=1)
    for c in range(communities):
        community = Community.objects.create(
            name=f"Digest {c}",
            slug=f"digest-{c}",
            purpose="Bench",
            visibility="confidential" if c % 5 == 0 else "members",
        )
        members_here = people[c * per : (c + 1) * per]
        seat_all(community, members_here)
        for t in range(5):
            thread = Thread.objects.create(
                community=community,
                title=f"Question {t} in {c}",
                author=members_here[t],
                last_activity_at=yesterday,
                last_position=3,
                reply_count=3,
            )
            Post.objects.bulk_create(
                [
                    Post(
                        thread=thread,
                        community=community,
                        position=n,
                        author=members_here[t + n],
                        body=f"Post {n} of question {t}. " * 15,
                    )
                    for n in range(4)
                ]
            )
    # Spread over the last three days, so that every zone's yesterday holds
    # posts whatever the hour of the run.
    now = timezone.now()
    for hours, position in ((6, 0), (18, 1), (30, 2), (42, 3)):
        Post.objects.filter(community__slug__startswith="digest-", position=position).update(
            created_at=now - dt.timedelta(hours=hours)
        )
    started = time.perf_counter()
    queued = digests.plan_digests()
    planned = time.perf_counter() - started
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
    sent = drain(connections)
    ours = time.perf_counter() - started
    if os.environ.get("BENCH_PROFILE"):
        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(45)
    fixed = fixed_messages(sent, connections)
    print(f"  digests: {queued} queued in {planned:.2f} s (20 communities, 5 zones)")
    met = ours <= 60 and sent >= members * 0.99
    report("daily digest run", sent, ours, fixed, goal=met if members >= 50_000 else None)
    goal = "met" if met else "NOT met"
    print(f"  goal (50,000 members within 60 s on SQLite): {goal} at {members} members")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench-mail"))
    args = parser.parse_args()
    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        sink.stdout.readline()
        configure(Path(args.dir), port)
        print(f"SMTP: aiosmtpd on 127.0.0.1:{port}, {args.connections} connection(s)")
        bench_fan_out(args.subscribers, args.connections)
        bench_digests(args.members, args.connections)
    finally:
        sink.stdin.close()
        sink.wait(timeout=10)


if __name__ == "__main__":
    main()
