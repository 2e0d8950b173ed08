"""The sponsor's report (page and CSV) and the site admins' page that grants
the sponsor role. Signed out, each sends to sign-in; without the right, each
answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from copse.core import permissions
from copse.core.errors import submit
from copse.sponsors import charts, export, selectors, services
from copse.sponsors.figures import MEASURES
from copse.sponsors.forms import GrantSponsorForm, RevokeSponsorForm


def _report_for(request):
    return selectors.programme_report(
        request.user, days=selectors.period_days(request.GET.get("days"))
    )


@login_required
def report(request):
    programme = _report_for(request)
    return render(
        request,
        "sponsors/report.html",
        {
            "report": programme,
            "measures": MEASURES,
            "charts": charts.report_charts(programme),
            "periods": selectors.PERIODS,
        },
    )


@login_required
def report_csv(request):
    programme = _report_for(request)
    response = HttpResponse(export.write(programme), content_type="text/csv; charset=utf-8")
    filename = f"programme-report-{programme.until.date().isoformat()}-{programme.days}-days.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _grants_page(request, *, grant_form=None, revoke_form=None, status=200):
    return render(
        request,
        "sponsors/grants.html",
        {
            "sponsors": selectors.sponsors(request.user),
            "form": grant_form or GrantSponsorForm(),
            "revoke_form": revoke_form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grants(request):
    permissions.require_or_404(request.user, "programme.grant_sponsor")
    if request.method != "POST":
        return _grants_page(request)
    if "revoke" in request.POST:
        form = RevokeSponsorForm({"person": request.POST.get("revoke")})
        outcome = submit(
            form,
            lambda data: services.revoke_sponsor(actor=request.user, person=data["person"]),
        )
        if outcome.saved:
            messages.success(
                request, _("%(name)s is no longer a sponsor.") % {"name": outcome.result.name}
            )
            return redirect("sponsors:grants")
        if "person" in form.errors:
            form.errors.pop("person")
            form.add_error(None, _("That person is not a sponsor (any more)."))
        return _grants_page(request, revoke_form=form, status=outcome.status)
    form = GrantSponsorForm(request.POST)
    outcome = submit(
        form,
        lambda data: services.grant_sponsor(actor=request.user, person=form.person),
    )
    if outcome.saved:
        messages.success(
            request,
            _("%(name)s is now a sponsor and sees the programme report.")
            % {"name": outcome.result.name},
        )
        return redirect("sponsors:grants")
    return _grants_page(request, grant_form=form, status=outcome.status)
