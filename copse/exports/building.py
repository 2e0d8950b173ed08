"""Making one export: claim it, check its requester may still have it, run
the steps of its kind into a file under a hidden name, and only when the
whole archive is written give it its name and mark it ready.

A step (`steps.Step`) writes its part of the archive through the `Build`
it is handed: JSON documents, files, counts for the manifest. The status page reads the
progress this module writes on the export's row as the steps go.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from copse.core import permissions
from copse.core.languages import in_language_of
from copse.core.storage import failure_of
from copse.exports.archive import ArchiveWriter
from copse.exports.models import Export, expiry_from
from copse.exports.steps import Build, person

log = logging.getLogger("copse.exports")

PARTIAL_PREFIX = ".partial-"
# The status page's figure moves at most this often while a step runs.
PROGRESS_EVERY_SECONDS = 1.0
# Why an export failed and what it is doing are stored in English, marked
# here, and translated where they are shown (exports/status.html).
STORAGE_FAILURE = gettext_noop(
    "The server could not store the archive: its disk may be full. Tell your site "
    "administrator, then ask for a new one."
)
GENERIC_FAILURE = gettext_noop(
    "Something went wrong while the archive was being made. Ask for a new one; "
    "if that fails too, tell your site administrator."
)


class ExportRefused(Exception):
    """The requester may no longer have this export; the message says why."""


def export_dir() -> Path:
    folder = Path(settings.COPSE_EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _plan_of(export: Export):
    """The module that says what an export of this kind holds: its README
    (a `steps.Readme`) and its STEPS."""
    if export.kind == Export.Kind.COMMUNITY:
        from copse.exports import community

        return community
    from copse.exports import personal

    return personal


def _check_still_allowed(export: Export) -> None:
    reader = export.requested_by
    if not reader.is_active:
        raise ExportRefused(gettext_noop("The account that asked for it is closed."))
    if export.kind == Export.Kind.COMMUNITY and not permissions.can(
        reader, "community.export_all", export.community
    ):
        raise ExportRefused(
            gettext_noop(
                "Only a facilitator of the community may have its export, "
                "and you no longer are one."
            )
        )


class _Progress:
    def __init__(self, export_id: int, total: int):
        self.export_id, self.total = export_id, total
        self.index, self.written_at = 0, 0.0

    def start(self, index: int, label: str) -> None:
        self.index = index
        self._write(0.0, label, force=True)

    def within(self, fraction: float) -> None:
        self._write(fraction)

    def _write(self, fraction: float, label: str | None = None, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        done = (self.index + max(0.0, min(fraction, 1.0))) / self.total
        fields = {"progress": min(99, int(done * 100))}
        if label is not None:
            fields["step"] = label
        Export.objects.filter(pk=self.export_id, status=Export.Status.RUNNING).update(**fields)


def _claim(export_id: int) -> Export | None:
    """Mark the export running, whether it was waiting or its last worker
    died while making it; None when it is finished already."""
    claimed = Export.objects.filter(pk=export_id, status__in=Export.UNDER_WAY).update(
        status=Export.Status.RUNNING, started_at=timezone.now(), progress=0, step=""
    )
    if not claimed:
        return None
    return (
        Export.objects.select_related("community", "requested_by", "requested_by__organisation")
        .filter(pk=export_id)
        .first()
    )


def _manifest(build: Build) -> dict:
    export = build.export
    manifest = {
        "kind": export.kind,
        "generated_at": timezone.now(),
        "generated_for": person(export.requested_by),
        "counts": dict(sorted(build.counts.items())),
        "missing_files": build.missing,
    }
    if export.community is not None:
        manifest["community"] = {"name": export.community.name, "slug": export.community.slug}
    return manifest


def _fail(export: Export, reason: str) -> None:
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.FAILED, finished_at=timezone.now(), failure=reason[:300], step=""
    )


def build(export_id: int) -> str:
    """Make the export `export_id`. Safe to run again: a finished export is
    left alone, and one left half-made by a dead worker is made anew."""
    export = _claim(export_id)
    if export is None:
        return "finished already"
    try:
        _check_still_allowed(export)
    except ExportRefused as refusal:
        _fail(export, str(refusal))
        return "refused"
    plan = _plan_of(export)
    steps = plan.STEPS
    name = f"{secrets.token_hex(16)}.zip"
    progress = _Progress(export.pk, len(steps) + 1)
    partial = None
    doing = "Starting"
    try:
        folder = export_dir()
        partial = folder / f"{PARTIAL_PREFIX}{name}"
        # What Copse writes in the archive (its README, the calendar's names,
        # a fallback name) is in the language of the person who asked for
        # it, whatever language the worker was left in.
        with ArchiveWriter(partial) as writer, in_language_of(export.requested_by):
            build_ = Build(export=export, reader=export.requested_by, writer=writer)
            build_.report = progress.within
            writer.write_chunks("README.txt", [plan.README.text().encode()])
            for index, step in enumerate(steps):
                doing = step.label
                progress.start(index, step.label)
                step.run(build_)
            doing = gettext_noop("Writing the manifest")
            progress.start(len(steps), doing)
            writer.finish(_manifest(build_))
        digest, size = _digest(partial)
        os.replace(partial, folder / name)
    except Exception as error:  # every failure is told to the requester, none is a crash
        if partial is not None:
            partial.unlink(missing_ok=True)
        why = failure_of(error)
        # The class and the step, never the message: it may quote content.
        log.error(
            "export %s failed at %r: %s%s",
            export.pk,
            doing,
            type(error).__name__,
            f" ({why})" if why else "",
        )
        _fail(export, STORAGE_FAILURE if why else GENERIC_FAILURE)
        return "failed"
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.READY,
        finished_at=now,
        expires_at=expiry_from(now),
        progress=100,
        step="",
        file_name=name,
        size=size,
        sha256=digest,
        counts=build_.counts,
        failure="",
    )
    log.info("export %s ready: %s bytes", export.pk, size)
    return "ready"


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def path_of(export: Export) -> Path | None:
    if not export.file_name:
        return None
    return export_dir() / export.file_name
