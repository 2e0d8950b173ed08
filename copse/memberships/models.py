"""Who belongs to a community, in which role, and how they got there."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Membership(models.Model):
    """One person's place in one community. Rows are kept when people leave,
    so authorship of past content remains and history is auditable."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")
        DELEGATE = "delegate", _("Delegate")
        GUEST_PRESENTER = "guest_presenter", _("Guest presenter")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("membership status", "Active")
        ON_LEAVE = "on_leave", pgettext_lazy("membership status", "On leave")
        LEFT = "left", pgettext_lazy("membership status", "Left")
        REMOVED = "removed", pgettext_lazy("membership status", "Removed")

    class SeatedVia(models.TextChoices):
        """The only ways into a community (see `memberships.services`)."""

        INVITATION = "invitation", _("invitation")
        APPROVAL = "approval", _("approved request")
        OPEN_JOIN = "open_join", _("open community")
        # The members admitted them by an admission proposal (copse/decisions).
        MEMBERS_DECIDED = "members_decided", _("the members' decision")
        FIRST_FACILITATOR = "first_facilitator", _("first facilitator")
        # A delegate reads through their principal's seat, appointed by a facilitator.
        DELEGATE = "delegate", _("delegate")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The organisation this person represents here, fixed at joining for the cap.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    # A delegate attends and reads on behalf of a principal who stepped back.
    principal = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="delegates"
    )
    # The norms version this person last accepted; below the community's
    # current version they can read but not contribute.
    norms_accepted = models.PositiveIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Who gave the seat and how (the inviter, the approving facilitator, the
    # site admin who seated a first facilitator; the person themselves for an
    # open join). Blank for memberships older than this record.
    seated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seated_via = models.CharField(max_length=20, choices=SeatedVia.choices, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["community", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_person")
        ]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["community", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role}, {self.status})"

    # Statuses that count towards size and caps (on leave still holds a seat).
    SEATED = (Status.ACTIVE, Status.ON_LEAVE)

    @property
    def is_current(self) -> bool:
        return self.status in self.SEATED


def seated_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Membership.SEATED}) & ~Q(
        **{f"{prefix}role": Membership.Role.GUEST_PRESENTER}
    )


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("join request status", "Waiting")
        APPROVED = "approved", pgettext_lazy("join request status", "Approved")
        DECLINED = "declined", pgettext_lazy("join request status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("join request status", "Withdrawn")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Fixed when the request is made, from the community's join policy then:
    # the members answer it by an admission proposal, and no facilitator
    # decides it alone. A later change of policy leaves waiting requests as
    # they were asked.
    members_decide = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="one_pending_request_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.community} ({self.status})"


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        """Invitations that still give something: not used, withdrawn or expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, created_at__gte=invitation_cutoff()
        )


class Invitation(models.Model):
    """A single-use, expiring invitation. The emailed link carries a signed token
    naming this row; `accepted_at` makes it single-use."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    message = models.TextField(blank=True, max_length=2000)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # For a delegate: the member whose seat they will read through.
    principal = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.community}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.created_at < invitation_cutoff()

    @property
    def is_usable(self) -> bool:
        """Neither used, withdrawn nor expired: the only invitations that count."""
        return self.is_open and not self.is_expired


def invitation_cutoff():
    """Invitations created before this have expired (the link's own age limit)."""
    return timezone.now() - dt.timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS)
