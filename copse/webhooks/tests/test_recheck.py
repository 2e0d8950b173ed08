"""Every delivery is checked again when it is sent, as mail is: the
webhook's owner must still keep it and still read what it is about, and
the thing must still be there. Otherwise nothing is sent, and the log says
why."""

import datetime as dt

import pytest

from copse import testing
from copse.conversations import services as conversations
from copse.memberships import services as memberships
from copse.memberships.models import Membership
from copse.webhooks import sending, services
from copse.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _hook(community, actor, receiver, events=("post.published",)):
    hook, _ = services.create_webhook(
        actor=actor, community=community, target_url=receiver.url(), events=list(events)
    )
    return hook


def _run(callbacks):
    for callback in callbacks:
        callback()


def test_a_facilitator_demoted_before_the_send_sends_nothing(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    other = testing.make_user(name="Other Facilitator")
    testing.seat(community, other, role="facilitator")
    hook = _hook(community, facilitator, receiver)
    with django_capture_on_commit_callbacks() as waiting:
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    memberships.change_role(
        actor=other,
        membership=Membership.objects.get(community=community, user=facilitator),
        role="member",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _run(waiting)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == "skipped"
    assert "may no longer manage it" in delivery.skip_reason
    assert not delivery.attempt_log.exists()


def test_a_facilitator_who_left_between_two_attempts_stops_the_retries(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    successor = Membership.objects.get(community=community, user=member)
    hook = _hook(community, facilitator, receiver)
    receiver.answer(500, 200)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == "pending"
    memberships.leave(actor=facilitator, community=community, successor=successor)
    sending.attempt_delivery(delivery.pk, now=delivery.next_attempt_at + dt.timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.status == "skipped"
    assert len(receiver.received) == 1


def test_a_site_admin_no_longer_admin_sends_nothing(
    db, receiver, django_capture_on_commit_callbacks
):
    community = testing.make_community(visibility="open", join_policy="open")
    member = testing.make_user()
    testing.seat(community, member)
    admin = testing.make_site_admin(name="Ada Admin")
    hook = _hook(None, admin, receiver)
    admin.is_staff = False
    admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    assert receiver.received == []
    assert "may no longer manage it" in WebhookDelivery.objects.get(webhook=hook).skip_reason


def test_a_post_removed_before_the_send_is_not_sent(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    thread = conversations.start_thread(
        actor=member, community=community, kind="discussion", title="T", body="B"
    )
    hook = _hook(community, facilitator, receiver)
    with django_capture_on_commit_callbacks() as waiting:
        reply = conversations.post_reply(actor=member, thread=thread, body="Oops, wrong group")
    conversations.remove_post(actor=member, post=reply)
    with django_capture_on_commit_callbacks(execute=True):
        _run(waiting)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.status == "skipped"
    assert delivery.skip_reason == "The post was removed before this was sent."


def test_a_thread_moved_out_of_the_community_is_not_sent_to_its_old_communitys_webhook(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    elsewhere = testing.make_community(visibility="confidential")
    testing.seat(elsewhere, facilitator, role="facilitator")
    testing.seat(elsewhere, member)
    hook = _hook(community, facilitator, receiver)
    with django_capture_on_commit_callbacks() as waiting:
        thread = conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    conversations.move_thread(actor=facilitator, thread=thread, to_community=elsewhere)
    with django_capture_on_commit_callbacks(execute=True):
        _run(waiting)
    assert receiver.received == []
    assert WebhookDelivery.objects.get(webhook=hook).skip_reason == (
        "The post is no longer in this community."
    )


def test_a_webhook_turned_off_sends_nothing_more(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    hook = _hook(community, facilitator, receiver)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    delivery = WebhookDelivery.objects.get(webhook=hook)
    services.update_webhook(
        actor=facilitator,
        hook=hook,
        target_url=hook.target_url,
        events=hook.events,
        active=False,
    )
    sending.attempt_delivery(delivery.pk, now=delivery.next_attempt_at + dt.timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.skip_reason == "The webhook is turned off."
    assert len(receiver.received) == 1
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="U", body="C"
        )
    assert WebhookDelivery.objects.filter(webhook=hook).count() == 1


def test_a_webhook_whose_owner_left_copse_sends_nothing_until_someone_saves_it(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    other = testing.make_user(name="Other Facilitator")
    testing.seat(community, other, role="facilitator")
    hook = _hook(community, facilitator, receiver)
    facilitator.delete()
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    assert receiver.received == []
    assert "has left Copse" in WebhookDelivery.objects.get(webhook=hook).skip_reason
    hook.refresh_from_db()
    services.update_webhook(
        actor=other, hook=hook, target_url=hook.target_url, events=hook.events, active=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="U", body="C"
        )
    assert len(receiver.received) == 1


def test_a_webhook_made_after_an_event_is_not_sent_it(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    with django_capture_on_commit_callbacks() as waiting:
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    _hook(community, facilitator, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        _run(waiting)
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()
