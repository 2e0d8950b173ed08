"""`copse export-mbox <community-slug> <file|->`: a community's conversations
as mbox (removed posts left out; From the community's address, never a
member's). Recorded in the community's audit log."""

import sys

from django.core.management.base import BaseCommand, CommandError

from copse.communities.models import Community
from copse.mailing import archives


class Command(BaseCommand):
    help = "Export a community's conversations as an mbox file ('-' for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("community", help="the community's slug")
        parser.add_argument("path", help="the file to write, or - for standard output")

    def handle(self, *args, community, path, **options):
        target = Community.objects.filter(slug=community).first()
        if target is None:
            raise CommandError(f"There is no community with the slug “{community}”.")
        if path == "-":
            stream = getattr(self.stdout, "buffer", None) or sys.stdout.buffer
            archives.export_mbox(target, stream)
            stream.flush()
            return
        try:
            with open(path, "wb") as stream:
                count = archives.export_mbox(target, stream)
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from error
        self.stderr.write(f"Wrote {count:,} messages to {path}.", style_func=str)
