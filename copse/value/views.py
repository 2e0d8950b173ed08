"""Value pages: a community's stories, a new story (from a prompt or not),
one story, editing and removing it, time invested against time saved, and
"Not now" on a prompt.

Every form is a plain POST; one that cannot be saved comes back with what
was typed and the reason, at 400 (403 where the service refuses the person).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import charts, permissions
from copse.core.errors import attempt, submit
from copse.value import selectors, services
from copse.value.forms import (
    CYCLE_NAMES,
    CYCLES_EXPLAINED,
    SHARING_EXPLAINED,
    StoryForm,
    TimeEstimateForm,
    initial_of,
)
from copse.value.models import Cycle, ValuePrompt


def story_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_value")
    page = selectors.stories_page(
        request.user,
        community,
        cycle=request.GET.get("cycle", ""),
        after=request.GET.get("after", ""),
    )
    totals, everything = selectors.community_totals(request.user, community)
    return render(
        request,
        "value/list.html",
        {
            "community": community,
            "page": page,
            "totals": totals,
            "totals_include_private": everything,
            # The filter's names: "Immediate", "Potential"...
            "cycles": [(value, CYCLE_NAMES[value]) for value in Cycle.values],
            "can_record": permissions.can(request.user, "community.record_value", community),
        },
    )


def _chosen(data, name) -> list:
    return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name, []))


def _form_page(request, community, form, *, story=None, prompt=None, status=200):
    return render(
        request,
        "value/new.html",
        {
            "community": community,
            "form": form,
            "story": story,
            "prompt": prompt,
            "sharing_explained": SHARING_EXPLAINED,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.record_value")
    if request.method == "POST":
        choices = selectors.link_choices(
            request.user,
            community,
            threads=_chosen(request.POST, "threads"),
            meetings=_chosen(request.POST, "meetings"),
            items=_chosen(request.POST, "library_items"),
        )
        form = StoryForm(request.POST, choices=choices)
        sent = submit(
            form,
            lambda data: services.record_story(
                actor=request.user, community=community, story=data["story"], **form.story_fields()
            ),
        )
        if sent.saved:
            messages.success(request, _("Your story is recorded. Thank you for telling it."))
            return redirect(sent.result.get_absolute_url())
        return _form_page(request, community, form, status=sent.status)
    prompt = selectors.prompt_of(request.user, community, request.GET.get("prompt"))
    initial = {}
    if prompt is not None:
        # Asked after a helpful reply or a meeting: most often it made a difference.
        initial = {
            "cycle": Cycle.REALISED,
            "threads": [prompt.thread_id] if prompt.thread_id else [],
            "meetings": [prompt.meeting_id] if prompt.meeting_id else [],
        }
    choices = selectors.link_choices(
        request.user,
        community,
        threads=initial.get("threads", ()),
        meetings=initial.get("meetings", ()),
    )
    form = StoryForm(initial=initial, choices=choices)
    return _form_page(request, community, form, prompt=prompt)


def story_detail(request, slug, story_id):
    story = selectors.story_for(request.user, slug, story_id)
    viewer = request.user
    return render(
        request,
        "value/story.html",
        {
            "community": story.community,
            "story": story,
            "links": selectors.links_for(viewer, story),
            "cycle_explained": CYCLES_EXPLAINED.get(story.cycle, ""),
            "sharing_explained": SHARING_EXPLAINED.get(story.sharing, ""),
            "is_author": story.author_id == viewer.pk,
            "can_edit": permissions.can(viewer, "value_story.edit", story),
            "may_view_list": permissions.can(viewer, "community.view_value", story.community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request, slug, story_id):
    story = selectors.story_for(request.user, slug, story_id, "value_story.edit")
    community = story.community
    if request.method == "POST":
        choices = selectors.link_choices(
            request.user,
            community,
            threads=_chosen(request.POST, "threads"),
            meetings=_chosen(request.POST, "meetings"),
            items=_chosen(request.POST, "library_items"),
        )
        form = StoryForm(request.POST, choices=choices)
        sent = submit(
            form,
            lambda data: services.update_story(
                actor=request.user, story=story, story_text=data["story"], **form.story_fields()
            ),
        )
        if sent.saved:
            messages.success(request, _("Your story is saved."))
            return redirect(story.get_absolute_url())
        return _form_page(request, community, form, story=story, status=sent.status)
    initial = initial_of(story)
    choices = selectors.link_choices(
        request.user,
        community,
        threads=initial["threads"],
        meetings=initial["meetings"],
        items=initial["library_items"],
    )
    return _form_page(request, community, StoryForm(initial=initial, choices=choices), story=story)


@login_required
@require_http_methods(["GET", "POST"])
def story_remove(request, slug, story_id):
    story = selectors.story_for(request.user, slug, story_id, "value_story.edit")
    if request.method == "POST":
        if attempt(
            request,
            lambda: services.remove_story(actor=request.user, story=story),
            done=_("Your story is removed. Nobody reads it any more."),
        ):
            return redirect("value:list", slug=story.community.slug)
        return redirect(story.get_absolute_url())
    return render(request, "value/remove.html", {"community": story.community, "story": story})


def _time_context(request, community, days, form=None):
    viewer = request.user
    mine = selectors.time_of(viewer, community, days=days)
    if form is None:
        form = TimeEstimateForm(initial={"minutes_per_week": mine.minutes_per_week})
    is_facilitator = permissions.standing(viewer, community).is_facilitator
    ours = selectors.community_time(community, days=days) if is_facilitator else None
    labels = [_("You")] + ([_("The community")] if ours else [])
    accounts = [mine] + ([ours] if ours else [])
    chart = charts.bar_chart(
        _("Hours invested and saved, last %(days)s days") % {"days": days},
        labels,
        [
            (_("Invested"), [float(a.invested_hours) for a in accounts]),
            (_("Saved"), [float(a.saved.hours) for a in accounts]),
        ],
        unit=" h",
        y_title=_("hours"),
    )
    return {
        "community": community,
        "days": days,
        "periods": selectors.PERIODS,
        "mine": mine,
        "ours": ours,
        "chart": chart,
        "form": form,
        "can_estimate": permissions.can(viewer, "community.record_value", community),
    }


@login_required
@require_http_methods(["GET", "POST"])
def time_page(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_value")
    days = selectors.period_of(request.GET.get("days"))
    if request.method == "POST":
        form = TimeEstimateForm(request.POST)
        sent = submit(
            form,
            lambda data: services.set_time_estimate(
                actor=request.user,
                community=community,
                minutes_per_week=data["minutes_per_week"],
            ),
        )
        if sent.saved:
            messages.success(request, _("Your estimate is saved."))
            return redirect(f"{reverse('value:time', args=[community.slug])}?days={days}")
        status = sent.status
    else:
        form, status = None, 200
    return render(
        request, "value/time.html", _time_context(request, community, days, form), status=status
    )


@login_required
@require_POST
def dismiss_prompt(request, prompt_id):
    """ "Not now": only the person asked may answer it; anyone else finds nothing."""
    prompt = (
        ValuePrompt.objects.select_related("community")
        .filter(pk=prompt_id, user=request.user)
        .first()
    )
    if prompt is None:
        raise Http404
    services.dismiss_prompt(actor=request.user, prompt=prompt)
    if request.htmx:
        return render(request, "value/_prompt_dismissed.html")
    messages.success(request, _("Noted: we will not ask about this again."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(prompt.community.get_absolute_url())
