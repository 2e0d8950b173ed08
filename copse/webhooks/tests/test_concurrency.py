"""Workers trying one delivery at the same moment send it once: the lease is
taken by one conditional update, whoever gets there first."""

import pytest
from django.utils import timezone

from copse import testing
from copse.memberships.tests.test_concurrency import _in_parallel
from copse.webhooks import sending, services
from copse.webhooks.models import WebhookDelivery


@pytest.mark.django_db(transaction=True)
def test_six_workers_send_one_delivery_once(receiver, settings):
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    community = testing.make_community(visibility="members")
    facilitator, member = testing.make_user(), testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    testing.seat(community, member)
    from copse.conversations import services as conversations

    thread = conversations.start_thread(
        actor=member, community=community, kind="discussion", title="T", body="B"
    )
    hook, _ = services.create_webhook(
        actor=facilitator, community=community, target_url=receiver.url(), events=["thread.created"]
    )
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        webhook=hook,
        event="thread.created",
        community=community,
        object_id=thread.pk,
        occurred_at=now,
        next_attempt_at=now,
    )
    results, errors = _in_parallel(
        [lambda: sending.attempt_delivery(delivery.pk) for _ in range(6)]
    )
    assert not errors, errors
    assert sorted(results) == ["", "", "", "", "", "succeeded"]
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.attempt_log.count() == 1
