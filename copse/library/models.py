"""The community's library: what members keep and re-use, with credit.

An item belongs to one community and is read under its rules. Its content
lives in versions: every upload or edit adds one, and none is ever replaced,
so every earlier file stays downloadable and page versions can be compared.
Authors are recorded with the organisation they belonged to when they wrote
it, because credit ("by Margaret Osei, Office of the President") must not
change when someone moves on.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def plural_count(hours) -> int:
    """A whole number that chooses the same plural as `hours` (a Decimal such
    as 1.5): plural forms are chosen by whole numbers only."""
    return int(hours) if hours == int(hours) else 2


class LibraryItem(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PAGE = "page", _("Page")
        TEMPLATE = "template", _("Template")
        SOP = "sop", _("SOP")
        PRESENTATION = "presentation", _("Presentation")
        LINK = "link", _("Link")
        MEETING_RECORD = "meeting_record", _("Meeting record")

    class Sharing(models.TextChoices):
        COMMUNITY = "community", _("This community only")
        SITE = "site", _("Everyone signed in to this site")
        PUBLIC = "public", _("Anyone with the link")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="library_items"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    # A subset of the community's own Community.topic_areas.
    topic_areas = models.JSONField(default=list, blank=True)
    tags = models.ManyToManyField("conversations.Tag", blank=True, related_name="library_items")
    link_url = models.URLField(max_length=1000, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_items",
        help_text="The meeting it came from; for a meeting record, the meeting it records.",
    )
    source_thread = models.ForeignKey(
        "conversations.Thread",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_items",
    )
    # The file of a post it was saved from ("Save to library"); an item
    # saved so credits the post's author. One live item per file and community.
    source_attachment = models.ForeignKey(
        "conversations.PostAttachment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_items",
    )
    adapted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
    )
    # The original's authors and organisations as they stood when it was
    # adapted: the attribution this item carries to readers who may not read
    # the original (who never see its title, address or community).
    adapted_credit = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.COMMUNITY)
    # The secret in a public link; a new one is drawn each time an item is
    # shared publicly, so a withdrawn link never works again.
    public_token = models.CharField(max_length=64, blank=True, default="")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    # Kept by library.services so lists never count rows item by item.
    version_count = models.PositiveIntegerField(default=0)
    reuse_count = models.PositiveIntegerField(default=0)
    hours_saved = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-updated_at", "-id"], name="library_item_recent"),
            models.Index(fields=["sharing", "-updated_at", "-id"], name="library_item_shared"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(kind="meeting_record"),
                name="library_one_record_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["public_token"],
                condition=~models.Q(public_token=""),
                name="library_public_token_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(sharing="public") | ~models.Q(public_token=""),
                name="library_public_item_has_token",
            ),
            # Per community: a thread moved elsewhere may have its files saved there too.
            models.UniqueConstraint(
                fields=["source_attachment", "community"],
                condition=models.Q(source_attachment__isnull=False, removed_at__isnull=True),
                name="library_one_live_item_per_attachment",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:item", kwargs={"item_id": self.pk})

    @property
    def hours_saved_count(self) -> int:
        return plural_count(self.hours_saved)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def holds_files(self) -> bool:
        return self.kind in FILE_KINDS

    @property
    def is_written_in_copse(self) -> bool:
        return self.kind in WRITTEN_KINDS


# Kinds whose versions carry an uploaded file, and kinds written as Markdown.
# Templates, SOPs and presentations may be either: a version has one or the other.
FILE_KINDS = {"document", "template", "sop", "presentation"}
WRITTEN_KINDS = {"page", "template", "sop", "meeting_record"}


class ItemAuthor(models.Model):
    """Credit as it stood when the item was written: the person's name and
    organisation are copied, so credit survives a move or a deleted account."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="library_author_once_per_item")
        ]

    def __str__(self) -> str:
        if self.organisation_name:
            return f"{self.name}, {self.organisation_name}"
        return self.name


class ItemVersion(models.Model):
    class TextStatus(models.TextChoices):
        NONE = "none", _("Nothing to extract")
        PENDING = "pending", _("Being read for search")
        EXTRACTED = "extracted", _("Searchable")
        NOT_SEARCHABLE = "not_searchable", _("Not searchable")

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    change_note = models.CharField(max_length=300, blank=True)
    body_markdown = models.TextField(max_length=100_000, blank=True)
    body_html = models.TextField(blank=True)
    # Stored under COPSE_UPLOAD_DIR with a random name; never served by URL.
    file = models.FileField(upload_to="library/%Y/%m/", max_length=300, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    text_status = models.CharField(
        max_length=16, choices=TextStatus.choices, default=TextStatus.NONE
    )
    extracted_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="library_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class Reuse(models.Model):
    """ "I re-used this": a note and, if the person knows, the hours it saved.
    The start of the community's record of what it is worth."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="reuses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(max_length=2000)
    hours_saved = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Re-use of {self.item}"

    @property
    def hours_saved_count(self) -> int:
        return plural_count(self.hours_saved or 0)


class PostLibraryLink(models.Model):
    """A library item linked under a post ("Library: *Title* — Template").
    Shown only to readers who may read the item: to anyone else the post
    shows nothing of it, not even that there is a link."""

    post = models.ForeignKey(
        "conversations.Post", on_delete=models.CASCADE, related_name="library_links"
    )
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="post_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "item"], name="library_link_once_per_post")
        ]

    def __str__(self) -> str:
        return f"{self.item} under post {self.post_id}"
