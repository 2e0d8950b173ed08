"""Pages of documentation projects: thin views over selectors and services.

Every form is a plain POST that works without JavaScript. A stale save of a
section answers 409 with both texts: the other person's, and the writer's own
kept in the form to merge and save again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import render_markdown
from copse.projects import merge, selectors, services
from copse.projects.forms import (
    CommentForm,
    DraftForm,
    NewProjectForm,
    ProjectForm,
    PublishForm,
    SectionForm,
)
from copse.projects.models import Section


@require_GET
def project_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    page = selectors.projects_for(request.user, community, after=request.GET.get("after"))
    return render(
        request,
        "projects/list.html",
        {
            "community": community,
            "page": page,
            "may_start": permissions.can(request.user, "project.start", community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_project(request, slug):
    community = community_by_slug_for(request.user, slug, "community.read")
    permissions.require_or_404(request.user, "project.start", community)
    writers = selectors.writers(community)
    status = 200
    if request.method == "POST":
        form = NewProjectForm(request.POST, writers=writers)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.start_project(
                    actor=request.user,
                    community=community,
                    title=data["title"],
                    goal=data["goal"],
                    due_on=data["due_on"],
                    kind=data["kind"],
                    section_titles=form.section_titles(),
                    reviewers=list(data["reviewers"]),
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The project is started. Give each section its owner."))
                return redirect(project.get_absolute_url())
    else:
        form = NewProjectForm(writers=writers)
    return render(
        request, "projects/new.html", {"community": community, "form": form}, status=status
    )


@require_GET
def project_detail(request, slug, project_id):
    project = selectors.project_for(request.user, slug, project_id)
    sections = selectors.sections_of(project)
    user = request.user
    return render(
        request,
        "projects/project.html",
        {
            "community": project.community,
            "project": project,
            "sections": sections,
            "open_sections": [s for s in sections if s.status != Section.Status.APPROVED],
            "gaps": selectors.publishing_gaps(sections),
            "contributors": selectors.contributors(project, sections),
            "may_manage": permissions.can(user, "project.manage", project),
            "may_publish": permissions.can(user, "project.publish", project),
            "may_write": permissions.can(user, "project.edit_section", project),
            "shows_item": project.published_item is not None
            and permissions.can(user, "library_item.read", project.published_item),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_project(request, slug, project_id):
    project = selectors.project_for(request.user, slug, project_id)
    permissions.require_or_404(request.user, "project.manage", project)
    writers = selectors.writers(project.community)
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, writers=writers)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_project(
                    actor=request.user,
                    project=project,
                    title=data["title"],
                    goal=data["goal"],
                    due_on=data["due_on"],
                    kind=data["kind"],
                    reviewers=list(data["reviewers"]),
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Project saved."))
                return redirect(project.get_absolute_url())
    else:
        form = ProjectForm(
            writers=writers,
            initial={
                "title": project.title,
                "goal": project.goal,
                "due_on": project.due_on,
                "kind": project.kind,
                "reviewers": list(project.reviewers.all()),
            },
        )
    return render(
        request,
        "projects/edit.html",
        {
            "community": project.community,
            "project": project,
            "form": form,
            "sections": selectors.sections_of(project),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, slug, project_id):
    project = selectors.project_for(request.user, slug, project_id)
    permissions.require_or_404(request.user, "project.publish", project)
    status = 200
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                item = services.publish(
                    actor=request.user,
                    project=project,
                    change_note=form.cleaned_data["change_note"],
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Published to the library as “%(title)s”, with credit to everyone who "
                        "wrote it."
                    )
                    % {"title": item.title},
                )
                return redirect(item.get_absolute_url())
    republishing = (
        project.published_item_id is not None and project.published_item.removed_at is None
    )
    if not republishing:
        form.fields["change_note"].label = _("A note on this first version (optional)")
    sections = selectors.sections_of(project)
    return render(
        request,
        "projects/publish.html",
        {
            "community": project.community,
            "project": project,
            "sections": sections,
            "gaps": selectors.publishing_gaps(sections),
            "contributors": selectors.contributors(project, sections),
            "republishing": republishing,
            "form": form,
        },
        status=status,
    )


# --- Sections -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def add_section(request, slug, project_id):
    project = selectors.project_for(request.user, slug, project_id)
    permissions.require_or_404(request.user, "project.manage", project)
    writers = selectors.writers(project.community)
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST, writers=writers, adding=True)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_section(
                    actor=request.user,
                    project=project,
                    title=data["title"],
                    owner=data["owner"],
                    position=data["position"],
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request, _("Section “%(title)s” added.") % {"title": data["title"]}
                )
                return redirect(project.get_absolute_url())
    else:
        form = SectionForm(writers=writers, adding=True, initial={"owner": request.user})
    return render(
        request,
        "projects/section_settings.html",
        {"community": project.community, "project": project, "section": None, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_section(request, slug, project_id, section_id):
    section = selectors.section_for(request.user, slug, project_id, section_id)
    project = section.project
    permissions.require_or_404(request.user, "project.manage", project)
    writers = selectors.writers(project.community)
    status = 200
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.remove_section(actor=request.user, section=section)
        except UserFacingError as error:
            messages.error(request, error.message)
            return redirect("projects:section_settings", slug, project.pk, section.pk)
        messages.success(request, _("Section “%(title)s” removed.") % {"title": section.title})
        return redirect(project.get_absolute_url())
    if request.method == "POST":
        form = SectionForm(request.POST, writers=writers)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_section(
                    actor=request.user,
                    section=section,
                    title=data["title"],
                    owner=data["owner"],
                    position=data["position"],
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Section saved."))
                return redirect(project.get_absolute_url())
    else:
        form = SectionForm(
            writers=writers,
            initial={"title": section.title, "owner": section.owner, "position": section.position},
        )
    return render(
        request,
        "projects/section_settings.html",
        {"community": project.community, "project": project, "section": section, "form": form},
        status=status,
    )


def _section_page(request, section, *, comment_form=None, status=200):
    user = request.user
    project = section.project
    shown_revision = selectors.revision_of(section, request.GET.get("revision"))
    may_review = permissions.can(user, "project.review", project)
    may_comment = permissions.can(user, "project.comment", project)
    return render(
        request,
        "projects/section.html",
        {
            "community": project.community,
            "project": project,
            "section": section,
            "shown_revision": shown_revision,
            "shown_html": render_markdown(shown_revision.body_markdown)
            if shown_revision and shown_revision.body_markdown
            else "",
            "comments": selectors.comments_of(section),
            "history": selectors.revisions_of(section, before=request.GET.get("before")),
            "may_write": permissions.can(user, "project.edit_section", project),
            "may_manage": permissions.can(user, "project.manage", project),
            "may_approve": may_review
            and section.status == Section.Status.IN_REVIEW
            and section.revised_by_id != user.pk,
            "wrote_latest": section.revised_by_id is not None and section.revised_by_id == user.pk,
            "comment_form": comment_form or (CommentForm() if may_comment else None),
        },
        status=status,
    )


@require_GET
def section_detail(request, slug, project_id, section_id):
    section = selectors.section_for(request.user, slug, project_id, section_id)
    return _section_page(request, section)


@login_required
@require_http_methods(["GET", "POST"])
def edit_section(request, slug, project_id, section_id):
    section = selectors.section_for(request.user, slug, project_id, section_id)
    project = section.project
    permissions.require_or_404(request.user, "project.edit_section", project)
    status = 200
    conflict = None
    if request.method == "POST":
        form = DraftForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.save_section(
                    actor=request.user,
                    section=section,
                    body=data["body"],
                    based_on=data["based_on"],
                    note=data["note"],
                    ready_for_review=data["ready_for_review"],
                )
            except services.StaleSave as stale:
                conflict = stale.conflict
                status = stale.status
                # Theirs is now what the writer's merge is based on; theirs
                # and yours are both on the page, yours still in the form.
                form = DraftForm(
                    initial={
                        "body": conflict.yours,
                        "based_on": conflict.revision,
                        "note": data["note"],
                        "ready_for_review": data["ready_for_review"],
                    }
                )
                form.conflict_message = stale.message
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                if isinstance(decision, merge.Unchanged):
                    messages.info(request, _("Nothing had changed, so there was nothing to save."))
                else:
                    messages.success(
                        request,
                        _("Saved as revision %(number)s.") % {"number": decision.revision},
                    )
                return redirect(section.get_absolute_url())
    else:
        form = DraftForm(initial={"body": section.body_markdown, "based_on": section.revision})
    return render(
        request,
        "projects/section_edit.html",
        {
            "community": project.community,
            "project": project,
            "section": section,
            "form": form,
            "conflict": conflict,
            "comparison": merge.compare(conflict.theirs, conflict.yours) if conflict else [],
        },
        status=status,
    )


@login_required
@require_POST
def ask_for_review(request, slug, project_id, section_id):
    section = selectors.section_for(request.user, slug, project_id, section_id)
    permissions.require_or_404(request.user, "project.edit_section", section.project)
    try:
        services.ask_for_review(actor=request.user, section=section)
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The section is in review now."))
    return redirect(section.get_absolute_url())


@login_required
@require_POST
def comment(request, slug, project_id, section_id):
    section = selectors.section_for(request.user, slug, project_id, section_id)
    permissions.require_or_404(request.user, "project.comment", section.project)
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            made = services.comment_on_section(
                actor=request.user, section=section, body=form.cleaned_data["body"]
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("Comment added."))
            return redirect(f"{section.get_absolute_url()}#comment-{made.pk}")
    return _section_page(request, section, comment_form=form, status=status)


@login_required
@require_POST
def approve(request, slug, project_id, section_id):
    section = selectors.section_for(request.user, slug, project_id, section_id)
    permissions.require_or_404(request.user, "project.review", section.project)
    revision = cursors.integer(request.POST.get("revision"), minimum=0)
    try:
        services.approve_section(
            actor=request.user, section=section, revision=-1 if revision is None else revision
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You approved “%(title)s”.") % {"title": section.title})
    return redirect(section.get_absolute_url())
