"""Meetings: the regular gatherings a community of practice is built around.

A `MeetingSeries` holds a cadence as an RFC 5545 RRULE in the community's time
zone; `Meeting` rows are generated from it ahead of time and can then be moved
or cancelled one by one (`occurrence_start` remembers which occurrence a row
came from, so regenerating never duplicates or resurrects one). A meeting has
an agenda, RSVPs with a waitlist, materials, a summary that becomes the
meeting record, action items and feedback on presentations.

Times are stored in UTC; `time_zone` says where the meeting happens, and each
viewer sees it in their own zone.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    HALF_DAY_DINNER = "half_day_dinner", _("Half day, then dinner")
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class PartOfMeeting:
    """The permission core asks any object for its community; a part of a
    meeting answers with the meeting's."""

    @property
    def community(self):
        return self.meeting.community

    @property
    def community_id(self):
        return self.meeting.community_id


class MeetingSeries(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="meeting_series"
    )
    title = models.CharField(max_length=200)
    # e.g. "FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TH": the second Thursday of each month.
    rrule = models.CharField(max_length=200)
    first_date = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField(default=240)
    time_zone = models.CharField(max_length=64, default="UTC")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.HALF_DAY_DINNER)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Meeting")
        SITE_VISIT = "site_visit", _("Site visit")
        WORKSHOP = "workshop", _("Workshop")
        SIDE = "side", _("Side meeting (unofficial)")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="meetings"
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    occurrence_start = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=8000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.HALF_DAY_DINNER)
    host_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_meetings",
    )
    # The person at the host who arranges the day; sees dietary needs.
    host_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.TextField(max_length=1000, blank=True)
    web_link = models.URLField(max_length=500, blank=True)
    dinner_venue = models.CharField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    rsvp_deadline = models.DateTimeField(null=True, blank=True)
    # Who created it; for a side meeting, the member who organises it.
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # Raised on every change that a calendar should pick up (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    summary_markdown = models.TextField(max_length=50000, blank=True)
    summary_html = models.TextField(blank=True)
    summary_published_at = models.DateTimeField(null=True, blank=True)
    # Counts kept by meetings.services inside the RSVP transaction.
    going_count = models.PositiveIntegerField(default=0)
    waitlist_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every write to what the meeting page shows of its parts (the
    # agenda, answers, files, action items, comments, feedback), in the
    # writing transaction: the page's cached parts are keyed by it and by
    # `updated_at`, which every save of the meeting itself moves
    # (meetings/versions.py).
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["community", "starts_at", "id"], name="meeting_by_start"),
            models.Index(fields=["starts_at"], name="meeting_start"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_start"], name="one_meeting_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "meetings:detail", kwargs={"slug": self.community.slug, "meeting_id": self.pk}
        )

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_dinner(self) -> bool:
        return self.format == Format.HALF_DAY_DINNER or bool(self.dinner_venue)

    @property
    def is_official(self) -> bool:
        return self.kind != self.Kind.SIDE

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def summary_is_published(self) -> bool:
        return self.summary_published_at is not None


class AgendaItem(PartOfMeeting, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    topic = models.ForeignKey(
        "topics.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
    )
    # An invited presenter who has no account yet; linked when they accept.
    presenter_email = models.EmailField(blank=True)
    minutes = models.PositiveIntegerField(default=30)
    notes = models.TextField(max_length=4000, blank=True)
    # Feedback on a presentation is the facilitators' until they share it with
    # its presenter (without the names of who gave it).
    feedback_shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["presenter"], name="agenda_presenter")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Where its presenter reads the feedback shared with them."""
        return f"{self.meeting.get_absolute_url()}#shared-{self.pk}-h"


class Rsvp(PartOfMeeting, models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    class Place(models.TextChoices):
        NONE = "", "—"
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waitlist")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(max_length=5, choices=Answer.choices)
    place = models.CharField(max_length=10, choices=Place.choices, blank=True, default="")
    # Waitlist order: first come, first promoted.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    dinner = models.BooleanField(default=False)
    dinner_note = models.CharField(max_length=300, blank=True)
    dietary_needs = models.CharField(max_length=300, blank=True)
    # Set when a member handed their place to their delegate.
    delegated_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_rsvp_each")]
        indexes = [
            models.Index(fields=["meeting", "place", "waitlisted_at", "id"], name="rsvp_waitlist")
        ]

    def __str__(self) -> str:
        return f"{self.answer} from {self.user_id} to {self.meeting_id}"


class Material(PartOfMeeting, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="materials"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Stored under COPSE_UPLOAD_DIR with a random name; never served by URL.
    file = models.FileField(upload_to="materials/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.text


class SummaryComment(models.Model):
    """Members' comments on a summary draft, before it is published."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="summary_comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on meeting {self.meeting_id}"


class PresentationFeedback(models.Model):
    """What members thought of a presentation; read by the facilitators."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    usefulness = models.PositiveSmallIntegerField(
        choices=[
            (5, _("Very useful")),
            (4, _("Useful")),
            (3, _("Somewhat")),
            (2, _("Not very")),
            (1, _("Not at all")),
        ]
    )
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "author"], name="one_feedback_each")
        ]

    def __str__(self) -> str:
        return f"feedback on item {self.agenda_item_id}"


class HostOffer(models.Model):
    """An organisation in the community that is willing to host meetings."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="host_offers"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="host_offers"
    )
    willing = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "organisation"], name="one_offer_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} hosts in {self.community_id}"
