"""Webhook pages: a community's (its facilitators', under /c/<slug>/webhooks/)
and the site-wide ones (the site admins', under /programme/webhooks/), each
with the same list, form, secret, delivery log and redelivery. Every view
takes the community's slug, or none for the site-wide pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from copse.communities.selectors import community_by_slug_for
from copse.core import permissions
from copse.core.errors import attempt, submit
from copse.webhooks import events, selectors, sending, services
from copse.webhooks.forms import WebhookForm

# Where a secret waits in the session, for the one page that shows it.
SHOWN_ONCE = "webhooks.secret.{}"


def _scope(request, slug):
    """The community whose webhooks these are (None: the site-wide ones), or 404."""
    if slug is None:
        permissions.require_or_404(request.user, "programme.manage_webhooks")
        return None
    return community_by_slug_for(request.user, slug, "community.manage_webhooks")


def url_for(community, name: str, *ids) -> str:
    if community is None:
        return reverse(f"webhooks:site_{name}", args=ids)
    return reverse(f"webhooks:{name}", args=[community.slug, *ids])


def _links(community, hook) -> dict:
    return {
        name: url_for(community, name, hook.pk)
        for name in ("edit", "deliveries", "rotate", "delete")
    }


def _show_once(request, hook, secret: str) -> None:
    request.session[SHOWN_ONCE.format(hook.pk)] = secret


@login_required
def webhook_list(request, slug=None):
    community = _scope(request, slug)
    hooks = selectors.webhooks_of(community)
    for hook in hooks:
        hook.links = _links(community, hook)
    return render(
        request,
        "webhooks/list.html",
        {
            "community": community,
            "hooks": hooks,
            "new_url": url_for(community, "new"),
            "labels": dict(events.CHOICES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_new(request, slug=None):
    community = _scope(request, slug)
    status = 200
    if request.method == "POST":
        form = WebhookForm(request.POST)
        sent = submit(
            form,
            lambda data: services.create_webhook(
                actor=request.user,
                community=community,
                target_url=data["target_url"],
                events=data["events"],
                active=data["active"],
                description=data["description"],
            ),
        )
        if sent.saved:
            hook, secret = sent.result
            _show_once(request, hook, secret)
            messages.success(request, _("The webhook is saved. Copy its secret now."))
            return redirect(url_for(community, "edit", hook.pk))
        status = sent.status
    else:
        form = WebhookForm(initial={"active": True})
    return render(
        request,
        "webhooks/form.html",
        {
            "community": community,
            "form": form,
            "hook": None,
            "list_url": url_for(community, "list"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request, slug=None, hook_id=None):
    community = _scope(request, slug)
    hook = selectors.webhook_for(request.user, community, hook_id)
    status = 200
    if request.method == "POST":
        form = WebhookForm(request.POST)
        sent = submit(
            form,
            lambda data: services.update_webhook(
                actor=request.user,
                hook=hook,
                target_url=data["target_url"],
                events=data["events"],
                active=data["active"],
                description=data["description"],
            ),
        )
        if sent.saved:
            messages.success(request, _("The webhook is saved."))
            return redirect(url_for(community, "edit", hook.pk))
        status = sent.status
    else:
        form = WebhookForm(
            initial={
                "description": hook.description,
                "target_url": hook.target_url,
                "events": hook.events,
                "active": hook.active,
            }
        )
    secret = request.session.pop(SHOWN_ONCE.format(hook.pk), None)
    owner = hook.owner
    if owner is not None:
        permissions.forget_standings(owner)
    return render(
        request,
        "webhooks/form.html",
        {
            "community": community,
            "form": form,
            "hook": hook,
            "secret": secret,
            "owner_may_manage": owner is not None
            and permissions.can(owner, "webhook.manage", hook),
            "links": _links(community, hook),
            "list_url": url_for(community, "list"),
        },
        status=status,
    )


@login_required
@require_POST
def webhook_rotate(request, slug=None, hook_id=None):
    community = _scope(request, slug)
    hook = selectors.webhook_for(request.user, community, hook_id)
    secret = services.rotate_secret(actor=request.user, hook=hook)
    _show_once(request, hook, secret)
    messages.success(
        request,
        _(
            "A new secret signs every delivery from now on; the old one signs too for a day. "
            "Copy the new one now."
        ),
    )
    return redirect(url_for(community, "edit", hook.pk))


@login_required
@require_POST
def webhook_delete(request, slug=None, hook_id=None):
    community = _scope(request, slug)
    hook = selectors.webhook_for(request.user, community, hook_id)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, _("Tick “Yes, delete this webhook and its delivery log” to delete it.")
        )
        return redirect(url_for(community, "edit", hook.pk))
    services.delete_webhook(actor=request.user, hook=hook)
    messages.success(request, _("The webhook is deleted. Nothing more is sent to it."))
    return redirect(url_for(community, "list"))


@login_required
def webhook_deliveries(request, slug=None, hook_id=None):
    community = _scope(request, slug)
    hook = selectors.webhook_for(request.user, community, hook_id)
    page = selectors.deliveries_page(hook, after=request.GET.get("after", ""))
    for delivery in page.rows:
        delivery.redeliver_url = url_for(community, "redeliver", hook.pk, delivery.pk)
    return render(
        request,
        "webhooks/deliveries.html",
        {
            "community": community,
            "hook": hook,
            "page": page,
            "links": _links(community, hook),
            "list_url": url_for(community, "list"),
            "max_attempts": sending.MAX_ATTEMPTS,
            "keep_days": settings.COPSE_WEBHOOKS_KEEP_DAYS,
        },
    )


@login_required
@require_POST
def webhook_redeliver(request, slug=None, hook_id=None, delivery_id=None):
    community = _scope(request, slug)
    hook = selectors.webhook_for(request.user, community, hook_id)
    delivery = selectors.delivery_for(hook, delivery_id)
    attempt(
        request,
        lambda: services.redeliver(actor=request.user, delivery=delivery),
        done=_("Redelivered as a new delivery: it is at the top of the log."),
    )
    return redirect(url_for(community, "deliveries", hook.pk))
