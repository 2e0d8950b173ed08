"""`copse worker`: run background tasks from the database queue (django-tasks-db),
in a loop that survives database faults, beats a heartbeat and recovers the
tasks of workers that died (copse.workers.loop)."""

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string


def start_recurring_tasks() -> None:
    """What a starting worker puts in the queue if it is not there yet: the
    hourly digest planning, the daily sweeps of decisions and pulses, the
    webhook deliveries' sweep, and the hourly removal of expired exports."""
    from copse.decisions.tasks import ensure_sweep_planned
    from copse.exports.tasks import ensure_export_sweep_planned
    from copse.mailing.tasks import ensure_digest_planning
    from copse.pulses.tasks import ensure_pulse_sweep_planned
    from copse.webhooks.tasks import ensure_sweep_planned as ensure_webhook_sweep_planned

    ensure_digest_planning()
    ensure_sweep_planned()
    ensure_pulse_sweep_planned()
    ensure_webhook_sweep_planned()
    ensure_export_sweep_planned()


class Command(BaseCommand):
    help = "Run a background task worker. Start several for more throughput."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="*", help="Queue names, comma-separated, or *.")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of an empty queue."
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many.")

    def handle(self, *args, **options):
        import logging

        from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS

        from copse.workers.loop import CopseWorker

        logging.getLogger("django_tasks").setLevel(logging.INFO)
        worker = CopseWorker(
            queue_names=options["queue"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=get_random_string(32),
            excluded_queue_names=[],
            startup=start_recurring_tasks,
        )
        worker.configure_signals()
        worker.run()
