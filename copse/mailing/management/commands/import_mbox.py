"""`copse import-mbox <community-slug> <file.mbox>`: bring a list archive
(Mailman, Google Groups) into a community's conversations. The work is in
copse.mailing.archives; this command parses arguments and prints the report."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from copse.communities.models import Community
from copse.conversations import search_index
from copse.conversations.models import Post, Thread
from copse.core.db import analyze, analyze_models
from copse.mailing import archives
from copse.mailing.models import ImportedMessage


class ProgressBar:
    """A one-line bar redrawn in place, only when the stream is a terminal."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()
        self.drawn_at = 0.0
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (done < total and now - self.drawn_at < 0.1):
            return
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{phase:<10} [{bar}] {done:,}/{total:,}", style_func=str, ending="")
        self.stream.flush()
        self.drawn_at, self.drawn = now, True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("", style_func=str)


class Command(BaseCommand):
    help = "Import a mailing-list archive (mbox) into a community's conversations."

    def add_arguments(self, parser):
        parser.add_argument("community", help="the community's slug")
        parser.add_argument("path", help="an mbox file (Mailman .txt or .txt.gz, Google mbox)")
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument(
            "--subject-window-days",
            type=int,
            default=archives.SUBJECT_WINDOW.days,
            help="replies without threading headers join a thread with the same subject "
            "active within this many days (default %(default)s)",
        )

    def handle(self, *args, community, path, dry_run, subject_window_days, **options):
        target = Community.objects.filter(slug=community).first()
        if target is None:
            raise CommandError(f"There is no community with the slug “{community}”.")
        if subject_window_days < 0:
            raise CommandError("--subject-window-days cannot be negative.")
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        try:
            report = archives.import_mbox(
                community=target,
                path=path,
                dry_run=dry_run,
                window=dt.timedelta(days=subject_window_days),
                progress=bar,
            )
        except archives.ArchiveError as error:
            raise CommandError(error.message) from error
        finally:
            bar.close()
        if report.imported:
            # Thousands of posts at once: PostgreSQL's planner would otherwise
            # plan the archive's pages and searches from the tables' old sizes.
            analyze_models(Thread, Post, ImportedMessage)
            analyze([search_index.INDEX_TABLE])
        self.print_report(report, target, time.monotonic() - started)

    def print_report(self, report, community, seconds: float) -> None:
        out = self.stdout.write
        heading = "Dry run, nothing written" if report.dry_run else "Imported"
        out(f"{heading}: {community.slug} ({seconds:.1f} s)")
        out(f"  messages read:              {report.messages_read:,}")
        out(f"  threads created:            {report.threads_created:,}")
        out(f"  replies added:              {report.replies_added:,}")
        if report.appended_to_earlier_threads:
            out(f"    of them to earlier threads: {report.appended_to_earlier_threads:,}")
        out(f"  skipped as duplicates:      {report.duplicates:,}")
        out(f"  skipped as unreadable:      {len(report.unreadable):,}")
        for reason, count in report.unreadable_reasons().most_common():
            places = [str(i) for i, r in report.unreadable if r == reason][:10]
            more = ", …" if count > len(places) else ""
            out(f"    {count:,} × {reason} (message {', '.join(places)}{more})")
        out(
            f"  senders matched to members: {report.members_matched:,} "
            f"({report.posts_by_members:,} posts)"
        )
        out(
            f"  kept as imported authors:   {report.imported_authors:,} "
            f"({report.posts_by_imported_authors:,} posts)"
        )
        if report.undated:
            out(
                f"  without a readable date:    {report.undated:,} (dated after the message before)"
            )
        if report.truncated:
            out(f"  cut to {archives.MAX_BODY:,} characters: {report.truncated:,}")
        if not report.imported and not report.unreadable and report.messages_read:
            out("Nothing new: every message was imported before.")
