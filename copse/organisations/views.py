from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from copse.core import permissions
from copse.organisations import services
from copse.organisations.forms import OrganisationForm
from copse.organisations.models import Organisation


@login_required
def organisation_list(request):
    permissions.require_or_404(request.user, "programme.manage")
    organisations = Organisation.objects.annotate(people_count=Count("people")).order_by("name")
    return render(request, "organisations/list.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk=None):
    permissions.require_or_404(request.user, "programme.manage")
    instance = get_object_or_404(Organisation, pk=pk) if pk else Organisation()
    form = OrganisationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_organisation(actor=request.user, organisation=form.instance)
        messages.success(request, f"{form.instance.name} saved.")
        return redirect("organisations:list")
    return render(
        request,
        "organisations/edit.html",
        {"form": form, "organisation": instance},
        status=400 if form.errors else 200,
    )
