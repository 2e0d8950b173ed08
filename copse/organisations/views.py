from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.core import permissions
from copse.organisations import selectors, services
from copse.organisations.forms import DecideRequestForm, OrganisationForm
from copse.organisations.models import Organisation, OrganisationRequest
from copse.organisations.providers import configured_providers


@login_required
def organisation_list(request):
    organisations = list(selectors.organisations_for_admin(request.user))
    configured = configured_providers()
    for organisation in organisations:
        organisation.sign_in = [
            (tie.provider_id, configured.get(tie.provider_id))
            for tie in organisation.providers.all()
        ]
    return render(
        request,
        "organisations/list.html",
        {
            "organisations": organisations,
            "pending": selectors.pending_count(),
            "any_providers": bool(configured) or any(o.sign_in for o in organisations),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk=None):
    permissions.require_or_404(request.user, "programme.manage")
    instance = get_object_or_404(Organisation, pk=pk) if pk else Organisation()
    form = OrganisationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_organisation(
            actor=request.user,
            organisation=form.instance,
            domains=form.cleaned_data["domains"],
            # Absent when the site configures no provider: ties stay as they are.
            providers=form.cleaned_data.get("providers"),
        )
        messages.success(request, _("%(name)s saved.") % {"name": form.instance.name})
        return redirect("organisations:list")
    return render(
        request,
        "organisations/edit.html",
        {"form": form, "organisation": instance},
        status=400 if form.errors else 200,
    )


def _requests_page(request, *, errors=None, status=200):
    pending = list(selectors.pending_requests(request.user))
    organisations = list(Organisation.objects.order_by("name"))
    by_name = {o.name.casefold(): o for o in organisations}
    rows = [(r, by_name.get(" ".join(r.name.split()).casefold())) for r in pending]
    return render(
        request,
        "organisations/requests.html",
        {
            "rows": rows,
            "organisations": organisations,
            "decided": selectors.recent_decisions(request.user),
            "errors": errors or {},
        },
        status=status,
    )


@login_required
def request_list(request):
    return _requests_page(request)


@login_required
@require_POST
def request_decide(request, pk):
    permissions.require_or_404(request.user, "programme.manage")
    org_request = get_object_or_404(OrganisationRequest, pk=pk)
    form = DecideRequestForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _requests_page(request, errors={org_request.pk: first}, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    decided = services.decide_request(
        actor=request.user,
        request=org_request,
        approve=approve,
        organisation=form.cleaned_data["organisation"],
    )
    if approve:
        messages.success(
            request,
            _("%(person)s now belongs to %(name)s (verified).")
            % {"person": decided.user.name, "name": decided.organisation.name},
        )
    else:
        messages.success(
            request, _("The request of %(person)s was declined.") % {"person": decided.user.name}
        )
    return redirect("organisations:requests")
