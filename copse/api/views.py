"""The profile's page of personal access tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copse.api import selectors, services
from copse.api.forms import TokenForm
from copse.api.models import PersonalAccessToken
from copse.core.errors import submit


@login_required
def tokens(request):
    allowed = services.scopes_allowed(request.user)
    form = TokenForm(request.POST or None, allowed_scopes=allowed)
    created = None
    status = 200
    if request.method == "POST":
        outcome = submit(
            form,
            lambda data: services.create_token(
                actor=request.user,
                name=data["name"],
                scopes=data["scopes"],
                lifetime_days=data["lifetime_days"],
            ),
        )
        if outcome.saved:
            created = outcome.result
            form = TokenForm(allowed_scopes=allowed)
            status = 201
        else:
            status = outcome.status
    return render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": selectors.tokens_of(request.user)},
        status=status,
    )


@login_required
@require_POST
def revoke(request, token_id):
    token = get_object_or_404(PersonalAccessToken, pk=token_id, user=request.user)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
