from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from copse.accounts.forms import ProfileForm
from copse.accounts.models import User
from copse.audit.services import record


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        form.save()
        if "organisation" in changed:
            record(actor=request.user, action="profile.organisation_changed", subject=request.user)
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(
        request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200
    )
