"""`copse delete-account <address> --remove|--keep`: the operator's way to
delete the account of someone who can no longer sign in and asked, in
writing, for their data to be erased. It does exactly what the person's own
"Delete my account" page does (`departures.services.delete_account`), and
the audit log says the operator did it."""

from django.core.management.base import BaseCommand, CommandError

from copse.accounts.identity import normalize_email
from copse.accounts.models import User
from copse.core.errors import UserFacingError
from copse.departures import services
from copse.memberships.models import Membership


class Command(BaseCommand):
    help = "Delete one person's account, at their request (the same as their own page does)."

    def add_arguments(self, parser):
        parser.add_argument("address", help="the account's email address")
        choice = parser.add_mutually_exclusive_group(required=True)
        choice.add_argument(
            "--remove", action="store_true", help="remove what they wrote (as they chose)"
        )
        choice.add_argument(
            "--keep", action="store_true", help="keep what they wrote, under “Former member”"
        )
        parser.add_argument(
            "--successor",
            action="append",
            default=[],
            metavar="SLUG=ADDRESS",
            help="where they are the last facilitator: the member who takes over (repeatable)",
        )

    def handle(self, *args, address, remove, keep, successor, **options):
        user = User.objects.filter(email=normalize_email(address), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the address {address}.")
        successors = {}
        for pair in successor:
            slug, _, email = pair.partition("=")
            seat = (
                Membership.objects.filter(
                    community__slug=slug.strip(), user__email=normalize_email(email)
                )
                .select_related("community")
                .first()
            )
            if seat is None:
                raise CommandError(f"{email} is not a member of a community called {slug}.")
            successors[seat.community_id] = seat
        try:
            done = services.delete_account(
                actor=user,
                content=services.Content.REMOVE if remove else services.Content.KEEP,
                successors=successors,
                via=services.Via.COMMAND,
            )
        except UserFacingError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Deleted. They left {done['communities_left']} communities; "
            f"{done['mail_cancelled']} messages waiting for them were cancelled."
        )
