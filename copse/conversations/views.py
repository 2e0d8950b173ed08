"""Conversation pages. Views parse input, call selectors and services, render.

Every form works as a plain POST; htmx only swaps fragments (the thread list
when filtering, the draft status while typing). The new-thread and reply
forms are multipart, for the files they may carry.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from copse.communities.models import Community
from copse.communities.selectors import community_by_slug_for
from copse.conversations import links, selectors, services, thread_posts
from copse.conversations.attachments import AttachmentError
from copse.conversations.forms import (
    CatalogueEntryForm,
    EditPostForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
    SummaryForm,
    ThreadForm,
)
from copse.conversations.models import Post, Tag, Thread, thread_page_url
from copse.conversations.rendering import quote_of
from copse.core import cursors, permissions, uploads
from copse.core.errors import UserFacingError
from copse.notifications.services import mark_read_about

# A browser sends a chosen file once: when a post is refused, its files must be chosen again.
CHOOSE_AGAIN = gettext_lazy("Nothing was posted and your text is kept: choose the files again.")
NOT_KEPT = gettext_lazy(
    "Nothing was posted, so the files you chose were not kept: choose them again."
)


def _community(request, slug, action="community.read"):
    return community_by_slug_for(request.user, slug, action)


def _library_choices(request, community, wanted=None) -> list:
    """The library items the person may link under a post here, with the one
    sent in the form or `wanted` (an item page's "Mention in a conversation"
    link), if they may link it."""
    linker = links.linker()
    if linker is None:
        return []
    if request.method == "POST":
        wanted = cursors.integer(request.POST.get("library_item"), minimum=1)
    return linker.choices(request.user, community, wanted)


def _post(request, community, post_id) -> Post:
    post = (
        Post.objects.select_related("thread__community", "author")
        .filter(pk=post_id, community=community)
        .first()
    )
    if post is None:
        raise Http404
    permissions.require_or_404(request.user, "thread.read", post.thread)
    return post


def thread_list(request, slug):
    community = _community(request, slug)
    filters = selectors.ThreadFilters.from_query(request.GET)
    page = selectors.threads_for(request.user, community, filters, after=request.GET.get("after"))
    since = services.record_visit(actor=request.user, community=community)
    context = {
        "community": community,
        "page": page,
        "filters": filters,
        "filter_query": urlencode(filters.as_query()),
        "since": since,
        "new_count": selectors.new_since_last_visit(request.user, community, since),
        "can_start": permissions.can(request.user, "community.contribute", community),
    }
    if request.htmx:
        return render(request, "conversations/thread_list.html#thread-rows", context)
    return render(request, "conversations/thread_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new_thread(request, slug):
    community = _community(request, slug)
    if not permissions.can(request.user, "community.contribute", community):
        return _cannot_contribute(request, community)
    may_announce = permissions.may_start_thread(request.user, community, "announcement")
    draft = selectors.draft_for(request.user, community)
    mentioned = cursors.integer(request.GET.get("library_item"), minimum=1)
    initial = {"kind": request.GET.get("kind", "discussion"), "library_item": mentioned}
    if draft:
        initial.update(title=draft.title, body=draft.body)
    form = ThreadForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        may_announce=may_announce,
        library_choices=_library_choices(request, community, mentioned),
    )
    status = 200
    if request.method == "POST":
        thread, status = _post_with_files(
            request,
            form,
            lambda data: services.start_thread(
                actor=request.user,
                community=community,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                tag_names=form.tag_names(),
                files=data["files"],
                library_item=data.get("library_item"),
            ),
        )
        if thread is not None:
            return redirect(thread.get_absolute_url())
    if request.method == "POST" and form.errors:
        services.save_draft(
            actor=request.user,
            community=community,
            thread=None,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        )
    return render(
        request,
        "conversations/new_thread.html",
        {"community": community, "form": form, "draft": draft},
        status=status,
    )


def _post_with_files(request, form, write):
    """Validate `form` (text and files) and make the post with `write(cleaned_data)`.

    Returns (what `write` returned, 200), or (None, status) with the reasons
    in the form: 413 when a file passed the size limit while it was received
    (`core.uploads`), 400 for anything else. Whenever files were chosen and
    nothing was posted, the file field says to choose them again.
    """
    refused = uploads.refusal(request)
    valid = form.is_valid()
    if refused:
        form.add_error("files", f"{refused} {CHOOSE_AGAIN}")
        return None, 413
    if valid:
        try:
            return write(form.cleaned_data), 200
        except AttachmentError as error:
            form.add_error("files", f"{error.message} {CHOOSE_AGAIN}")
        except UserFacingError as error:
            form.add_error(None, error.message)
    if request.FILES.getlist("files") and "files" not in form.errors:
        form.add_error("files", str(NOT_KEPT))
    return None, 400


def _cannot_contribute(request, community):
    standing = permissions.standing(request.user, community)
    if standing.is_seated and standing.membership.norms_accepted < community.norms_version:
        messages.warning(request, _("The norms changed: accept the new version to post again."))
        return redirect("norms:current", slug=community.slug)
    raise Http404


def thread_detail(request, slug, thread_id):
    thread = selectors.thread_with_viewer(request.user, thread_id)
    if thread is None:
        raise Http404
    if thread.community.slug != slug:
        # An old link to a thread that was moved: follow it if the reader may.
        return jump_to_thread(request, thread_id)
    community = thread.community
    permissions.require_or_404(request.user, "community.view", community)
    permissions.require_or_404(request.user, "thread.read", thread)
    read_position = getattr(thread, "viewer_read_position", None)
    if (
        request.GET.get("unread") == "1"
        and read_position is not None
        and read_position < thread.last_position
    ):
        # The page that holds the first unread post, scrolled to it.
        first_unread = read_position + 1
        return redirect(f"{thread_page_url(thread, first_unread)}#post-{first_unread}")
    shown = thread_posts.ShownPage(
        thread,
        after=cursors.integer(request.GET.get("after", ""), minimum=-1),
        last=request.GET.get("page") == "last",
    )
    if request.user.is_authenticated:
        seen = shown.seen
        if seen is not None and (read_position is None or seen > read_position):
            # Read positions only move on: a page read before writes nothing.
            services.mark_read(actor=request.user, thread=thread, position=seen)
        if getattr(thread, "viewer_unread_notices", False):
            # Opening the thread answers its notifications: replies, mentions, helpful marks.
            mark_read_about(
                user=request.user, targets={Thread: [thread.pk], Post: thread.posts.all()}
            )
    reply_form = None
    can_reply = permissions.can(request.user, "thread.reply", thread)
    if can_reply:
        body = getattr(thread, "viewer_draft", None) or ""
        quote_id = cursors.integer(request.GET.get("quote"), minimum=1)
        if quote_id is not None:
            quoted = (
                Post.objects.filter(pk=quote_id, thread=thread, removed_at__isnull=True)
                .select_related("author")
                .first()
            )
            if quoted is not None:
                body = body + quote_of(quoted)
        reply_form = ReplyForm(
            initial={"body": body}, library_choices=_library_choices(request, community)
        )
    context = _thread_context(request, thread, shown, reply_form, can_reply, read_position)
    context["subscription"] = getattr(thread, "viewer_subscription", None)
    return render(request, "conversations/thread.html", context)


def _thread_context(request, thread, shown, reply_form, can_reply, read_position):
    user = request.user
    community = thread.community
    context = {
        "community": community,
        "thread": thread,
        "reply_form": reply_form,
        "can_reply": can_reply,
        "read_position": read_position,
        "can_moderate": permissions.can(user, "thread.moderate", thread),
        "is_asker": permissions.can(user, "ask.mark_helpful", thread),
        # Written while the community was more private: it stays so.
        "kept_private": permissions.thread_visibility(thread) != community.visibility,
        "user_id": getattr(user, "pk", None),
        "may_contribute": permissions.can(user, "community.contribute", community),
        "tags": shown.tags,
    }
    if thread.is_ask:
        context["stats"] = shown.ask_stats
    context["posts_html"] = shown.render(request, context)
    return context


@login_required
@require_POST
def reply(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    form = ReplyForm(
        request.POST, request.FILES, library_choices=_library_choices(request, community)
    )
    post, status = _post_with_files(
        request,
        form,
        lambda data: services.post_reply(
            actor=request.user,
            thread=thread,
            body=data["body"],
            files=data["files"],
            library_item=data.get("library_item"),
        ),
    )
    if post is not None:
        return _show_post(request, post)
    # Keep what was typed: as a draft for later, and in the form now.
    services.save_draft(
        actor=request.user,
        community=community,
        thread=thread,
        title="",
        body=request.POST.get("body", ""),
    )
    context = _thread_context(
        request,
        thread,
        thread_posts.ShownPage(thread, last=True),
        form,
        permissions.can(request.user, "thread.reply", thread),
        selectors.read_position(request.user, thread),
    )
    context["subscription"] = selectors.subscription_level(request.user, thread)
    return render(request, "conversations/thread.html", context, status=status)


@login_required
@require_POST
def save_draft(request, slug):
    """Autosave from the reply or new-thread box (htmx), and the no-JS "Save draft" button."""
    community = _community(request, slug)
    thread = None
    thread_id = cursors.integer(request.POST.get("thread"), minimum=1)
    if thread_id is not None:
        thread = selectors.thread_for(request.user, community, thread_id)
    services.save_draft(
        actor=request.user,
        community=community,
        thread=thread,
        title=request.POST.get("title", ""),
        body=request.POST.get("body", ""),
    )
    if request.htmx:
        return HttpResponse(format_html('<span class="muted">{}</span>', _("Draft saved")))
    messages.success(request, _("Draft saved. It will be here when you come back."))
    if request.FILES or uploads.refusal(request):
        messages.info(request, _("A draft keeps only the text: attach the files when you post."))
    return redirect(
        thread.get_absolute_url() if thread else reverse("conversations:new", args=[slug])
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request, slug, post_id):
    community = _community(request, slug)
    post = _post(request, community, post_id)
    permissions.require_or_404(request.user, "post.edit", post)
    initial = {"body": post.body, "title": post.thread.title if post.is_opening else ""}
    form = EditPostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                actor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"] if post.is_opening else None,
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved. Earlier versions stay in the history."))
            return _show_post(request, post)
    return render(
        request,
        "conversations/edit_post.html",
        {"community": community, "post": post, "form": form},
        status=400 if form.errors else 200,
    )


def _show_post(request, post):
    """After an action on a post: the page of the thread that holds it, with
    the question first, scrolled to the post. An htmx request is told to load
    that page whole, so the anchor scrolls as it does without JavaScript."""
    url = post.get_absolute_url()
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def remove_post(request, slug, post_id):
    community = _community(request, slug)
    post = _post(request, community, post_id)
    permissions.require_or_404(request.user, "post.remove", post)
    form = ReasonForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_post(actor=request.user, post=post, reason=form.cleaned_data["reason"])
        except UserFacingError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Removed."))
            if post.is_opening:
                return redirect("conversations:list", slug=slug)
            return _show_post(request, post)
    return render(
        request,
        "conversations/remove_post.html",
        {
            "community": community,
            "post": post,
            "form": form,
            "by_author": post.author_id == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


def post_history(request, slug, post_id):
    community = _community(request, slug)
    post = _post(request, community, post_id)
    return render(
        request,
        "conversations/post_history.html",
        {
            "community": community,
            "post": post,
            "revisions": selectors.revisions_of(request.user, post),
        },
    )


@login_required
@require_POST
def mark_helpful(request, slug, post_id):
    community = _community(request, slug)
    post = _post(request, community, post_id)
    permissions.require_or_404(request.user, "ask.mark_helpful", post.thread)
    services.mark_helpful(actor=request.user, post=post, helpful=request.POST.get("helpful") != "0")
    return _show_post(request, post)


@login_required
@require_POST
def moderate(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    permissions.require_or_404(request.user, "thread.moderate", thread)
    action = request.POST.get("action")
    if action in ("pin", "unpin"):
        services.set_pinned(actor=request.user, thread=thread, pinned=action == "pin")
    elif action in ("lock", "unlock"):
        services.set_locked(actor=request.user, thread=thread, locked=action == "lock")
    else:
        messages.error(request, _("Choose pin, unpin, lock or unlock."))
    return redirect(thread.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def move_thread(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    permissions.require_or_404(request.user, "thread.moderate", thread)
    facilitated = Community.objects.filter(
        memberships__user=request.user,
        memberships__role="facilitator",
        memberships__status="active",
    ).exclude(pk=community.pk)
    form = MoveForm(request.POST or None, communities=facilitated)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.move_thread(
                actor=request.user, thread=thread, to_community=form.cleaned_data["community"]
            )
        except UserFacingError as error:
            form.add_error("community", error.message)
            status = error.status
        else:
            messages.success(request, _("Moved to %(name)s.") % {"name": thread.community.name})
            return redirect(thread.get_absolute_url())
    return render(
        request,
        "conversations/move_thread.html",
        {"community": community, "thread": thread, "form": form},
        status=400 if form.errors and status == 200 else status,
    )


@login_required
@require_POST
def subscription(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    level = request.POST.get("level") or None
    services.set_subscription(actor=request.user, thread=thread, level=level)
    messages.success(
        request,
        {
            "watching": _("You are watching this thread."),
            "muted": _("Muted: no notifications from this thread."),
        }.get(level or "", _("Back to normal notifications.")),
    )
    return redirect(thread.get_absolute_url())


@login_required
@require_POST
def close_ask(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    permissions.require_or_404(request.user, "ask.mark_helpful", thread)
    services.set_ask_closed(
        actor=request.user, thread=thread, closed=request.POST.get("closed") != "0"
    )
    return redirect(thread.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def summary(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    permissions.require_or_404(request.user, "ask.summarise", thread)
    form = SummaryForm(request.POST or None, initial={"summary": thread.summary})
    if request.method == "POST" and form.is_valid():
        services.save_summary(
            actor=request.user, thread=thread, summary=form.cleaned_data["summary"]
        )
        messages.success(request, _("Summary saved. Export it for your board below."))
        return redirect("conversations:summary", slug=slug, thread_id=thread.pk)
    return render(
        request,
        "conversations/summary.html",
        {
            "community": community,
            "thread": thread,
            "form": form,
            "stats": selectors.ask_stats(thread),
        },
        status=400 if form.errors else 200,
    )


def _summary_export_context(request, slug, thread_id):
    community = _community(request, slug)
    thread = selectors.thread_for(request.user, community, thread_id)
    permissions.require_or_404(request.user, "ask.summarise", thread)
    with_names = request.GET.get("names") == "1"
    return {
        "community": community,
        "thread": thread,
        "stats": selectors.ask_stats(thread),
        "with_names": with_names,
        "helpful": list(selectors.helpful_replies(thread)) if with_names else [],
    }


@login_required
@require_GET
def summary_print(request, slug, thread_id):
    return render(
        request,
        "conversations/summary_print.html",
        _summary_export_context(request, slug, thread_id),
    )


@login_required
@require_GET
def summary_markdown(request, slug, thread_id):
    from django.template.loader import render_to_string

    context = _summary_export_context(request, slug, thread_id)
    text = render_to_string("conversations/summary.md", context)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ask-{context["thread"].pk}-summary.md"'
    )
    return response


def tag_detail(request, slug):
    tag = selectors.tag_named(request.user, slug)
    if tag is None:
        raise Http404
    page = selectors.tag_page(request.user, slug, after=request.GET.get("after"))
    if not page.extra["count"]:
        # A tag used only where the viewer cannot read must not reveal its name.
        raise Http404
    return render(request, "conversations/tag.html", {"tag": tag, "page": page})


def tag_catalogue(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Tag.Kind.values else ""
    return render(
        request,
        "conversations/catalogue.html",
        {
            "tags": selectors.catalogue(request.user, kind or None),
            "kind": kind,
            "kinds": Tag.Kind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_manage(request):
    permissions.require_or_404(request.user, "programme.manage")
    form = CatalogueEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.add_to_catalogue(actor=request.user, **form.cleaned_data)
        except UserFacingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is in the catalogue as a %(kind)s.")
                % {"name": tag.name, "kind": tag.get_kind_display().lower()},
            )
            return redirect("conversations:catalogue_manage")
    # The catalogue's own entries: never a community's topics, whose spelling
    # belongs to that community (site admins do not read members or
    # confidential communities).
    entries = Tag.objects.filter(community__isnull=True).order_by("kind", "name")
    return render(
        request,
        "conversations/catalogue_manage.html",
        {"form": form, "entries": entries},
        status=400 if form.errors else 200,
    )


@require_GET
def attachment(request, slug, attachment_id):
    """A post's files are only ever sent here, after the permission check, as
    downloads that the browser never runs as a page."""
    found = selectors.attachment_for(request.user, slug, attachment_id)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def jump_to_thread(request, thread_id):
    """A stable link that follows a thread across moves, for those who may read it."""
    thread = get_object_or_404(Thread.objects.select_related("community"), pk=thread_id)
    permissions.require_or_404(request.user, "thread.read", thread)
    return redirect(thread.get_absolute_url())
