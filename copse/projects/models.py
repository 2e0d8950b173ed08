"""Documentation projects: members write one document together, section by
section, have it reviewed, and publish it to the library with credit.

A section's current text lives on the section row with the number of the
revision it came from; every save adds a `SectionRevision` and none is ever
replaced, so nobody's words are lost and the history can be read back. The
revision number is what a save is checked against (see `merge.decide_save`).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# What a project may publish: the written kinds of the library.
PUBLISHABLE_KINDS = [
    ("sop", _("SOP")),
    ("template", _("Template")),
    ("page", _("Page")),
]


class Project(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=200)
    goal = models.TextField(max_length=10_000, blank=True)
    goal_html = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=PUBLISHABLE_KINDS, default="sop")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Named reviewers: when there are none, any member who takes part reviews.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="projects_to_review"
    )
    published_item = models.ForeignKey(
        "library.LibraryItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-updated_at", "-id"], name="project_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project", args=[self.community.slug, self.pk])


class Section(models.Model):
    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFTING)
    body_markdown = models.TextField(max_length=100_000, blank=True)
    body_html = models.TextField(blank=True)
    # The number of the revision the current text is; 0 before the first save.
    revision = models.PositiveIntegerField(default=0)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revised_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Kept by projects.services so the project page never counts row by row.
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # Approval names the approver; a changed text is no longer approved.
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_at__isnull=False),
                name="project_section_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "projects:section", args=[self.project.community.slug, self.project_id, self.pk]
        )

    @property
    def community(self):
        """Sections are judged by the permission core under their project's community."""
        return self.project.community

    @property
    def community_id(self):
        return self.project.community_id


class SectionRevision(models.Model):
    """One save of a section, kept for good."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    # The revision the writer started from: always number - 1, because a
    # save based on anything older is refused (see merge.decide_save).
    based_on = models.PositiveIntegerField()
    body_markdown = models.TextField(max_length=100_000, blank=True)
    note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="project_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.section} r{self.number}"


class SectionComment(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True)
    # The revision the reviewer was reading.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.section}"
