"""Trust pulse pages: the community's pulses with their trend, scheduling
one, and a pulse (the answer form while it is open, its results once it
has closed, if enough people answered).

An answer is never logged: the view hands it to the service and says
thank you, and nothing else of it stays in the request.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.errors import UserFacingError, attempt, submit
from copse.pulses import selectors, services
from copse.pulses.closing import pending_pulse
from copse.pulses.forms import AnswerForm, ScheduleForm
from copse.pulses.statements import MINIMUM_RESPONDENTS, SCALE, STATEMENTS


def pulse_list(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_pulses")
    pulses = selectors.pulses_for(request.user, community)
    points = selectors.trend_for(request.user, community, pulses)
    today = timezone.localdate()
    return render(
        request,
        "pulses/list.html",
        {
            "community": community,
            "pulses": pulses,
            "points": points,
            "chart": selectors.trend_chart(points) if points else None,
            "statements": list(zip(selectors.SHORT_NAMES, STATEMENTS, strict=True)),
            "can_schedule": permissions.can(request.user, "community.schedule_pulse", community),
            "pending": next(
                (p for p in pulses if p.cancelled_at is None and p.closes_on >= today), None
            ),
            "minimum": MINIMUM_RESPONDENTS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pulse_new(request, slug):
    community = community_by_slug_for(request.user, slug, "community.schedule_pulse")
    status = 200
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        sent = submit(
            form,
            lambda data: services.schedule_pulse(
                actor=request.user,
                community=community,
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                open_question=data["open_question"],
                min_respondents=data["min_respondents"],
                repeat_every_months=data["repeat_every_months"],
            ),
        )
        if sent.saved:
            pulse = sent.result
            messages.success(
                request,
                _("The pulse is open: every member has been told.")
                if pulse.is_open
                else _("The pulse is scheduled. Members are told when it opens on %(day)s.")
                % {"day": formats.date_format(pulse.opens_on, "j F")},
            )
            return redirect(pulse.get_absolute_url())
        status = sent.status
    else:
        today = timezone.localdate()
        form = ScheduleForm(initial={"opens_on": today, "closes_on": today + dt.timedelta(days=14)})
    return render(
        request,
        "pulses/new.html",
        {
            "community": community,
            "form": form,
            "pending": pending_pulse(community, timezone.localdate()),
        },
        status=status,
    )


def _pulse_context(request, pulse, form=None):
    viewer = request.user
    can_answer = permissions.can(viewer, "pulse.answer", pulse) and not pulse.answered_by_me
    if can_answer and form is None:
        form = AnswerForm(open_question=pulse.question)
    return {
        "community": pulse.community,
        "pulse": pulse,
        "form": form if can_answer else None,
        "results": selectors.results_for(viewer, pulse) if pulse.has_closed else None,
        "scale": SCALE,
        "can_cancel": permissions.can(viewer, "pulse.manage", pulse)
        and pulse.cancelled_at is None
        and not pulse.has_closed,
    }


def pulse_detail(request, slug, pulse_id):
    community = community_by_slug_for(request.user, slug, "community.view_pulses")
    pulse = selectors.pulse_for(request.user, community, pulse_id)
    return render(request, "pulses/pulse.html", _pulse_context(request, pulse))


@login_required
@require_POST
def answer(request, slug, pulse_id):
    community = community_by_slug_for(request.user, slug, "community.view_pulses")
    pulse = selectors.pulse_for(request.user, community, pulse_id)
    if pulse.answered_by_me:
        messages.info(request, services.ALREADY_ANSWERED)
        return redirect(pulse.get_absolute_url())
    form = AnswerForm(request.POST, open_question=pulse.question)
    status = 400
    if form.is_valid():
        try:
            services.answer_pulse(
                actor=request.user,
                pulse=pulse,
                scores=form.scores(),
                open_answer=form.cleaned_data["open_answer"],
            )
        except services.AlreadyAnswered as error:
            messages.info(request, error.message)
            return redirect(pulse.get_absolute_url())
        except UserFacingError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(
                request, _("Thank you. Your answer is saved, with neither your name nor the time.")
            )
            return redirect(pulse.get_absolute_url())
    context = _pulse_context(request, pulse, form=form)
    # Whoever may no longer answer (the pulse closed meanwhile) still sees why.
    context["form"] = form
    return render(request, "pulses/pulse.html", context, status=status)


@login_required
@require_POST
def cancel(request, slug, pulse_id):
    community = community_by_slug_for(request.user, slug, "community.view_pulses")
    pulse = selectors.pulse_for(request.user, community, pulse_id)
    permissions.require_or_404(request.user, "pulse.manage", pulse)
    attempt(
        request,
        lambda: services.cancel_pulse(actor=request.user, pulse=pulse),
        done=_("The pulse is cancelled. Any answers given were deleted, and it will not repeat."),
    )
    return redirect("pulses:list", slug=community.slug)
