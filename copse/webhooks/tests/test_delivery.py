"""Deliveries reach a real receiver on loopback, signed; failures are tried
again with growing waits; the log keeps each attempt; redelivery sends the
same event under a new delivery id."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from copse.conversations import services as conversations
from copse.webhooks import sending, services, tasks
from copse.webhooks.models import WebhookAttempt, WebhookDelivery
from copse.webhooks.tests.receiver import signature_is_valid

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _hook(community, facilitator, receiver, events=("post.published", "thread.created")):
    return services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=list(events),
        description="Team chat",
    )


def _start_thread(community, member, title="Printer queues", body="Who runs CUPS at scale?"):
    return conversations.start_thread(
        actor=member, community=community, kind="discussion", title=title, body=body
    )


def test_a_new_thread_reaches_the_receiver_signed(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    hook, secret = _hook(community, facilitator, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        thread = _start_thread(community, member)
    assert sorted(r.headers["Copse-Event"] for r in receiver.received) == [
        "post.published",
        "thread.created",
    ]
    for request in receiver.received:
        assert request.path == "/hooks/copse"
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
        assert signature_is_valid(secret, request.headers["Copse-Signature"], request.body)
        assert not signature_is_valid(
            "whsec_wrong", request.headers["Copse-Signature"], request.body
        )
        assert not signature_is_valid(
            secret, request.headers["Copse-Signature"], request.body + b" "
        )
    published = next(r for r in receiver.received if r.headers["Copse-Event"] == "post.published")
    document = published.json
    assert document["event"] == "post.published"
    assert document["disclosure"] == "content"
    assert document["community"]["name"] == "Administrators' CoP"
    assert document["data"]["thread"]["title"] == "Printer queues"
    assert document["data"]["post"]["body"] == "Who runs CUPS at scale?"
    assert document["data"]["post"]["author"]["name"] == "Dev Member"
    assert document["data"]["post"]["url"].endswith(f"/t/{thread.pk}/#post-0") or (
        str(thread.pk) in document["data"]["post"]["url"]
    )
    delivery = WebhookDelivery.objects.get(uuid=published.headers["Copse-Delivery"])
    assert str(delivery.event_id) == document["id"]
    assert delivery.status == "succeeded"
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "ok"
    assert attempt.address == "127.0.0.1"


def test_the_signature_is_over_the_timestamp_and_the_exact_body(
    circle, receiver, django_capture_on_commit_callbacks
):
    import hashlib
    import hmac

    community, facilitator, member = circle
    _, secret = _hook(community, facilitator, receiver, events=["post.published"])
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    request = receiver.received[0]
    fields = dict(part.split("=", 1) for part in request.headers["Copse-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), f"{fields['t']}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert fields["v1"] == expected
    assert abs(int(fields["t"]) - timezone.now().timestamp()) < 60


def test_failures_are_tried_again_with_growing_waits_until_delivered(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    receiver.answer((500, b"Internal trouble", 0.0, {}), 503, 200)
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    first_wait = delivery.next_attempt_at - delivery.occurred_at
    assert dt.timedelta(seconds=29) < first_wait <= dt.timedelta(seconds=31)
    # Not due yet: nothing is sent.
    assert sending.attempt_delivery(delivery.pk) == ""
    assert len(receiver.received) == 1

    second = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert sending.attempt_delivery(delivery.pk, now=second) == "pending"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - second == dt.timedelta(minutes=2)

    third = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert sending.attempt_delivery(delivery.pk, now=third) == "succeeded"
    assert len(receiver.received) == 3
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery))
    assert [a.status_code for a in attempts] == [500, 503, 200]
    assert attempts[0].response_excerpt == "Internal trouble"
    # One event, one delivery id, whatever the number of attempts.
    assert len({r.headers["Copse-Delivery"] for r in receiver.received}) == 1
    assert len({r.json["id"] for r in receiver.received}) == 1


def test_the_deliver_task_asks_try_again_at_for_the_next_try(
    circle, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    asked = []
    monkeypatch.setattr(tasks, "try_again_at", lambda *when: asked.append(when))
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert asked == [(delivery.pk, delivery.next_attempt_at)]


def test_the_waits_grow_fourfold_and_it_gives_up_after_eight_attempts(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    delivery = WebhookDelivery.objects.get()
    waits = []
    while delivery.status == "pending":
        before = delivery.next_attempt_at
        now = before + dt.timedelta(seconds=1)
        sending.attempt_delivery(delivery.pk, now=now)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - now)
    assert delivery.status == "failed"
    assert delivery.attempts == sending.MAX_ATTEMPTS == 8
    assert len(receiver.received) == 8
    assert [w.total_seconds() for w in waits] == [120, 480, 1920, 7680, 30720, 86400]
    # The sweep leaves a finished delivery alone.
    assert sending.deliver_due(now=timezone.now() + dt.timedelta(days=3)) == 0
    assert len(receiver.received) == 8


def test_a_receiver_that_does_not_answer_in_time_is_tried_again(
    circle, receiver, settings, django_capture_on_commit_callbacks
):
    settings.COPSE_WEBHOOKS_TIMEOUT_SECONDS = 0.3
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    receiver.answer((200, b"late", 1.0, {}), 200)
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    delivery = WebhookDelivery.objects.get()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert "No answer within 0.3 s" in attempt.error
    assert attempt.duration_ms < 1000
    assert delivery.status == "pending"
    later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert sending.deliver_due(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"


def test_only_the_first_bytes_of_the_answer_are_read(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    receiver.answer((200, b"x" * 2_000_000, 0.0, {}))
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200
    assert len(attempt.response_excerpt) == 300


def test_a_redirect_is_not_followed(circle, receiver, django_capture_on_commit_callbacks):
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    receiver.answer((302, b"", 0.0, {"Location": receiver.url("/elsewhere")}))
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    assert [r.path for r in receiver.received] == ["/hooks/copse"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempt_log.get().status_code == 302


def test_redeliver_sends_the_same_event_under_a_new_delivery_id(
    circle, receiver, client, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    hook, secret = _hook(community, facilitator, receiver, events=["post.published"])
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    first = WebhookDelivery.objects.get()
    client.force_login(facilitator)
    url = reverse("webhooks:redeliver", args=[community.slug, hook.pk, first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:deliveries", args=[community.slug, hook.pk])
    assert len(receiver.received) == 2
    one, two = receiver.received
    assert one.headers["Copse-Delivery"] != two.headers["Copse-Delivery"]
    assert one.json["id"] == two.json["id"]
    assert signature_is_valid(secret, two.headers["Copse-Signature"], two.body)
    again = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert again.redelivery_of == first
    assert again.requested_by == facilitator
    assert again.status == "succeeded"
    page = client.get(reverse("webhooks:deliveries", args=[community.slug, hook.pk]))
    assert str(again.uuid).encode() in page.content


def test_after_a_rotation_both_secrets_sign_for_a_day(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    hook, old = _hook(community, facilitator, receiver, events=["post.published"])
    new = services.rotate_secret(actor=facilitator, hook=hook)
    assert new != old
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member)
    request = receiver.received[0]
    assert request.headers["Copse-Signature"].count("v1=") == 2
    assert signature_is_valid(new, request.headers["Copse-Signature"], request.body)
    assert signature_is_valid(old, request.headers["Copse-Signature"], request.body)
    hook.refresh_from_db()
    hook.previous_secret_until = timezone.now() - dt.timedelta(seconds=1)
    hook.save()
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member, title="Second")
    request = receiver.received[1]
    assert request.headers["Copse-Signature"].count("v1=") == 1
    assert not signature_is_valid(old, request.headers["Copse-Signature"], request.body)
    assert signature_is_valid(new, request.headers["Copse-Signature"], request.body)


def test_what_members_type_changes_nothing_but_the_json_body(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    _hook(community, facilitator, receiver, events=["post.published"])
    body = 'Hello\r\nX-Injected: yes\r\n\r\n{"event": "membership.ended"}\u2028\u0000 Ω "quoted"'
    with django_capture_on_commit_callbacks(execute=True):
        _start_thread(community, member, title="Title\r\nCopse-Event: nothing", body=body)
    request = receiver.received[0]
    assert sorted(request.header_names) == sorted(
        [
            "Host",
            "Accept-Encoding",
            "Content-Length",
            "Content-Type",
            "User-Agent",
            "Copse-Event",
            "Copse-Delivery",
            "Copse-Signature",
        ]
    )
    assert request.headers["Copse-Event"] == "post.published"
    document = json.loads(request.body)
    assert document["event"] == "post.published"
    sent = document["data"]["post"]["body"]
    assert "X-Injected: yes" in sent
    assert sent.endswith('Ω "quoted"')
    # Plain ASCII on the wire: every other character is a JSON escape.
    request.body.decode("ascii")
