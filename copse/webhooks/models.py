"""A webhook (a target, the events it wants, its signing secret), one
delivery per event and webhook, and each attempt at sending a delivery.

A delivery holds ids, never content: what is sent is built when it is sent,
from the rows as they are then and as far as the webhook's owner may read
them (see `sending.prepare`)."""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Webhook(models.Model):
    """A community's webhook (`community` set: its facilitators keep it) or a
    site-wide one (no community: the site admins keep it)."""

    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    description = models.CharField(max_length=100, blank=True)
    target_url = models.CharField(max_length=500)
    # Event names (`events.EVENTS`) it is sent.
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    # Copse signs with it, so it is kept as it is; it is shown once, when made.
    secret = models.CharField(max_length=100, editable=False)
    # After a rotation the old secret signs too, for a day, so the receiver
    # can change over without losing a delivery.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Whoever saved it last: every delivery is checked against what this
    # person may manage and read when it is sent.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["community", "active"], name="webhook_by_community")]

    def __str__(self) -> str:
        return f"webhook {self.pk}"

    @property
    def is_site_wide(self) -> bool:
        return self.community_id is None

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        try:
            return urlsplit(self.target_url).hostname or ""
        except ValueError:
            return ""


class WebhookDelivery(models.Model):
    """One event for one webhook, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # The Copse-Delivery header: new for every delivery, redeliveries included.
    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    # The payload's "id": the same for every webhook's delivery of one event,
    # and for its redeliveries, so a receiver can tell it has seen it.
    event_id = models.UUIDField(default=uuid4, editable=False)
    event = models.CharField(max_length=40)
    community = models.ForeignKey(
        "communities.Community", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The id of the post, thread, meeting, RSVP, membership or proposal the
    # event is about; its kind follows from the event.
    object_id = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends it, so two never send it at once.
    leased_until = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(max_length=300, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["webhook", "-created_at", "-id"], name="delivery_log"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} delivery {self.uuid}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: what the receiver answered, or the error."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    # The address Copse connected to, after checking it.
    address = models.CharField(max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
