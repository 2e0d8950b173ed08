"""The webhook list and the delivery log run the same, bounded number of
queries whatever the number of webhooks, deliveries and attempts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.webhooks import services
from copse.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

SIZES = (3, 30)


class World:
    def __init__(self):
        self.community = testing.make_community(slug="counted", visibility="members")
        self.facilitator = testing.make_user(name="Fay Facilitator")
        self.admin = testing.make_site_admin(name="Ada Admin")
        testing.seat(self.community, self.facilitator, role="facilitator")
        self.hook = self._hook(self.community, self.facilitator)
        self.site_hook = self._hook(None, self.admin)
        self.grown = 0

    def _hook(self, community, actor):
        hook, _ = services.create_webhook(
            actor=actor,
            community=community,
            target_url="https://hooks.example.org/in",
            events=["post.published", "membership.started"],
        )
        return hook

    def grow(self, size):
        """Up to `size` more webhooks each side, and `size` deliveries of
        three attempts in each of the two webhooks shown."""
        now = timezone.now()
        for community, actor in ((self.community, self.facilitator), (None, self.admin)):
            for _ in range(size):
                self._hook(community, actor)
        for hook in (self.hook, self.site_hook):
            deliveries = WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    webhook=hook,
                    event="post.published",
                    community=self.community,
                    object_id=n + 1,
                    occurred_at=now,
                    status=WebhookDelivery.Status.FAILED,
                    attempts=3,
                    finished_at=now,
                )
                for n in range(size)
            )
            WebhookAttempt.objects.bulk_create(
                WebhookAttempt(
                    delivery=delivery,
                    number=number,
                    started_at=now,
                    duration_ms=12,
                    status_code=500,
                    response_excerpt="Internal trouble",
                )
                for delivery in deliveries
                for number in (1, 2, 3)
            )


PAGES = {
    # The session, the user (with what every page needs of them), their
    # standings, the community, the webhooks with their latest delivery.
    "community webhooks": ("facilitator", lambda w: reverse("webhooks:list", args=["counted"]), 5),
    # ..., the webhook, one page of its deliveries, their attempts.
    "community delivery log": (
        "facilitator",
        lambda w: reverse("webhooks:deliveries", args=["counted", w.hook.pk]),
        7,
    ),
    # A site admin has no standings to read, and no community.
    "site-wide webhooks": ("admin", lambda w: reverse("webhooks:site_list"), 3),
    "site-wide delivery log": (
        "admin",
        lambda w: reverse("webhooks:site_deliveries", args=[w.site_hook.pk]),
        5,
    ),
    # ..., the webhook, and its owner's standings, read fresh (they decide
    # whether anything is sent, and the page says so).
    "a webhook": (
        "facilitator",
        lambda w: reverse("webhooks:edit", args=["counted", w.hook.pk]),
        8,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_webhook_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, page):
    role, url_of, limit = PAGES[page]
    world = World()
    client.force_login(getattr(world, role))
    world.grow(SIZES[0])
    url = url_of(world)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    world.grow(SIZES[1])
    with django_assert_max_num_queries(limit) as big:
        response = client.get(url)
    assert response.status_code == 200
    assert len(big) == len(small), f"{page}: {len(small)} small, {len(big)} large"
    if "log" in page:
        assert response.content.count(b"Internal trouble") == 25 * 3
        assert b"Older deliveries" in response.content
    if page == "community webhooks":
        assert Webhook.objects.filter(community=world.community).count() == 1 + 3 + 30
