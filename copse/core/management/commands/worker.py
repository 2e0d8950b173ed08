"""`copse worker`: run background tasks from the database queue (django-tasks-db)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background task worker. Start several for more throughput."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="*", help="Queue names, comma-separated, or *.")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, **options):
        from copse.mailing.tasks import ensure_digest_planning

        ensure_digest_planning()
        arguments = ["--queue-name", options["queue"]]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
