"""Asking for an export and downloading it: one function per action, each
asking the permission core first and writing the audit log.

An export is made later, by a worker (`tasks.build_export`); asking only
records the wish and queues the work. At most one export of a community, and
one of a person's own data, is waiting or being made at a time: the
database's unique constraints hold that, whoever asks at the same moment.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.exports.building import path_of
from copse.exports.models import Export
from copse.exports.tasks import build_export


class NotAllowed(UserFacingError):
    title = gettext_lazy("Not allowed")
    status = 403


class AlreadyUnderWay(UserFacingError):
    title = gettext_lazy("An export is already being prepared")
    status = 409

    def __init__(self, message: str, export: Export | None):
        super().__init__(message)
        self.export = export


class Expired(UserFacingError):
    title = gettext_lazy("This export has expired")
    status = 410

    def __init__(self, export: Export):
        super().__init__(
            _("Archives are kept for a short time only, and this one is gone. Ask for a new one.")
        )
        self.export = export


def _under_way(**where) -> Export | None:
    return (
        Export.objects.filter(status__in=Export.UNDER_WAY, **where)
        .select_related("requested_by", "community")
        .first()
    )


def _create(*, actor, kind: str, community, busy_message) -> Export:
    try:
        with transaction.atomic():
            export = Export.objects.create(kind=kind, community=community, requested_by=actor)
    except IntegrityError as error:
        if kind == Export.Kind.COMMUNITY:
            running = _under_way(kind=kind, community=community)
        else:
            running = _under_way(kind=kind, requested_by=actor)
        raise AlreadyUnderWay(busy_message(running), running) from error
    return export


def request_community_export(*, actor, community) -> Export:
    """Queue an archive of everything `community` holds, as `actor` (one of
    its facilitators) may read it."""
    if not permissions.can(actor, "community.export_all", community):
        raise NotAllowed(_("Only the community's facilitators can export it."))

    def busy(running: Export | None) -> str:
        if running is None or running.requested_by_id == actor.pk:
            return _(
                "An export of %(community)s is already being prepared (asked for by you). "
                "One runs at a time; ask again once it is ready."
            ) % {"community": community.name}
        return _(
            "An export of %(community)s is already being prepared (asked for by %(person)s). "
            "One runs at a time; ask again once it is ready."
        ) % {"community": community.name, "person": running.requested_by.name}

    with transaction.atomic():
        export = _create(
            actor=actor, kind=Export.Kind.COMMUNITY, community=community, busy_message=busy
        )
        record(
            actor=actor,
            action="export.community_requested",
            community=community,
            export_id=export.pk,
        )
        transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


def request_personal_export(*, actor) -> Export:
    """Queue an archive of everything about `actor` and everything they wrote."""
    if not permissions.can(actor, "account.export_data"):
        raise NotAllowed(_("Sign in to download your data."))

    def busy(running: Export | None) -> str:
        return _("A copy of your data is already being prepared. Ask again once it is ready.")

    with transaction.atomic():
        export = _create(actor=actor, kind=Export.Kind.PERSONAL, community=None, busy_message=busy)
        record(actor=actor, action="export.personal_requested", subject=actor, export_id=export.pk)
        transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


def open_download(*, actor, export: Export):
    """The archive's file, opened for `actor`, and the download recorded.

    Asked again now, not when it was made: a facilitator who stepped down
    since gets nothing. The caller has found `export` through the selectors
    (a 404 for anyone else); this refuses again whoever calls it."""
    if not permissions.can(actor, "export.read", export):
        raise NotAllowed(_("This archive is not yours to download."))
    if export.is_expired:
        raise Expired(export)
    path = path_of(export)
    if not export.is_ready or path is None:
        raise NotAllowed(_("This archive is not ready yet."))
    try:
        handle = path.open("rb")
    except FileNotFoundError as error:
        raise Expired(export) from error
    Export.objects.filter(pk=export.pk).update(
        last_downloaded_at=timezone.now(), download_count=F("download_count") + 1
    )
    if export.kind == Export.Kind.COMMUNITY:
        record(
            actor=actor,
            action="export.community_downloaded",
            community=export.community,
            export_id=export.pk,
        )
    else:
        record(actor=actor, action="export.personal_downloaded", subject=actor, export_id=export.pk)
    return handle
