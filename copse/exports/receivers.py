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
