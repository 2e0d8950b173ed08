"""The facilitator's pages for inviting many people from a CSV list:
upload, the preview of every row, and the confirmation that sends."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copse.communities.selectors import community_by_slug_for
from copse.core.errors import UserFacingError
from copse.core.uploads import refusal
from copse.member_imports import parsing, selectors, services
from copse.member_imports.forms import ConfirmForm, UploadForm
from copse.member_imports.models import MemberImport


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, slug):
    community = community_by_slug_for(request.user, slug, "community.invite")
    status = 200
    form = UploadForm()
    if request.method == "POST":
        too_big = refusal(request)
        form = UploadForm(request.POST, request.FILES)
        if too_big:
            form.is_valid()
            form.add_error("file", " ".join([too_big, _("Choose a smaller file.")]))
            status = 413
        elif form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                # Refused before it is read into memory.
                parsing.check_size(uploaded.size)
                member_import = services.upload(
                    actor=request.user,
                    community=community,
                    file_name=uploaded.name,
                    data=uploaded.read(),
                )
            except UserFacingError as error:
                form.add_error(
                    "file", " ".join([str(error.message), _("Then choose the file again.")])
                )
                status = error.status
            else:
                return redirect(
                    "member_imports:preview", slug=community.slug, import_id=member_import.pk
                )
        else:
            status = 400
    return render(
        request,
        "member_imports/upload.html",
        {
            "community": community,
            "form": form,
            "columns": parsing.COLUMN_LIST,
            "waiting": selectors.waiting_imports(request.user, community),
        },
        status=status,
    )


def _stale(request, community, error: UserFacingError):
    return render(
        request,
        "member_imports/stale.html",
        {"community": community, "title": error.title, "message": error.message},
        status=error.status,
    )


@login_required
@require_safe
def preview(request, slug, import_id):
    community = community_by_slug_for(request.user, slug, "community.invite")
    member_import = selectors.import_for(request.user, community, import_id)
    member_import.community = community
    if member_import.state == MemberImport.State.WAITING and member_import.is_expired:
        return _stale(request, community, services.ImportStale(str(services.EXPIRED)))
    return _preview_page(request, community, member_import, ConfirmForm())


def _preview_page(request, community, member_import, form, status=200):
    assessment = (
        selectors.assess(member_import, viewer=request.user)
        if member_import.state == MemberImport.State.WAITING
        else None
    )
    return render(
        request,
        "member_imports/preview.html",
        {
            "community": community,
            "member_import": member_import,
            "assessment": assessment,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def confirm(request, slug, import_id):
    community = community_by_slug_for(request.user, slug, "community.invite")
    member_import = selectors.import_for(request.user, community, import_id)
    member_import.community = community
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _preview_page(request, community, member_import, form, status=400)
    try:
        sent = services.confirm(
            actor=request.user, member_import=member_import, message=form.cleaned_data["message"]
        )
    except services.ImportStale as error:
        return _stale(request, community, error)
    except UserFacingError as error:
        form.add_error(None, error.message)
        return _preview_page(request, community, member_import, form, status=error.status)
    messages.success(
        request,
        ngettext(
            "%(count)s invitation sent. Each person gets a link by mail; "
            "the open invitations are listed below.",
            "%(count)s invitations sent. Each person gets a link by mail; "
            "the open invitations are listed below.",
            sent,
        )
        % {"count": sent},
    )
    return redirect("memberships:manage", slug=community.slug)


@login_required
@require_POST
def discard(request, slug, import_id):
    community = community_by_slug_for(request.user, slug, "community.invite")
    member_import = selectors.import_for(request.user, community, import_id)
    member_import.community = community
    try:
        services.discard(actor=request.user, member_import=member_import)
    except services.ImportStale as error:
        return _stale(request, community, error)
    messages.success(request, _("The list was thrown away. Nobody was invited from it."))
    return redirect("memberships:manage", slug=community.slug)
