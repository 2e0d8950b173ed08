"""The "Delete my account" page: what deleting does, the choice about what
one wrote, and the confirmation. Only the signed-in person, for their own
account: there is no address that names another account."""

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from copse.core.errors import UserFacingError
from copse.departures import services
from copse.departures.forms import DeleteAccountForm
from copse.memberships.models import Membership


def _without_password(request) -> bool:
    return not request.user.has_usable_password()


def _names(seats) -> str:
    """The communities of `seats`, named in one phrase."""
    return ", ".join(seat.community.name for seat in seats)


@login_required
@require_http_methods(["GET", "POST"])
# An account without a password (one from an identity provider) proves it
# is its person again through allauth before the page opens; the others
# type their password into the form.
@reauthentication_required(enabled=_without_password)
def delete_account(request):
    user = request.user
    seats = services.last_facilitated(user)
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, user=user, last_facilitated=seats
    )
    status = 200
    if request.method == "POST":
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.is_valid()
            form.add_error(None, _("Too many tries. Wait a minute, then try again."))
            status = 429
        elif form.is_valid():
            try:
                services.delete_account(
                    actor=user,
                    content=form.cleaned_data["content"],
                    successors=form.successors(),
                )
            except UserFacingError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                logout(request)
                messages.success(
                    request,
                    _("Your account is deleted. Thank you for what you gave your communities."),
                )
                return redirect("communities:directory")
        else:
            status = 400
    communities = (
        Membership.objects.filter(user=user, status__in=Membership.SEATED)
        .select_related("community")
        .order_by("community__name")
    )
    no_successor = [
        seat for seat in seats if not form.fields[form.successor_field(seat)].queryset.exists()
    ]
    return render(
        request,
        "departures/delete_account.html",
        {
            "form": form,
            "communities": communities,
            "last_facilitated": seats,
            "last_facilitated_names": _names(seats),
            "no_successor": no_successor,
            "no_successor_names": _names(no_successor),
            "last_site_admin": services.is_last_site_admin(user),
        },
        status=status,
    )
