"""Thin views of the library: parse, call a selector or a service, render.

Forms re-render with what was typed and status 400 when something is wrong.
Files are sent only by the two download views, after the permission core (or
a public link's check) said yes, as attachments.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions, uploads
from copse.core.errors import UserFacingError
from copse.library import selectors, services
from copse.library.forms import (
    AdaptForm,
    DetailsForm,
    ItemForm,
    ReuseForm,
    SaveAttachmentForm,
    ShareForm,
    VersionForm,
    tag_names,
    title_from_file_name,
)
from copse.library.models import WRITTEN_KINDS, LibraryItem

# What a file left behind when a form came back: browsers never send it twice.
FILE_AGAIN = gettext_lazy(
    "If the form comes back with a message, choose the file again: browsers do not send it twice."
)


def _refused_upload(request, form) -> bool:
    """Whether the file was stopped while it was received (`core.uploads`):
    then the form says so at its file field, with what was typed kept."""
    refused = uploads.refusal(request)
    if refused:
        form.is_valid()
        form.add_error(
            "file",
            _("%(refusal)s Choose a smaller file; what you typed is kept.") % {"refusal": refused},
        )
    return bool(refused)


@require_GET
def item_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    filters = selectors.Filters.from_query(request.GET, community)
    page = selectors.items_for(
        request.user, community, filters=filters, after=request.GET.get("after")
    )
    return render(
        request,
        "library/list.html",
        {
            "community": community,
            "page": page,
            "filters": filters,
            "filter_query": filters.as_query(),
            "kinds": LibraryItem.Kind.choices,
            "tags": selectors.tags_in_library(request.user, community),
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
        if _refused_upload(request, form):
            status = 413
        elif form.is_valid():
            data = form.cleaned_data
            try:
                item = services.create_item(
                    actor=request.user,
                    community=community,
                    kind=data["kind"],
                    title=data["title"],
                    description=data["description"],
                    topic_areas=data["topic_areas"],
                    tag_names=tag_names(data["tags"]),
                    body=data["body"],
                    uploaded_file=data["file"],
                    link_url=data["link_url"],
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Added to the library."))
                return redirect(item.get_absolute_url())
    else:
        form = ItemForm(community=community)
    return render(
        request,
        "library/add.html",
        {"community": community, "form": form, "file_again": FILE_AGAIN},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def save_attachment(request, slug, attachment_id):
    """ "Save to library" on a post's file: an item of the post's community,
    credited to the post's author. A file saved already leads to its item."""
    attachment = selectors.attachment_to_save(request.user, slug, attachment_id)
    post = attachment.post
    community = post.community
    existing = services.saved_item_of(attachment)
    if existing is not None:
        messages.info(request, _("That file is in the library already."))
        return redirect(existing.get_absolute_url())
    form = SaveAttachmentForm(
        request.POST or None,
        community=community,
        initial={"title": title_from_file_name(attachment.original_name)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.save_attachment(
                actor=request.user,
                attachment=attachment,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                topic_areas=data.get("topic_areas") or [],
                tag_names=tag_names(data["tags"]),
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Saved to the library, credited to %(credit)s.") % {"credit": item_credit(item)},
            )
            return redirect(item.get_absolute_url())
    return render(
        request,
        "library/save_attachment.html",
        {
            "community": community,
            "attachment": attachment,
            "post": post,
            "thread": post.thread,
            "credit": services.post_credit(post),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def item_credit(item) -> str:
    return _(" and ").join(str(author) for author in item.authors.all())


@require_GET
def item_detail(request, item_id):
    item = selectors.item_for(request.user, item_id)
    page = selectors.item_page(request.user, item)
    return render(
        request,
        "library/item.html",
        {
            "item": item,
            "community": item.community,
            "page": page,
            "versions": page.versions,
            "names_community": page.names_community,
            "written": item.kind in WRITTEN_KINDS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_details(request, item_id):
    item = selectors.item_to_change(request.user, item_id, "library_item.edit")
    initial = {
        "title": item.title,
        "description": item.description,
        "topic_areas": item.topic_areas,
        "tags": ", ".join(tag.name for tag in item.tags.all()),
        "link_url": item.link_url,
    }
    form = DetailsForm(request.POST or None, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_details(
                actor=request.user,
                item=item,
                title=data["title"],
                description=data["description"],
                topic_areas=data["topic_areas"],
                tag_names=tag_names(data["tags"]),
                link_url=data.get("link_url"),
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Details saved."))
            return redirect(item.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "library/edit.html", {"item": item, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new_version(request, item_id):
    item = selectors.item_to_change(request.user, item_id, "library_item.edit")
    if item.kind == LibraryItem.Kind.LINK:
        raise Http404
    current = item.versions.order_by("-number").first()
    status = 200
    if request.method == "POST":
        form = VersionForm(request.POST, request.FILES, item=item)
        status = 400
        if "file" in form.fields and _refused_upload(request, form):
            status = 413
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.add_version(
                    actor=request.user,
                    item=item,
                    body=data.get("body") or "",
                    uploaded_file=data.get("file"),
                    change_note=data["change_note"],
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("New version saved."))
                return redirect(item.get_absolute_url())
    else:
        body = current.body_markdown if current is not None and not current.file else ""
        form = VersionForm(item=item, initial={"body": body})
    return render(
        request,
        "library/new_version.html",
        {"item": item, "form": form, "current": current, "file_again": FILE_AGAIN},
        status=status,
    )


@require_GET
def version_detail(request, item_id, number):
    item = selectors.item_for(request.user, item_id)
    view = selectors.version_view(item, number)
    if view is None:
        raise Http404
    return render(request, "library/version.html", {"item": item, "view": view})


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, item_id):
    item = selectors.item_to_change(request.user, item_id, "library_item.remove")
    if request.method == "POST":
        services.remove_item(actor=request.user, item=item)
        messages.success(
            request, _("“%(title)s” was removed from the library.") % {"title": item.title}
        )
        if permissions.can(request.user, "community.read", item.community):
            return redirect("library:list", slug=item.community.slug)
        return redirect("communities:directory")
    return render(request, "library/remove.html", {"item": item})


@login_required
@require_http_methods(["GET", "POST"])
def share(request, item_id):
    """Who beyond the community may read the item: the author chooses, then
    confirms a sentence that names who that is. Back to the community only
    needs no confirmation, and a public link stops working at once."""
    item = selectors.item_for(request.user, item_id)
    may_share = permissions.can(request.user, "library_item.share", item)
    may_withdraw = item.sharing != LibraryItem.Sharing.COMMUNITY and (
        may_share or permissions.can(request.user, "library_item.edit", item)
    )
    if not (may_share or may_withdraw):
        raise Http404
    form = ShareForm(request.POST or None, initial={"sharing": item.sharing})
    if not may_share:
        form.fields["sharing"].choices = [
            c for c in form.fields["sharing"].choices if c[0] == LibraryItem.Sharing.COMMUNITY
        ]
    readers = None
    if request.method == "POST" and form.is_valid():
        sharing = form.cleaned_data["sharing"]
        try:
            if sharing == LibraryItem.Sharing.COMMUNITY:
                if item.sharing != sharing:
                    services.withdraw_sharing(actor=request.user, item=item)
                    messages.success(
                        request, _("Sharing withdrawn: only the community reads it now.")
                    )
                return redirect(item.get_absolute_url())
            if sharing == item.sharing:
                return redirect(item.get_absolute_url())
            if request.POST.get("confirm") != "1":
                readers = selectors.readers_after_sharing(item, sharing)
            else:
                services.share_item(actor=request.user, item=item, sharing=sharing, confirmed=True)
                messages.success(request, _("Shared."))
                return redirect(item.get_absolute_url())
        except UserFacingError as error:
            form.add_error(None, error.message)
    status = 400 if form.errors else 200
    return render(
        request,
        "library/share.html",
        {
            "item": item,
            "form": form,
            "readers": readers,
            "may_share": may_share,
            "names_community": permissions.can(request.user, "community.view", item.community),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def adapt(request, item_id):
    item = selectors.item_to_change(request.user, item_id, "library_item.adapt")
    destinations = selectors.adapt_destinations(request.user)
    if not destinations:
        raise Http404
    initial = {
        "title": item.title,
        "description": item.description,
        "tags": ", ".join(tag.name for tag in item.tags.all()),
    }
    if len(destinations) == 1:
        initial["community"] = destinations[0].pk
    form = AdaptForm(request.POST or None, destinations=destinations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = next(c for c in destinations if c.pk == data["community"])
        try:
            adapted = services.adapt_item(
                actor=request.user,
                item=item,
                community=community,
                title=data["title"],
                description=data["description"],
                tag_names=tag_names(data["tags"]),
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Adapted into %(name)s, with credit.") % {"name": community.name}
            )
            return redirect(adapted.get_absolute_url())
    status = 400 if form.errors else 200
    return render(
        request,
        "library/adapt.html",
        {"item": item, "form": form, "credit": services.adapted_credit_of(item)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_reuse(request, item_id):
    item = selectors.item_to_change(request.user, item_id, "library_item.record_reuse")
    form = ReuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_reuse(
                actor=request.user,
                item=item,
                note=form.cleaned_data["note"],
                hours_saved=form.cleaned_data["hours_saved"],
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you: your re-use is recorded and its authors are told.")
            )
            return redirect(item.get_absolute_url() + "#reuses")
    status = 400 if form.errors else 200
    return render(request, "library/reuse.html", {"item": item, "form": form}, status=status)


def _file_response(version):
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


@require_GET
def download_version(request, item_id, number):
    """Files are only ever sent here, after the permission check, as attachments."""
    item = selectors.item_for(request.user, item_id)
    version = selectors.version_of(item, number)
    if version is None or not version.file:
        raise Http404
    return _file_response(version)


def _unlisted(response):
    """A public link's answers: kept out of search engines, never sent on as
    a referrer (the address is the secret), never cached anywhere."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def shared_item(request, token):
    """The item behind a public link, for anyone holding it, on a page that
    shows nothing else of the site: not its community, not its other items."""
    item = selectors.shared_item(token)
    response = render(
        request,
        "library/shared.html",
        {
            "item": item,
            "token": token,
            "versions": selectors.versions_of(item),
        },
    )
    return _unlisted(response)


@require_GET
def shared_download(request, token, number):
    item = selectors.shared_item(token)
    version = selectors.version_of(item, number)
    if version is None or not version.file:
        raise Http404
    return _unlisted(_file_response(version))
