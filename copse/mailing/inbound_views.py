"""Pages for mail that came in: the original message of a post made by mail
(for its author only; the files that came with it are conversations', sent
by `conversations:attachment`), confirming a subscription asked for by mail, confirming a message held until its sender
shows it is theirs, and saying a bouncing address works again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from copse.accounts.identity import normalize_email
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.mailing import inbound, selectors, services
from copse.memberships.forms import AcceptNormsForm
from copse.memberships.services import NormsNotAccepted
from copse.norms.selectors import current_norms

# The original is served as a download that no browser may render in our origin.
_SANDBOX = "default-src 'none'; sandbox"


@login_required
@require_GET
def original(request, inbound_id):
    row = selectors.original_for(request.user, inbound_id)
    if request.GET.get("download") == "1":
        response = HttpResponse(row.raw.encode("utf-8"), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="post-{row.post_id}.eml"'
        response["Content-Security-Policy"] = _SANDBOX
        return response
    context = {"inbound": row, "post": row.post, **inbound.original_parts(row)}
    return render(request, "mailing/original.html", context)


def _link_no_longer_works(request):
    return render(
        request,
        "core/error.html",
        {
            "title": gettext("This link no longer works"),
            "message": gettext(
                "Links to join by mail last a week. Send a new message to the "
                "community's subscribe address, or join on its page in Copse."
            ),
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
def subscribe(request, token):
    """The link in a `<slug>+subscribe@` confirmation: sign in (or up) with the
    address that asked, accept the norms, join, and get every message."""
    offer = selectors.subscription_offer(token)
    if offer is None:
        return _link_no_longer_works(request)
    community, address = offer
    if not request.user.is_authenticated:
        return render(
            request,
            "mailing/subscribe_sign_in.html",
            {"community": community, "next": request.get_full_path()},
        )
    if normalize_email(request.user.email) != address:
        return render(
            request,
            "core/error.html",
            {
                "title": gettext("This link is for another address"),
                "message": gettext(
                    "Sign out, then sign in or sign up with the address the "
                    "confirmation was sent to."
                ),
            },
            status=403,
        )
    seated = permissions.standing(request.user, community).is_seated
    norms = None if seated else current_norms(community)
    form = AcceptNormsForm(
        request.POST or None,
        initial={"norms_version": community.norms_version},
        norms_required=norms is not None,
    )
    if request.method == "POST" and (seated or form.is_valid()):
        try:
            services.subscribe_by_mail(
                actor=request.user,
                community=community,
                accepted_norms_version=None if seated else form.cleaned_data["norms_version"],
            )
        except NormsNotAccepted as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                gettext("You get every message from %(name)s by email.") % {"name": community.name},
            )
            return redirect(community.get_absolute_url())
    return render(
        request,
        "mailing/subscribe.html",
        {"community": community, "norms": norms, "form": form, "seated": seated},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def confirm_held(request, token):
    """The link mailed back to the From address of a message held for a
    members-only or confidential community. Following it (signed in as its
    owner, or signed out: the link proves the mailbox) and pressing the
    button posts the message once; a GET alone, as link scanners do, posts
    nothing."""
    held = inbound.held_message(token)
    if held is None:
        return render(
            request,
            "core/error.html",
            {
                "title": gettext("This link no longer works"),
                "message": gettext(
                    "The message was already posted, or it waited longer than "
                    "%(days)s days and was deleted. Send it again, or write it in Copse."
                )
                % {"days": settings.COPSE_MAIL_HOLD_DAYS},
            },
            status=400,
        )
    context = {
        "community": held.community,
        "subject": inbound.held_subject(held),
        "days": settings.COPSE_MAIL_HOLD_DAYS,
    }
    if request.user.is_authenticated and request.user.pk != held.user_id:
        return render(
            request,
            "core/error.html",
            {
                "title": gettext("This link is for another account"),
                "message": gettext("Sign out, then open the link from your mail again."),
            },
            status=403,
        )
    if request.method == "POST":
        try:
            post = inbound.confirm_held(viewer=request.user, held=held)
        except UserFacingError as error:
            return render(
                request,
                "mailing/confirm_held.html",
                {**context, "error": error.message},
                status=error.status,
            )
        from copse.mailing.compose import post_path

        if request.user.is_authenticated:
            messages.success(
                request, gettext("Posted in %(name)s.") % {"name": held.community.name}
            )
            return redirect(post_path(post))
        return render(
            request, "mailing/confirm_held.html", {**context, "post_url": post_path(post)}
        )
    return render(request, "mailing/confirm_held.html", context)


@login_required
@require_POST
def clear_bounce(request):
    services.clear_bounce(user=request.user)
    request.session.pop(selectors.BOUNCE_SESSION_KEY, None)
    messages.success(request, gettext("Thank you. Copse sends to your address again."))
    return redirect("mailing:preferences")
