"""`copse restore ARCHIVE`: check a backup completely (every checksum, the
database's integrity), then replace this site's database and uploads with it
and migrate. Refuses a database that holds data, or is open, without --force."""

from datetime import UTC, datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from copse.backups import services
from copse.backups.archive import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `copse backup`: its database and uploads replace "
        "this site's, then the database is migrated. Stop Copse first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz that `copse backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data or that is still open.",
        )

    def handle(self, *args, **options):
        try:
            restored = services.restore_backup(
                archive_path=options["archive"], force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = restored.manifest
        made_at = datetime.fromisoformat(manifest["made_at"]).astimezone(UTC)
        self.stdout.write(
            f"Restored the backup made {made_at:%Y-%m-%d %H:%M:%S} UTC by Copse "
            f"{manifest['copse_version']} into the {restored.database}, "
            f"with {restored.uploads} uploaded file{'s' if restored.uploads != 1 else ''}."
        )
        if restored.replaced:
            self.stdout.write(f"It replaced {restored.replaced}.")
        if restored.warning:
            self.stderr.write(self.style.WARNING(restored.warning))
        try:
            call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        except Exception as error:  # the restore is done; say how to finish it
            raise CommandError(
                f"The backup was restored, but migrating it failed: {error}. "
                "Run `copse migrate` to see why and finish."
            ) from None
        self.stdout.write(self.style.SUCCESS("Migrated. The site is ready to start."))
