"""The health pages: the facilitators' page with its nudges and settings,
the members' "How we are doing", and a nudge as its member reads it.

Every form is a plain POST; one that cannot be saved comes back with what
was typed and the reason, at 400."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core.errors import submit
from copse.health import selectors, services
from copse.health.figures import DEFAULT_PERIOD, PERIODS, period_days
from copse.health.forms import HealthSettingsForm, NudgeForm


def _health_url(community, days: int, anchor: str = "") -> str:
    url = reverse("health:health", args=[community.slug])
    if days != DEFAULT_PERIOD:
        url += f"?days={days}"
    return url + (f"#{anchor}" if anchor else "")


def _nudge_forms(request, report, failed=None) -> None:
    """Give each quiet member their form: the template filled in for them,
    or, for the one whose note was refused, what was typed."""
    for quiet in report.quiet:
        if failed is not None and failed[0] == quiet.user.pk:
            quiet.form = failed[1]
            continue
        body = services.nudge_text(
            template=report.settings.nudge_words,
            member=quiet.user,
            community=report.community,
            facilitator=request.user,
        )
        quiet.form = NudgeForm(initial={"body": body, "days": report.days}, member_id=quiet.user.pk)


def _health_page(request, community, days: int, *, failed=None, status: int = 200):
    report = selectors.health_report(request.user, community, days=days)
    _nudge_forms(request, report, failed)
    failed_elsewhere = None
    if failed is not None and not any(q.user.pk == failed[0] for q in report.quiet):
        # A note refused for someone who is not on the quiet list (a stale
        # page): the form comes back on its own, with the reason.
        failed_elsewhere = {"member": failed[2], "form": failed[1]}
    return render(
        request,
        "health/health.html",
        {
            "community": community,
            "report": report,
            "periods": PERIODS,
            "failed_elsewhere": failed_elsewhere,
        },
        status=status,
    )


@login_required
def health(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_health")
    return _health_page(request, community, period_days(request.GET.get("days")))


@login_required
@require_POST
def nudge(request, slug, user_id):
    community = community_by_slug_for(request.user, slug, "community.nudge")
    seat = selectors.seated_membership(community, user_id)
    days = period_days(request.POST.get("days"))
    form = NudgeForm(request.POST, member_id=seat.user_id)
    sent = submit(
        form,
        lambda data: services.send_nudge(
            actor=request.user, community=community, member=seat.user, body=data["body"]
        ),
    )
    if sent.saved:
        messages.success(
            request,
            _(
                "Your note to %(name)s is on its way: they will find it in their "
                "notifications and by mail. Only they can read it."
            )
            % {"name": seat.user.name},
        )
        return redirect(_health_url(community, days, "quiet"))
    return _health_page(
        request, community, days, failed=(seat.user_id, form, seat.user), status=sent.status
    )


@login_required
@require_http_methods(["GET", "POST"])
def health_settings(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_health")
    current = selectors.settings_for(community)
    status = 200
    if request.method == "POST":
        form = HealthSettingsForm.for_settings(current, request.POST)
        sent = submit(
            form,
            lambda data: services.save_settings(
                actor=request.user,
                community=community,
                quiet_weeks=data["quiet_weeks"],
                nudge_template=data["nudge_template"],
            ),
        )
        if sent.saved:
            messages.success(request, _("The health settings are saved."))
            return redirect("health:health", slug=community.slug)
        status = sent.status
    else:
        form = HealthSettingsForm.for_settings(current)
    return render(
        request,
        "health/settings.html",
        {"community": community, "form": form},
        status=status,
    )


@login_required
def progress(request, slug):
    community = community_by_slug_for(request.user, slug, "community.view_progress")
    report = selectors.progress_report(
        request.user, community, days=period_days(request.GET.get("days"))
    )
    return render(
        request,
        "health/progress.html",
        {"community": community, "report": report, "periods": PERIODS},
    )


@login_required
def nudge_message(request, slug, nudge_id):
    community = community_by_slug_for(request.user, slug, "community.view")
    found = selectors.nudge_for(request.user, community, nudge_id)
    return render(
        request,
        "health/nudge.html",
        {
            "community": community,
            "nudge": found,
            "is_recipient": found.member_id == request.user.pk,
        },
    )
