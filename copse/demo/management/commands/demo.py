"""`copse demo`: load the demo communities of PRODUCT.md (idempotent).

`make run` calls `copse demo --if-empty`, which leaves any database that
already has a community alone.
"""

from django.core.management.base import BaseCommand

from copse.demo import loader


class Command(BaseCommand):
    help = "Load the demo communities, people and logins. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has a community.",
        )
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not print the demo logins (`copse serve --print-logins` will).",
        )

    def handle(self, *args, **options):
        from copse.communities.models import Community

        if options["if_empty"] and Community.objects.exists():
            self.stdout.write("The database already has communities; demo data not loaded.")
            return
        created = loader.load()
        if created:
            made = ", ".join(f"{what}: {count}" for what, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: {made}."))
        else:
            self.stdout.write("The demo was already loaded; nothing changed.")
        if not options["no_logins"]:
            loader.print_logins(self.stdout)
