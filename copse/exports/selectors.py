"""Reading exports as their requester may: the lists on the export pages and
one export, or a 404 for anyone else (`export.read`)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from copse.core import permissions
from copse.exports.models import Export

# The export pages list what was asked for this recently: every archive
# expires long before, so older rows say nothing a person can use.
SHOWN_FOR = dt.timedelta(days=30)
SHOWN_AT_MOST = 20


def _recent(**where):
    return (
        Export.objects.filter(requested_at__gte=timezone.now() - SHOWN_FOR, **where)
        .select_related("community")
        .order_by("-requested_at", "-id")[:SHOWN_AT_MOST]
    )


def community_exports(viewer, community) -> list[Export]:
    """The viewer's own recent exports of `community` (the caller checked
    `community.export_all`)."""
    return list(_recent(kind=Export.Kind.COMMUNITY, community=community, requested_by=viewer))


def community_export_under_way(community) -> Export | None:
    """Whichever facilitator's export of `community` is waiting or being
    made: the one that keeps another from starting."""
    return (
        Export.objects.filter(
            kind=Export.Kind.COMMUNITY, community=community, status__in=Export.UNDER_WAY
        )
        .select_related("requested_by", "community")
        .first()
    )


def personal_exports(viewer) -> list[Export]:
    return list(_recent(kind=Export.Kind.PERSONAL, requested_by=viewer))


def community_export_for(viewer, community, export_id: int) -> Export:
    export = (
        Export.objects.filter(pk=export_id, kind=Export.Kind.COMMUNITY, community=community)
        .select_related("community")
        .first()
    )
    if export is None:
        raise Http404
    permissions.require_or_404(viewer, "export.read", export)
    return export


def personal_export_for(viewer, export_id: int) -> Export:
    export = Export.objects.filter(pk=export_id, kind=Export.Kind.PERSONAL).first()
    if export is None:
        raise Http404
    permissions.require_or_404(viewer, "export.read", export)
    return export
