"""An export deleted with its account or its community takes its file with
it, once the deletion is committed (a rolled-back deletion keeps both)."""

from __future__ import annotations

from django.db import transaction


def remove_file_of_deleted_export(sender, instance, **kwargs) -> None:
    if not instance.file_name:
        return
    from copse.exports.building import export_dir

    name = instance.file_name
    transaction.on_commit(lambda: (export_dir() / name).unlink(missing_ok=True))


def remove_exports_of_deleted_account(sender, user, **kwargs) -> None:
    """A deleted account keeps its row (anonymised), so nothing cascades:
    the archives it asked for, of its own data or of a community it
    facilitated, go here, each file once the deletion commits."""
    from copse.exports.models import Export

    Export.objects.filter(requested_by_id=user.pk).delete()
