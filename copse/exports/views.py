"""The export pages: asking for an archive, watching it being made (the
status page polls itself through htmx, and has a link to look again without
JavaScript), and downloading it through a permission check made again at
that moment."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe
from django_htmx.http import HTMX_STOP_POLLING

from copse.communities.selectors import community_by_slug_for
from copse.core.errors import UserFacingError
from copse.exports import selectors, services
from copse.exports.models import Export


def _community(request, slug):
    return community_by_slug_for(request.user, slug, "community.export_all")


def _community_page(request, community, *, refusal: str = "", status: int = 200):
    return render(
        request,
        "exports/community.html",
        {
            "community": community,
            "refusal": refusal,
            "exports": selectors.community_exports(request.user, community),
            "under_way": selectors.community_export_under_way(community),
            "days": settings.COPSE_EXPORT_DAYS,
        },
        status=status,
    )


@login_required
@require_safe
def community_exports(request, slug):
    return _community_page(request, _community(request, slug))


@login_required
@require_POST
def community_new(request, slug):
    community = _community(request, slug)
    try:
        export = services.request_community_export(actor=request.user, community=community)
    except UserFacingError as refusal:
        return _community_page(request, community, refusal=refusal.message, status=refusal.status)
    return redirect(export.get_absolute_url())


def _status(request, export: Export, context: dict):
    context = {**context, "export": export, "days": settings.COPSE_EXPORT_DAYS}
    if request.htmx:
        # 286 tells htmx to stop asking once nothing more will change.
        return render(
            request,
            "exports/status.html#status",
            context,
            status=HTMX_STOP_POLLING if export.is_finished else 200,
        )
    return render(request, "exports/status.html", context)


@login_required
@require_safe
def community_status(request, slug, export_id):
    community = _community(request, slug)
    export = selectors.community_export_for(request.user, community, export_id)
    return _status(request, export, {"community": community})


@login_required
@require_GET
def community_download(request, slug, export_id):
    community = _community(request, slug)
    export = selectors.community_export_for(request.user, community, export_id)
    day = timezone.localdate(export.finished_at or timezone.now()).isoformat()
    return _download(request, export, f"{community.slug}-export-{day}.zip", community=community)


@login_required
@require_safe
def personal_exports(request):
    return _personal_page(request)


def _personal_page(request, *, refusal: str = "", status: int = 200):
    exports = selectors.personal_exports(request.user)
    return render(
        request,
        "exports/personal.html",
        {
            "exports": exports,
            "under_way": next((e for e in exports if e.is_under_way), None),
            "days": settings.COPSE_EXPORT_DAYS,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_POST
def personal_new(request):
    try:
        export = services.request_personal_export(actor=request.user)
    except UserFacingError as refusal:
        return _personal_page(request, refusal=refusal.message, status=refusal.status)
    return redirect(export.get_absolute_url())


@login_required
@require_safe
def personal_status(request, export_id):
    export = selectors.personal_export_for(request.user, export_id)
    return _status(request, export, {})


@login_required
@require_GET
def personal_download(request, export_id):
    export = selectors.personal_export_for(request.user, export_id)
    day = timezone.localdate(export.finished_at or timezone.now()).isoformat()
    return _download(request, export, f"copse-my-data-{day}.zip")


def _download(request, export: Export, filename: str, *, community=None):
    if not export.is_expired and not export.is_ready:
        # Waiting, being made or failed: the status page says which.
        return redirect(export.get_absolute_url())
    try:
        handle = services.open_download(actor=request.user, export=export)
    except services.Expired:
        return render(
            request,
            "exports/expired.html",
            {"export": export, "community": community, "days": settings.COPSE_EXPORT_DAYS},
            status=410,
        )
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
