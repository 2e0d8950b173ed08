"""Who keeps webhooks (`webhook.manage` and the two scopes), for every role,
and the attacks of people who must be refused whatever they try."""

import pytest
from django.urls import reverse

from copse import testing
from copse.core import permissions
from copse.core.tests.authorization import ROLES, expected_for
from copse.webhooks import services
from copse.webhooks.models import Webhook, WebhookDelivery

#                  an  nm  rq  iv  mb  dl  gp  fc  fm  sa
COMMUNITY_HOOK = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
SITE_HOOK = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


@pytest.fixture
def hooks(roles):
    community, people = roles
    hook, _ = services.create_webhook(
        actor=people["facilitator"],
        community=community,
        target_url="https://hooks.circle.example/in",
        events=["post.published"],
    )
    site_hook, _ = services.create_webhook(
        actor=people["site_admin"],
        community=None,
        target_url="https://dashboard.programme.example/in",
        events=["membership.started"],
    )
    return community, people, hook, site_hook


@pytest.mark.parametrize("role", ROLES)
def test_who_keeps_which_webhook(hooks, role):
    community, people, hook, site_hook = hooks
    user = people[role]
    assert permissions.can(user, "webhook.manage", hook) is bool(expected_for(COMMUNITY_HOOK, role))
    assert permissions.can(user, "community.manage_webhooks", community) is bool(
        expected_for(COMMUNITY_HOOK, role)
    )
    assert permissions.can(user, "webhook.manage", site_hook) is bool(expected_for(SITE_HOOK, role))
    assert permissions.can(user, "programme.manage_webhooks") is bool(expected_for(SITE_HOOK, role))


def test_a_facilitator_on_leave_keeps_no_webhook(hooks):
    community, people, hook, _ = hooks
    testing.seat(community, people["facilitator"], role="facilitator", status="on_leave")
    assert not permissions.can(people["facilitator"], "webhook.manage", hook)


def test_a_deactivated_facilitator_keeps_no_webhook(hooks):
    _, people, hook, _ = hooks
    people["facilitator"].is_active = False
    assert not permissions.can(people["facilitator"], "webhook.manage", hook)


def _urls(community_slug, hook, delivery):
    get = [
        reverse("webhooks:edit", args=[community_slug, hook.pk]),
        reverse("webhooks:deliveries", args=[community_slug, hook.pk]),
    ]
    post = [
        reverse("webhooks:rotate", args=[community_slug, hook.pk]),
        reverse("webhooks:delete", args=[community_slug, hook.pk]),
        reverse("webhooks:redeliver", args=[community_slug, hook.pk, delivery.pk]),
    ]
    return get, post


def _delivery(hook):
    from django.utils import timezone

    return WebhookDelivery.objects.create(
        webhook=hook,
        event="post.published",
        object_id=1,
        occurred_at=timezone.now(),
        status="succeeded",
    )


def test_another_communitys_facilitator_reaches_nothing_through_any_door(hooks, client):
    """Through their own community's address with the other's ids, or the
    other's address: the same 404 as a missing page, and nothing changes."""
    community, people, hook, site_hook = hooks
    theirs = testing.make_community(slug="theirs", name="Their Circle")
    stranger = testing.make_user(name="Stella Stranger")
    testing.seat(theirs, stranger, role="facilitator")
    delivery = _delivery(hook)
    client.force_login(stranger)
    assert client.get(reverse("webhooks:list", args=["theirs"])).status_code == 200
    secret_before = Webhook.objects.get(pk=hook.pk).secret
    for slug in ("theirs", community.slug):
        get, post = _urls(slug, hook, delivery)
        for url in get:
            response = client.get(url)
            assert response.status_code == 404, url
            assert b"hooks.circle.example" not in response.content
        for url in post:
            assert client.post(url, {"confirm": "yes"}).status_code == 404, url
    response = client.post(
        reverse("webhooks:edit", args=["theirs", hook.pk]),
        {"target_url": "https://attacker.example.org/", "events": ["post.published"]},
    )
    assert response.status_code == 404
    hook.refresh_from_db()
    assert hook.secret == secret_before
    assert hook.target_url == "https://hooks.circle.example/in"
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1


def test_a_community_webhook_is_not_reached_through_the_site_wide_pages(hooks, client):
    community, people, hook, site_hook = hooks
    client.force_login(people["site_admin"])
    assert client.get(reverse("webhooks:site_edit", args=[hook.pk])).status_code == 404
    assert client.get(reverse("webhooks:site_deliveries", args=[hook.pk])).status_code == 404
    assert client.post(reverse("webhooks:site_rotate", args=[hook.pk])).status_code == 404
    client.force_login(people["facilitator"])
    for name in ("webhooks:edit", "webhooks:deliveries"):
        assert client.get(reverse(name, args=[community.slug, site_hook.pk])).status_code == 404


def test_a_delivery_of_another_webhook_cannot_be_redelivered_through_this_one(hooks, client):
    community, people, hook, _ = hooks
    other, _ = services.create_webhook(
        actor=people["facilitator"],
        community=community,
        target_url="https://other.circle.example/in",
        events=["post.published"],
    )
    foreign = _delivery(other)
    client.force_login(people["facilitator"])
    url = reverse("webhooks:redeliver", args=[community.slug, hook.pk, foreign.pk])
    assert client.post(url).status_code == 404
    assert WebhookDelivery.objects.count() == 1


def test_members_delegates_and_former_members_cannot_create_one(hooks, client):
    community, people, _, _ = hooks
    for role in ("member", "delegate", "former_member", "guest_presenter", "site_admin"):
        client.force_login(people[role])
        response = client.post(
            reverse("webhooks:new", args=[community.slug]),
            {"target_url": "https://attacker.example.org/", "events": ["post.published"]},
        )
        assert response.status_code == 404, role
        with pytest.raises(services.NotAllowed):
            services.create_webhook(
                actor=people[role],
                community=community,
                target_url="https://attacker.example.org/",
                events=["post.published"],
            )
    assert Webhook.objects.filter(target_url__contains="attacker").count() == 0


@pytest.mark.parametrize(
    ("hook_of", "visibility", "listed", "owner_reads", "about_people", "level"),
    [
        # A community's own webhook.
        ("community", "open", True, True, False, "content"),
        ("community", "members", True, True, False, "content"),
        ("community", "confidential", False, True, False, "ids_and_links"),
        ("community", "confidential", False, True, True, "ids_and_links"),
        ("community", "members", True, False, False, "nothing"),
        ("other", "open", True, True, False, "nothing"),
        # Site-wide.
        ("site", "open", True, True, False, "content"),
        ("site", "open", False, True, False, "content"),
        ("site", "open", True, False, False, "ids_and_links"),
        ("site", "members", True, False, False, "ids_and_links"),
        ("site", "members", True, True, True, "content"),
        ("site", "members", False, False, False, "nothing"),
        ("site", "members", False, True, True, "ids"),
        ("site", "confidential", True, False, False, "nothing"),
        ("site", "confidential", False, True, True, "ids"),
        ("site", "confidential", False, False, True, "nothing"),
    ],
)
def test_what_a_delivery_may_carry(
    db, hook_of, visibility, listed, owner_reads, about_people, level
):
    community = testing.make_community(visibility=visibility, listed=listed)
    other = testing.make_community()
    hook = Webhook(
        community={"community": community, "other": other, "site": None}[hook_of],
        target_url="https://hooks.example.org/",
    )
    got = permissions.webhook_disclosure(
        hook,
        community,
        visibility=visibility,
        owner_reads=owner_reads,
        about_people=about_people,
    )
    assert got == level
