"""Who knows what: a community's knowledge map and gaps, "who has used X?",
and each person's page for their own expertise and experience.

Every form works as a plain POST that redirects back with a message, and
comes back with what was typed and what to fix when something is wrong.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.models import Community
from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError
from copse.expertise import selectors, services
from copse.expertise.forms import ExperienceForm, ExpertiseForm, ExpertiseLevelForm


def community(request, slug):
    """The knowledge map, the gaps and the "who has used X?" form: members only."""
    place = community_by_slug_for(request.user, slug, "community.view_knowledge_map")
    after = request.GET.get("after")
    context = {
        "community": place,
        "map": selectors.knowledge_map(request.user, place, after=after),
        "paged": bool(cursors.parse(after, cursors.TEXT, cursors.INT)),
        "gaps": selectors.knowledge_gaps(request.user, place),
        "shared": selectors.experience_shared_in(request.user, place),
        "catalogue": selectors.catalogue_entries(),
        "can_nominate": permissions.can(request.user, "community.nominate_topic", place),
    }
    return render(request, "expertise/community.html", context)


@login_required
def who_has_used(request):
    raw = request.GET.get("tag", "")
    tag = selectors.catalogue_entry(raw)
    status = 200
    if raw and tag is None:
        status = 400
    context = {
        "tag": tag,
        "asked": raw,
        "results": selectors.who_has_used(request.user, tag) if tag else [],
        "catalogue": selectors.catalogue_entries(),
        # The way back to each community's own "Who knows what" page: the
        # search covers all of them, so it cannot know which one it came from.
        "communities": _seated_communities(request.user),
    }
    return render(request, "expertise/who_has_used.html", context, status=status)


def _seated_communities(user):
    return Community.objects.filter(pk__in=permissions.seated_community_ids(user)).order_by("name")


def _render_mine(request, *, failed=None, status=200):
    """The person's own page; `failed` is a form that came back with errors,
    shown in place of its community's empty one."""
    own = selectors.own_entries(request.user)
    for section in own.communities:
        if failed is not None and failed.community.pk == section.community.pk:
            section.form = failed
        else:
            section.form = ExpertiseForm(community=section.community)
    return render(request, "expertise/mine.html", {"own": own}, status=status)


@login_required
def mine(request):
    return _render_mine(request)


@login_required
@require_POST
def add_expertise(request):
    community_id = cursors.integer(request.POST.get("community"), minimum=1)
    place = Community.objects.filter(pk=community_id).first() if community_id else None
    if place is None or not permissions.can(request.user, "community.show_expertise", place):
        raise Http404
    form = ExpertiseForm(request.POST, community=place)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.declare_expertise(
                actor=request.user,
                community=place,
                area=data["area"],
                tag=data["tag"],
                level=data["level"],
                findable_elsewhere=data["findable_elsewhere"],
            )
        except UserFacingError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request,
                _("%(subject)s (%(level)s) is listed in %(name)s.")
                % {
                    "subject": entry.subject,
                    "level": entry.get_level_display().lower(),
                    "name": place.name,
                },
            )
            return redirect(reverse("expertise:mine") + f"#community-{place.slug}")
    return _render_mine(request, failed=form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_expertise(request, entry_id):
    entry = selectors.own_expertise(request.user, entry_id)
    if entry is None:
        raise Http404
    form = ExpertiseLevelForm(
        request.POST or None,
        initial={"level": entry.level, "findable_elsewhere": entry.findable_elsewhere},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_expertise(actor=request.user, entry=entry, **form.cleaned_data)
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("%(subject)s: saved.") % {"subject": entry.subject})
                return redirect(reverse("expertise:mine") + f"#community-{entry.community.slug}")
    return render(
        request, "expertise/edit_expertise.html", {"entry": entry, "form": form}, status=status
    )


@login_required
@require_POST
def remove_expertise(request, entry_id):
    entry = selectors.own_expertise(request.user, entry_id)
    if entry is None:
        raise Http404
    services.remove_expertise(actor=request.user, entry=entry)
    messages.success(
        request,
        _("%(subject)s is no longer listed in %(name)s.")
        % {"subject": entry.subject, "name": entry.community.name},
    )
    return redirect(reverse("expertise:mine") + f"#community-{entry.community.slug}")


def _saved_message(saved, communities) -> str:
    """Says where the entry is shown, so nobody leaves believing members see
    an entry they ticked no community for."""
    names = [c.name for c in communities]
    if not names:
        return _(
            "Your experience with %(name)s is saved, shown nowhere yet: "
            "change it and tick a community for its members to see it."
        ) % {"name": saved.tag.name}
    if len(names) == 1:
        where = names[0]
    else:
        where = _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
    return _("Your experience with %(name)s is saved, shown in %(where)s.") % {
        "name": saved.tag.name,
        "where": where,
    }


def _experience_page(request, experience=None):
    communities = _seated_communities(request.user)
    initial = None
    if experience is not None:
        seated = {c.pk for c in communities}
        initial = {
            "tag": experience.tag_id,
            "duration": experience.duration,
            "purpose": experience.purpose,
            "recommend": experience.recommend,
            "recommend_note": experience.recommend_note,
            "happy_to_be_asked": experience.happy_to_be_asked,
            "communities": [
                s.community_id for s in experience.shown.all() if s.community_id in seated
            ],
        }
    form = ExperienceForm(
        request.POST or None,
        initial=initial,
        catalogue=selectors.catalogue_entries(),
        communities=communities,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = services.save_experience(
                    actor=request.user, experience=experience, **form.experience_fields()
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _saved_message(saved, form.cleaned_data["communities"]))
                return redirect(reverse("expertise:mine") + "#experience")
    return render(
        request,
        "expertise/experience_form.html",
        {"form": form, "experience": experience, "has_communities": communities.exists()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_experience(request):
    return _experience_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def edit_experience(request, entry_id):
    experience = selectors.own_experience(request.user, entry_id)
    if experience is None:
        raise Http404
    return _experience_page(request, experience)


@login_required
@require_POST
def remove_experience(request, entry_id):
    experience = selectors.own_experience(request.user, entry_id)
    if experience is None:
        raise Http404
    services.remove_experience(actor=request.user, experience=experience)
    messages.success(
        request,
        _("Your experience with %(name)s is removed.") % {"name": experience.tag.name},
    )
    return redirect(reverse("expertise:mine") + "#experience")
