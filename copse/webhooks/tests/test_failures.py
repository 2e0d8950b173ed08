"""When the webhooks' own writes fail, what the person did still stands and
their page is not an error."""

import pytest
from django.db import OperationalError, connection

from copse.conversations import services as conversations
from copse.conversations.models import Thread
from copse.webhooks import services
from copse.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _refuse_deliveries(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("INSERT") and "webhooks_webhookdelivery" in sql:
        raise OperationalError("database or disk is full")
    return execute(sql, params, many, context)


def test_a_post_stands_when_its_deliveries_cannot_be_written(
    circle, receiver, caplog, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=["post.published"],
    )
    with (
        connection.execute_wrapper(_refuse_deliveries),
        django_capture_on_commit_callbacks(execute=True),
    ):
        thread = conversations.start_thread(
            actor=member, community=community, kind="discussion", title="Stays", body="B"
        )
    assert Thread.objects.filter(pk=thread.pk, title="Stays").exists()
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []
    assert "database or disk is full" in caplog.text
