"""Amendments to the norms: the list, a new one, the amendment with the whole
norms as they would read, comments, and adopting it (by a facilitator, or
by putting it to the members)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError, attempt, submit
from copse.decisions import amendments
from copse.decisions.amendment_forms import (
    NEW_SECTION,
    AmendmentForm,
    CommentForm,
    PutToMembersForm,
)
from copse.decisions.models import Amendment


def amendment_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    listing = amendments.amendment_list(request.user, community)
    return render(
        request,
        "decisions/amendments/list.html",
        {
            "community": community,
            "listing": listing,
            "can_propose": permissions.can(request.user, "community.propose_amendment", community),
        },
    )


def _form_initial(request, community, sections):
    """A section picked from the norms page, or an older amendment redone."""
    headings = {h for h, _ in sections}
    redo = None
    redo_id = cursors.integer(request.GET.get("redo"), minimum=1)
    if redo_id is not None:
        redo = Amendment.objects.filter(pk=redo_id, community=community).first()
        if redo is not None and not permissions.can(request.user, "amendment.withdraw", redo):
            redo = None
    if redo is not None:
        known = redo.section in headings
        return redo, {
            "section": redo.section if known else NEW_SECTION,
            "new_heading": "" if known else redo.section,
            "text": redo.text,
            "note": redo.note,
        }
    section = request.GET.get("section")
    if section is not None and section in headings:
        from copse.norms.selectors import current_norms

        norms = current_norms(community)
        return None, {
            "section": section,
            "text": amendments.section_text(norms.body, section) if norms else "",
        }
    return None, {}


@login_required
@require_http_methods(["GET", "POST"])
def amendment_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.propose_amendment")
    sections = amendments.section_choices(community)
    redo, initial = _form_initial(request, community, sections)
    status = 200
    if request.method == "POST":
        form = AmendmentForm(request.POST, sections=sections)
        replaces = None
        redo_id = cursors.integer(request.POST.get("redo"), minimum=1)
        if redo_id is not None:
            replaces = Amendment.objects.filter(pk=redo_id, community=community).first()
        sent = submit(
            form,
            lambda data: amendments.propose_amendment(
                actor=request.user,
                community=community,
                section=form.heading,
                text=data["text"],
                note=data["note"],
                replaces=replaces,
            ),
        )
        if sent.saved:
            messages.success(request, gettext("Your amendment is up for comment."))
            return redirect(sent.result.get_absolute_url())
        status = sent.status
        redo = replaces
    else:
        form = AmendmentForm(initial=initial, sections=sections)
    return render(
        request,
        "decisions/amendments/new.html",
        {"community": community, "form": form, "redo": redo, "has_norms": bool(sections)},
        status=status,
    )


def _put_title(amendment) -> str:
    if amendment.section:
        return gettext("Amend our norms: %(section)s") % {"section": amendment.section}
    return gettext("Amend our norms: the opening")


def _put_body(amendment, author: str) -> str:
    if amendment.section:
        return gettext("%(author)s proposes new text for “%(section)s”.") % {
            "author": author,
            "section": amendment.section,
        }
    return gettext("%(author)s proposes new text for the opening of our norms.") % {
        "author": author
    }


def _detail(request, amendment, *, status=200, **forms):
    viewer = request.user
    view = amendments.amendment_view(amendment)
    author = amendment.proposed_by.name if amendment.proposed_by else gettext("A former member")
    comment_form = forms.get("comment_form")
    propose_form = forms.get("propose_form")
    context = {
        "community": amendment.community,
        "amendment": amendment,
        "view": view,
        "can_comment": permissions.can(viewer, "amendment.comment", amendment),
        "can_adopt": permissions.can(viewer, "amendment.adopt", amendment) and not view.stale,
        "can_propose": permissions.can(viewer, "amendment.propose", amendment) and not view.stale,
        "can_withdraw": permissions.can(viewer, "amendment.withdraw", amendment),
        # A form sent back with its reason is shown, so what was typed is kept.
        "show_comment_form": comment_form is not None,
        "show_propose_form": propose_form is not None,
        "comment_form": comment_form or CommentForm(),
        "propose_form": propose_form
        or PutToMembersForm(
            initial={
                "title": _put_title(amendment)[:200],
                "body": _put_body(amendment, author) + f"\n\n{amendment.note}",
            }
        ),
    }
    return render(request, "decisions/amendments/detail.html", context, status=status)


def _amendment(request, slug, amendment_id):
    community = community_by_slug_for(request.user, slug, "community.view_decisions")
    return amendments.amendment_for(request.user, community, amendment_id)


def amendment_detail(request, slug, amendment_id):
    return _detail(request, _amendment(request, slug, amendment_id))


@login_required
@require_POST
def amendment_comment(request, slug, amendment_id):
    amendment = _amendment(request, slug, amendment_id)
    form = CommentForm(request.POST)
    sent = submit(
        form,
        lambda data: amendments.comment(actor=request.user, amendment=amendment, body=data["body"]),
    )
    if sent.saved:
        messages.success(request, gettext("Your comment is posted."))
        return redirect(amendment.get_absolute_url() + "#comments")
    return _detail(request, amendment, status=sent.status, comment_form=form)


def _act(request, amendment, action, done: str):
    attempt(request, action, done=done)
    return redirect(amendment.get_absolute_url())


@login_required
@require_POST
def amendment_adopt(request, slug, amendment_id):
    amendment = _amendment(request, slug, amendment_id)
    try:
        version = amendments.adopt(actor=request.user, amendment=amendment)
    except UserFacingError as error:
        messages.error(request, error.message)
        return redirect(amendment.get_absolute_url())
    messages.success(
        request,
        gettext(
            "Adopted: version %(number)s of the norms is published. Members accept it "
            "before they contribute again."
        )
        % {"number": version.number},
    )
    return redirect("norms:current", slug=amendment.community.slug)


@login_required
@require_POST
def amendment_propose(request, slug, amendment_id):
    amendment = _amendment(request, slug, amendment_id)
    form = PutToMembersForm(request.POST)
    sent = submit(
        form,
        lambda data: amendments.put_to_members(
            actor=request.user,
            amendment=amendment,
            title=data["title"],
            body=data["body"],
            rule=data["rule"],
            deadline=data["deadline"],
            quorum=data["quorum"],
        ),
    )
    if sent.saved:
        messages.success(
            request,
            gettext("The amendment is put to the members. Every member is asked to answer."),
        )
        return redirect(sent.result.get_absolute_url())
    return _detail(request, amendment, status=sent.status, propose_form=form)


@login_required
@require_POST
def amendment_withdraw(request, slug, amendment_id):
    amendment = _amendment(request, slug, amendment_id)
    return _act(
        request,
        amendment,
        lambda: amendments.withdraw(actor=request.user, amendment=amendment),
        gettext("The amendment is withdrawn."),
    )
