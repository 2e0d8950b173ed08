from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.accounts.forms import OrganisationRequestForm, ProfileForm
from copse.accounts.models import User
from copse.organisations import services as organisation_services
from copse.organisations.models import OrganisationRequest


def _render_profile(request, *, form, request_form, status=200):
    me = User.objects.select_related("organisation").get(pk=request.user.pk)
    recent = list(
        OrganisationRequest.objects.filter(user=me)
        .select_related("organisation")
        .order_by("-created_at")[:5]
    )
    pending = next((r for r in recent if r.status == OrganisationRequest.Status.PENDING), None)
    last_decided = next(
        (r for r in recent if r.status in ("approved", "declined") and r.decided_by_id), None
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "request_form": request_form,
            "me": me,
            "pending_request": pending,
            "last_decided": last_decided,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return _render_profile(
        request,
        form=form,
        request_form=OrganisationRequestForm(),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def organisation_request(request):
    request_form = OrganisationRequestForm(request.POST)
    if not request_form.is_valid():
        return _render_profile(
            request,
            form=ProfileForm(instance=User.objects.get(pk=request.user.pk)),
            request_form=request_form,
            status=400,
        )
    organisation_services.request_change(
        actor=request.user,
        name=request_form.cleaned_data["name"],
        note=request_form.cleaned_data["note"],
    )
    messages.success(
        request, _("Request sent. A site administrator will check it and set your organisation.")
    )
    return redirect("accounts:profile")


@login_required
@require_POST
def organisation_request_withdraw(request, pk):
    org_request = get_object_or_404(OrganisationRequest, pk=pk, user=request.user)
    organisation_services.withdraw_request(actor=request.user, request=org_request)
    messages.success(request, _("Request withdrawn."))
    return redirect("accounts:profile")


@login_required
@require_POST
def organisation_leave(request):
    organisation_services.leave_organisation(actor=request.user)
    messages.success(
        request,
        _(
            "You no longer belong to an organisation here. Seats you hold keep the organisation "
            "they were given."
        ),
    )
    return redirect("accounts:profile")
