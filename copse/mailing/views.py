"""Mail pages: a person's delivery choices, one-click unsubscribe, a
community's content level, its archive as mbox, and the outbox for site
administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from copse.communities.models import Community
from copse.communities.selectors import community_by_slug_for
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError
from copse.mailing import archives, outbound, selectors, services, tokens
from copse.mailing.forms import ContentLevelForm, DeliveryForm
from copse.mailing.models import MailSettings, OutgoingMessage


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        form = DeliveryForm(request.POST)
        target = request.POST.get("community", "")
        if form.is_valid():
            mode = form.cleaned_data["mode"]
            try:
                if target == "default":
                    services.set_default_mode(user=request.user, mode=mode)
                else:
                    # Someone else's community answers as a missing one:
                    # nothing saved, nothing told.
                    community = Community.objects.filter(slug=target).first()
                    if community is None or not permissions.can(
                        request.user, "community.receive_mail", community
                    ):
                        raise Http404
                    services.set_community_mode(user=request.user, community=community, mode=mode)
            except UserFacingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, gettext("Saved."))
        else:
            messages.error(request, gettext("Choose how you want to get mail."))
        # Changed from a community's home page: back there.
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("mailing:preferences")
    context = selectors.preferences_of(request.user)
    context["modes"] = DeliveryForm.base_fields["mode"].choices
    return render(request, "mailing/preferences.html", context)


def _unsubscribe_target(token):
    """The person and community an unsubscribe link names, or None when the
    link is forged or was revoked."""
    from copse.accounts.models import User

    data = tokens.read_unsubscribe_token(token)
    if not data:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    community = Community.objects.filter(pk=data.get("c")).first()
    if user is None or community is None:
        return None
    current = MailSettings.objects.filter(user=user).values_list("token_version", flat=True).first()
    if data.get("v") != (current or 1):
        return None
    return user, community


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    target = _unsubscribe_target(token)
    if target is None:
        return render(
            request,
            "core/error.html",
            {
                "title": gettext("This link no longer works"),
                "message": gettext(
                    "Sign in and change how you get mail on your mail settings page."
                ),
            },
            status=400,
        )
    user, community = target
    modes = DeliveryForm.base_fields["mode"].choices
    if request.method == "POST":
        # A mail client's one-click POST (RFC 8058) names no mode: it stops mail.
        mode = request.POST.get("mode") or "none"
        try:
            services.set_community_mode(user=user, community=community, mode=mode)
        except UserFacingError as error:
            return render(
                request,
                "mailing/unsubscribe.html",
                {"community": community, "modes": modes, "error": error.message},
                status=error.status,
            )
        return render(
            request,
            "mailing/unsubscribed.html",
            {"community": community, "mode": mode, "label": dict(modes).get(mode)},
        )
    current = selectors.mail_mode_in(user, community)[0]
    return render(
        request,
        "mailing/unsubscribe.html",
        {"community": community, "modes": modes, "current": current},
    )


@login_required
@require_http_methods(["GET", "POST"])
def content_policy(request, slug):
    community = community_by_slug_for(request.user, slug, "community.set_mail_content")
    current = selectors.level_of(community)
    form = ContentLevelForm(request.POST or None, initial={"content": current})
    if request.method == "POST":
        if form.is_valid():
            services.set_content_level(
                actor=request.user, community=community, content=form.cleaned_data["content"]
            )
            messages.success(request, gettext("Saved. The change is in the audit log."))
            return redirect("mailing:content_policy", slug=community.slug)
        return render(
            request,
            "mailing/content_policy.html",
            {"community": community, "form": form, "current": current},
            status=400,
        )
    return render(
        request,
        "mailing/content_policy.html",
        {"community": community, "form": form, "current": current},
    )


@login_required
@require_GET
def outbox(request):
    if not permissions.can(request.user, "programme.manage"):
        raise Http404
    counts, recent = selectors.outbox_summary()
    # Each state by its name in the reader's language.
    states = dict(OutgoingMessage.State.choices)
    counts = {states.get(state, state): n for state, n in counts.items()}
    return render(request, "mailing/outbox.html", {"counts": counts, "recent": recent})


@login_required
@require_GET
def export_archive(request, slug):
    """The community's conversations as one mbox file, streamed as it is read."""
    community = community_by_slug_for(request.user, slug, "community.export_archive")
    chunks = archives.start_download(actor=request.user, community=community)
    response = StreamingHttpResponse(chunks, content_type="application/mbox")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{community.slug}-{day}.mbox"'
    return response


@login_required
@require_GET
def sent(request):
    before = cursors.integer(request.GET.get("before"), minimum=1)
    rows, next_before = selectors.mail_sent_to(request.user, before=before)
    return render(
        request,
        "mailing/sent_list.html",
        {"rows": rows, "next_before": next_before, "local_delivery": outbound.delivers_locally()},
    )


@login_required
@require_GET
def sent_message(request, pk):
    """A person's own mail, composed as it would be sent now; nobody else's."""
    row, message = outbound.mail_as_received(request.user, pk)
    if row is None:
        raise Http404
    return render(
        request,
        "mailing/sent_message.html",
        {"row": row, "message": message, "body": message.body.strip() if message else ""},
    )
