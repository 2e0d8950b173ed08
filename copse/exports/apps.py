"""Archives of everything a community holds, for its facilitators, and of
everything about a person, for that person ("Download my data")."""

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "copse.exports"
    label = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from copse.accounts.signals import account_deleted
        from copse.exports.models import Export
        from copse.exports.receivers import (
            remove_exports_of_deleted_account,
            remove_file_of_deleted_export,
        )

        post_delete.connect(
            remove_file_of_deleted_export, sender=Export, dispatch_uid="exports-remove-file"
        )
        account_deleted.connect(
            remove_exports_of_deleted_account, dispatch_uid="exports-of-deleted-account"
        )
