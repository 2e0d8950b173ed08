"""Email as a way to take part: who gets what, the outbox, and what came in.

- `MailSettings`: a person's default delivery, the version that revokes all
  their reply and unsubscribe tokens at once, and whether their address bounces.
- `CommunityDelivery`: their choice for one community (every message, daily or
  weekly digest, none).
- `CommunityMailPolicy`: how much of a community's content may travel in mail.
  Absent means the default for its visibility: link-only for confidential
  communities, full content otherwise.
- `OutgoingMessage`: the outbox. A row names a recipient and what to tell them
  (a post, a digest, a notice of a notification); the message is composed when it is sent, after checking
  permission again, so a removal or a move that happened in between wins.
- `InboundMessage`: every message received, by Message-ID, so a duplicate is
  ignored and every refusal is logged.
- `HeldMessage`: a message to a `members` or `confidential` community whose
  sender was not shown to be who its From header says, kept (for nobody's
  eyes) until that person confirms it by the link mailed to their address.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryMode(models.TextChoices):
    EVERY = "every", _("Every message (mailing-list mode)")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NONE = "none", _("No email")


class ContentLevel(models.TextChoices):
    LINK_ONLY = "link_only", _("Link only: “new activity in …” and a link")
    TITLES = "titles", _("Titles and authors, no text")
    FULL = "full", _("Full content")


# What people who never chose get, everywhere.
DEFAULT_MODE = DeliveryMode.DAILY


class MailSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_settings"
    )
    default_mode = models.CharField(
        max_length=10, choices=DeliveryMode.choices, default=DEFAULT_MODE
    )
    # Raising it invalidates every reply and unsubscribe token issued before.
    token_version = models.PositiveIntegerField(default=1)
    bouncing_since = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"mail settings of {self.user_id}"


class CommunityDelivery(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_deliveries"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="deliveries"
    )
    mode = models.CharField(max_length=10, choices=DeliveryMode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_delivery_choice")
        ]
        indexes = [models.Index(fields=["community", "mode"], name="delivery_by_mode")]

    def __str__(self) -> str:
        return f"{self.mode} for {self.user_id} in {self.community_id}"


class CommunityMailPolicy(models.Model):
    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, related_name="mail_policy"
    )
    content = models.CharField(max_length=10, choices=ContentLevel.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.content} for {self.community_id}"


class OutgoingMessage(models.Model):
    class Kind(models.TextChoices):
        POST = "post", _("A post")
        DIGEST = "digest", _("A digest")
        NOTICE = "notice", _("A notice")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DROPPED = "dropped", _("Dropped (no longer allowed)")
        FAILED = "failed", _("Failed for good")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outgoing_mail"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # For notices: the notification mailed (a meeting reminder, a mention…).
    notification = models.ForeignKey(
        "notifications.Notification",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # For digests: the period covered.
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Filled when sent: what went out, for the admin outbox and threading.
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    to_address = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at", "id"], name="outbox_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=models.Q(kind="post"),
                name="one_mail_per_post_and_recipient",
            ),
            models.UniqueConstraint(
                fields=["recipient", "community", "period_end"],
                condition=models.Q(kind="digest"),
                name="one_digest_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id} ({self.state})"


class InboundMessage(models.Model):
    class Outcome(models.TextChoices):
        POSTED = "posted", _("Posted")
        DUPLICATE = "duplicate", _("Duplicate")
        REFUSED = "refused", _("Refused")
        AUTO_REPLY = "auto_reply", _("Automatic reply ignored")
        BOUNCE = "bounce", _("Bounce")
        MALFORMED = "malformed", _("Malformed")
        SUBSCRIPTION = "subscription", _("Subscription request")
        HELD = "held", _("Held until the sender confirms")
        # An answer by mail (a position on a proposal) was saved.
        ANSWERED = "answered", _("Answer saved")

    message_id = models.CharField(max_length=250, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)
    sender = models.CharField(max_length=320, blank=True)
    recipient = models.CharField(max_length=320, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The member it came from, when the sender was recognised.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The whole message as received, kept for the author of a post made from it.
    raw = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.outcome}: {self.message_id}"


class HeldMessage(models.Model):
    """A message held until the person its From header names confirms it
    by following the link mailed to that address. Only a hash of the link's
    token is stored. The raw message is read by nobody and deleted once posted
    or after `COPSE_MAIL_HOLD_DAYS`."""

    inbound = models.OneToOneField(InboundMessage, on_delete=models.CASCADE, related_name="held")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    raw = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"held {self.inbound_id} for {self.user_id}"


class ImportedMessage(models.Model):
    """A message brought in from a list archive (`copse import-mbox`), by
    Message-ID per community, so importing the same archive twice adds
    nothing."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    message_id = models.CharField(max_length=250)
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "message_id"], name="one_import_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} in {self.community_id}"
