"""`copse backup [DIR]`: one archive of the database and the uploads, made
while the site runs, with a manifest of checksums. Prints the archive's path."""

from django.core.management.base import BaseCommand, CommandError

from copse.backups import services
from copse.backups.archive import BackupError


class Command(BaseCommand):
    help = (
        "Write a backup (database, uploads, manifest) as one .tar.gz into DIR "
        "(default: $COPSE_VAR_DIR/backups) and print its path. Safe while Copse runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            help="Where to write the archive (created if missing).",
        )

    def handle(self, *args, **options):
        try:
            path = services.make_backup(directory=options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
