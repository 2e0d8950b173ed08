"""The webhook pages as a facilitator and a site admin use them: the secret
shown once, rotating it, saving, deleting, and the audit log of each."""

import pytest
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.audit.sentences import describe
from copse.webhooks.models import Webhook

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _create(client, url, target, **extra):
    return client.post(
        url,
        {
            "description": "Team chat",
            "target_url": target,
            "events": ["post.published", "membership.started"],
            "active": "on",
            **extra,
        },
    )


def test_the_secret_is_shown_once_and_rotating_shows_the_new_one_once(circle, client, receiver):
    community, facilitator, _ = circle
    client.force_login(facilitator)
    response = _create(client, reverse("webhooks:new", args=[community.slug]), receiver.url())
    hook = Webhook.objects.get()
    edit = reverse("webhooks:edit", args=[community.slug, hook.pk])
    assert response.status_code == 302 and response["Location"] == edit
    first = client.get(edit)
    assert hook.secret.encode() in first.content
    assert b"only time Copse shows it" in first.content
    assert hook.secret.encode() not in client.get(edit).content

    rotated = client.post(reverse("webhooks:rotate", args=[community.slug, hook.pk]))
    assert rotated.status_code == 302
    old = hook.secret
    hook.refresh_from_db()
    assert hook.secret != old and hook.previous_secret == old
    page = client.get(edit)
    assert hook.secret.encode() in page.content
    assert old.encode() not in page.content
    assert hook.secret.encode() not in client.get(edit).content

    actions = list(
        AuditEntry.objects.filter(action__startswith="webhook.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["webhook.created", "webhook.secret_rotated"]
    for entry in AuditEntry.objects.filter(action__startswith="webhook."):
        assert old not in str(entry.detail) and hook.secret not in str(entry.detail)
        assert entry.community == community


def test_saving_makes_the_saver_the_one_it_acts_for_and_is_audited(circle, client, receiver):
    community, facilitator, _ = circle
    other = testing.make_user(name="Otto Other")
    testing.seat(community, other, role="facilitator")
    client.force_login(facilitator)
    _create(client, reverse("webhooks:new", args=[community.slug]), receiver.url())
    hook = Webhook.objects.get()
    client.force_login(other)
    response = client.post(
        reverse("webhooks:edit", args=[community.slug, hook.pk]),
        {
            "description": "Team chat",
            "target_url": receiver.url("/v2"),
            "events": ["thread.created"],
        },
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.owner == other
    assert hook.events == ["thread.created"]
    assert hook.active is False
    assert hook.target_url.endswith("/v2")
    entry = AuditEntry.objects.get(action="webhook.changed")
    assert entry.detail["fields"] == ["active", "events", "target_url"]
    describe(facilitator, [entry])
    assert "Otto Other saved the webhook sending to 127.0.0.1" in entry.sentence


def test_a_bad_form_keeps_what_was_typed(circle, client, receiver):
    community, facilitator, _ = circle
    client.force_login(facilitator)
    response = client.post(
        reverse("webhooks:new", args=[community.slug]),
        {"description": "Team chat", "target_url": receiver.url(), "events": []},
    )
    assert response.status_code == 400
    assert b"Choose at least one event to send." in response.content
    assert receiver.url().encode() in response.content
    assert b'value="Team chat"' in response.content
    response = client.post(
        reverse("webhooks:new", args=[community.slug]),
        {"target_url": receiver.url(), "events": ["no.such.event"]},
    )
    assert response.status_code == 400
    assert b"Choose events from the list." in response.content
    assert not Webhook.objects.exists()


def test_deleting_needs_the_tick_and_is_audited(circle, client, receiver):
    community, facilitator, _ = circle
    client.force_login(facilitator)
    _create(client, reverse("webhooks:new", args=[community.slug]), receiver.url())
    hook = Webhook.objects.get()
    delete = reverse("webhooks:delete", args=[community.slug, hook.pk])
    response = client.post(delete)
    assert response.status_code == 302
    assert Webhook.objects.exists()
    assert "Tick" in client.get(response["Location"]).content.decode()
    response = client.post(delete, {"confirm": "yes"})
    assert response["Location"] == reverse("webhooks:list", args=[community.slug])
    assert not Webhook.objects.exists()
    entry = AuditEntry.objects.get(action="webhook.deleted")
    describe(facilitator, [entry])
    assert "Maria Facilitator deleted the webhook sending to 127.0.0.1" in entry.sentence


def test_the_settings_page_leads_facilitators_to_webhooks_and_not_site_admins(circle, client):
    community, facilitator, _ = circle
    admin = testing.make_site_admin()
    settings_url = reverse("communities:settings", args=[community.slug])
    webhooks_url = reverse("webhooks:list", args=[community.slug])
    client.force_login(facilitator)
    assert webhooks_url.encode() in client.get(settings_url).content
    client.force_login(admin)
    assert webhooks_url.encode() not in client.get(settings_url).content
    programme = client.get(reverse("communities:programme"))
    assert reverse("webhooks:site_list").encode() in programme.content


def test_a_site_admin_keeps_site_wide_webhooks(db, client, receiver):
    admin = testing.make_site_admin(name="Ada Admin")
    client.force_login(admin)
    response = _create(client, reverse("webhooks:site_new"), receiver.url())
    hook = Webhook.objects.get()
    assert hook.community is None and hook.owner == admin
    assert response["Location"] == reverse("webhooks:site_edit", args=[hook.pk])
    listing = client.get(reverse("webhooks:site_list"))
    assert b"Team chat" in listing.content
    assert b"confidential or unlisted community" in listing.content
    entry = AuditEntry.objects.get(action="webhook.created")
    assert entry.community is None


def test_the_page_says_when_nothing_is_sent_because_its_owner_stepped_down(circle, client):
    from copse.webhooks import services

    community, facilitator, _ = circle
    other = testing.make_user(name="Otto Other")
    testing.seat(community, other, role="facilitator")
    hook, _ = services.create_webhook(
        actor=facilitator,
        community=community,
        target_url="https://hooks.example.org/in",
        events=["post.published"],
    )
    testing.seat(community, facilitator, role="member")
    client.force_login(other)
    page = client.get(reverse("webhooks:edit", args=[community.slug, hook.pk]))
    assert b"Nothing is sent now" in page.content
    assert b"Maria Facilitator, who saved this webhook last, may no longer keep it" in page.content


@pytest.mark.parametrize(
    "fields",
    [
        {"description": "Chat\x00room", "target_url": "https://hooks.example.org/in"},
        {"target_url": "https://hooks.example.org/" + "a" * 600},
        {"target_url": "https://hooks.example.org/\x00"},
        {"target_url": "\U0001f333" * 300},
        {"target_url": "https://[::1"},
        {"target_url": "https://hooks.example.org:notaport/"},
        {"target_url": "http://[::ffff:169.254.169.254]:80/"},
        {"events": ["post.published", "\x00"], "target_url": "https://hooks.example.org/"},
        {"events": ["../../etc"], "target_url": "https://hooks.example.org/"},
    ],
)
def test_mangled_forms_get_a_message_never_a_500(circle, client, settings, fields):
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    community, facilitator, _ = circle
    client.force_login(facilitator)
    data = {"events": ["post.published"], **fields}
    response = client.post(reverse("webhooks:new", args=[community.slug]), data)
    assert response.status_code == 400
    assert b'class="error"' in response.content or b"form-errors" in response.content
    assert not Webhook.objects.exists()
