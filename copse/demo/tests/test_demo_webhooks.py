"""The demo's webhooks: Sofia's learning portal, Maria's private chat channel
and the programme office's dashboard, each with a log to look at, and none
sent anything while the demo loaded."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from copse.webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def _log():
    return sorted(
        WebhookDelivery.objects.values_list("webhook__description", "event", "status", "attempts")
    )


def test_the_demo_sends_nothing_and_its_webhooks_have_logs(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())
    hooks = {hook.description: hook for hook in Webhook.objects.select_related("community")}
    assert set(hooks) == {
        "Learning portal",
        "Members' private chat channel",
        "Programme office dashboard",
    }
    assert hooks["Learning portal"].community.visibility == "open"
    assert hooks["Members' private chat channel"].community.visibility == "confidential"
    assert hooks["Programme office dashboard"].community is None
    # Only the logs written as the story: nothing waiting, nothing tried now.
    assert not WebhookDelivery.objects.filter(status="pending").exists()
    retried = WebhookDelivery.objects.get(webhook=hooks["Learning portal"], attempts=3)
    assert list(retried.attempt_log.values_list("status_code", flat=True)) == [502, 502, 200]
    assert retried.status == "succeeded"
    failed = WebhookDelivery.objects.get(
        webhook=hooks["Programme office dashboard"], status="failed"
    )
    assert failed.attempts == 8 == failed.attempt_log.count()
    log = _log()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=StringIO())
    assert _log() == log

    maria = hooks["Members' private chat channel"].owner
    client.force_login(maria)
    slug = hooks["Members' private chat channel"].community.slug
    settings_page = client.get(reverse("communities:settings", args=[slug]))
    assert reverse("webhooks:list", args=[slug]).encode() in settings_page.content
    page = client.get(
        reverse("webhooks:deliveries", args=[slug, hooks["Members' private chat channel"].pk])
    )
    assert page.status_code == 200
    assert b"thread.created" in page.content
    client.post("/accounts/logout/")
    client.force_login(hooks["Programme office dashboard"].owner)
    assert hooks["Programme office dashboard"].owner.email == "admin@copse.example"
    listing = client.get(reverse("webhooks:site_list"))
    assert b"Programme office dashboard" in listing.content
