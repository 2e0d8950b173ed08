"""Thin views of the library: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.library import selectors, services
from copse.library.forms import ItemForm


@require_GET
def item_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    page = selectors.items_for(
        request.user, community, kind=request.GET.get("kind", ""), after=request.GET.get("after")
    )
    return render(
        request,
        "library/list.html",
        {
            "community": community,
            "page": page,
            "may_add": permissions.can(request.user, "library.add", community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_item(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    permissions.require_or_404(request.user, "library.add", community)
    status = 200
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, community=community)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.create_item(
                    actor=request.user,
                    community=community,
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    topic_areas=data["topic_areas"],
                    body=data["body"],
                    uploaded_file=data["file"],
                    link_url=data["link_url"],
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Added to the library.")
                return redirect(item.get_absolute_url())
    else:
        form = ItemForm(community=community)
    return render(
        request, "library/add.html", {"community": community, "form": form}, status=status
    )


@require_GET
def item_detail(request, item_id):
    item = selectors.item_for(request.user, item_id)
    return render(
        request,
        "library/item.html",
        {
            "item": item,
            "community": item.community,
            "versions": selectors.versions_of(item),
            "names_community": permissions.can(request.user, "community.view", item.community),
        },
    )


@require_GET
def download_version(request, item_id, number):
    """Files are only ever sent here, after the permission check, as attachments."""
    item = selectors.item_for(request.user, item_id)
    version = selectors.version_of(item, number)
    if version is None or not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
