"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

A community's webhooks are its facilitators' alone: not its members, not a
delegate, not a former member, not a site admin (who reads none of a
confidential community's content and so may not send it anywhere). The
site-wide webhooks are the site admins' alone. Deleting without ticking the
confirmation deletes nothing and comes back to the webhook's page.
"""

from copse.core.tests.authorization import FACILITATES, MODERATES_POST, PROGRAMME

#                an   nm   rq   iv   mb   dl   gp   fc   fm   sa
PROGRAMME_POST = [302, 404, 404, 404, 404, 404, 404, 404, 404, 302]


def _slug(ctx):
    return {"slug": "circle"}


def _hook(ctx):
    return {"slug": "circle", "hook_id": ctx["webhook_id"]}


def _delivery(ctx):
    return {**_hook(ctx), "delivery_id": ctx["webhook_delivery_id"]}


def _site_hook(ctx):
    return {"hook_id": ctx["site_webhook_id"]}


def _site_delivery(ctx):
    return {**_site_hook(ctx), "delivery_id": ctx["site_webhook_delivery_id"]}


ROWS = {
    "webhooks:list": (_slug, "get", "", None, FACILITATES),
    "webhooks:new": (_slug, "get", "", None, FACILITATES),
    "webhooks:edit": (_hook, "get", "", None, FACILITATES),
    "webhooks:deliveries": (_hook, "get", "", None, FACILITATES),
    "webhooks:rotate": (_hook, "post", "", None, MODERATES_POST),
    "webhooks:delete": (_hook, "post", "", None, MODERATES_POST),
    "webhooks:redeliver": (_delivery, "post", "", None, MODERATES_POST),
    "webhooks:site_list": (None, "get", "", None, PROGRAMME),
    "webhooks:site_new": (None, "get", "", None, PROGRAMME),
    "webhooks:site_edit": (_site_hook, "get", "", None, PROGRAMME),
    "webhooks:site_deliveries": (_site_hook, "get", "", None, PROGRAMME),
    "webhooks:site_rotate": (_site_hook, "post", "", None, PROGRAMME_POST),
    "webhooks:site_delete": (_site_hook, "post", "", None, PROGRAMME_POST),
    "webhooks:site_redeliver": (_site_delivery, "post", "", None, PROGRAMME_POST),
}


def build(community, people, ctx):
    """The facilitator's webhook with one delivery in its log, and a site
    admin's site-wide webhook with one."""
    from django.utils import timezone

    from copse.webhooks import services
    from copse.webhooks.models import WebhookDelivery

    hook, _ = services.create_webhook(
        actor=people["facilitator"],
        community=community,
        target_url="https://hooks.circle.example/in",
        events=["post.published"],
    )
    site_hook, _ = services.create_webhook(
        actor=people["site_admin"],
        community=None,
        target_url="https://dashboard.programme.example/copse",
        events=["membership.started"],
    )
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        event="post.published",
        community=community,
        object_id=ctx["opening_post_id"],
        occurred_at=now,
        status=WebhookDelivery.Status.SUCCEEDED,
        attempts=1,
        finished_at=now,
    )
    site_delivery = WebhookDelivery.objects.create(
        webhook=site_hook,
        event="membership.started",
        community=community,
        object_id=ctx["membership_id"],
        occurred_at=now,
        status=WebhookDelivery.Status.FAILED,
        attempts=8,
        finished_at=now,
    )
    ctx.update(
        webhook_id=hook.pk,
        webhook_delivery_id=delivery.pk,
        site_webhook_id=site_hook.pk,
        site_webhook_delivery_id=site_delivery.pk,
    )
