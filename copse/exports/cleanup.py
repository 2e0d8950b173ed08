"""Removing archives once they expire, and files no export names any more
(a worker that died while writing one; an export deleted with its account or
its community); and letting go of exports whose making was lost. Used by
`tasks.remove_expired_exports`."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.translation import gettext_noop

from copse.exports.building import export_dir
from copse.exports.models import Export

log = logging.getLogger("copse.exports")

# A file no export names is removed only once it has not changed for this
# long: an archive being written changes all the time.
STRAY_AFTER = dt.timedelta(days=1)
# An export still waiting or being made this long after it was asked for
# was lost (its task failed for good): it is marked failed, so that it no
# longer keeps another export of its community from starting.
LOST_AFTER = dt.timedelta(days=1)
LOST = gettext_noop("It took too long and was stopped. Ask for a new one.")


def remove_expired(now: dt.datetime) -> int:
    """Delete the file of every export past its expiry and mark it expired.
    The download refuses it from the moment it expires, whenever this runs."""
    removed = 0
    due = Export.objects.filter(status=Export.Status.READY, expires_at__lte=now)
    for export in due.only("pk", "file_name"):
        if export.file_name:
            (export_dir() / export.file_name).unlink(missing_ok=True)
        removed += Export.objects.filter(pk=export.pk, status=Export.Status.READY).update(
            status=Export.Status.EXPIRED, file_name=""
        )
    if removed:
        log.info("removed %s expired exports", removed)
    return removed


def fail_lost(now: dt.datetime) -> int:
    lost = Export.objects.filter(
        status__in=Export.UNDER_WAY, requested_at__lte=now - LOST_AFTER
    ).update(status=Export.Status.FAILED, finished_at=now, failure=LOST, step="")
    if lost:
        log.warning("marked %s exports failed that were under way for a day", lost)
    return lost


def remove_strays(now: dt.datetime) -> int:
    named = set(Export.objects.exclude(file_name="").values_list("file_name", flat=True))
    cutoff = (now - STRAY_AFTER).timestamp()
    removed = 0
    for path in export_dir().iterdir():
        if not path.is_file() or path.name in named:
            continue
        if path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    if removed:
        log.info("removed %s files no export names", removed)
    return removed
