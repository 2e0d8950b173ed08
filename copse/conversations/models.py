"""Conversations between meetings: threads (discussions, asks, announcements),
their posts, and what each person has read, watches and is drafting.

A thread's opening text is its first post (position 0); replies follow at
positions 1, 2, ... so a page of a 10,000-reply thread is one indexed range
scan, and "jump to first unread" is a position lookup.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.core.files import human_size, type_name

# Posts on one page of a thread. Pages start at positions 0, 50, 100, ... so
# that every link to a post names the same page (see Post.get_absolute_url).
POST_PAGE_SIZE = 50

# The visibilities of communities.Community, least private first.
VISIBILITY_CHOICES = [
    ("open", pgettext_lazy("community visibility", "Open")),
    ("members", pgettext_lazy("community visibility", "Members")),
    ("confidential", pgettext_lazy("community visibility", "Confidential")),
]


class Tag(models.Model):
    """A tag on threads. Topic tags belong to the community whose members typed
    them, so the spelling one community chose never shows in another (whose
    members may not read where it came from). Catalogue entries (no community)
    are the vendors, products and technologies site administrators keep for
    every community; typing one's name anywhere picks the entry.

    /tags/<slug>/ gathers every readable thread whose tag has that slug."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        VENDOR = "vendor", _("Vendor")
        PRODUCT = "product", _("Product")
        TECHNOLOGY = "technology", _("Technology")

    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="tags",
        null=True,
        blank=True,
        help_text=_("Empty for catalogue entries, which every community shares."),
    )
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=70)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TOPIC)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "slug"], name="conversations_tag_one_slug_per_community"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(community__isnull=True),
                name="conversations_tag_one_slug_in_catalogue",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conversations:tag", kwargs={"slug": self.slug})


class Thread(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        ASK = "ask", _("Ask")
        ANNOUNCEMENT = "announcement", _("Announcement")

    class AskState(models.TextChoices):
        OPEN = "open", pgettext_lazy("ask state", "Open")
        ANSWERED = "answered", pgettext_lazy("ask state", "Answered")
        CLOSED = "closed", pgettext_lazy("ask state", "Closed")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="threads"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DISCUSSION)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    # For threads imported from a list archive whose starter is not a member.
    imported_author = models.CharField(max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)
    # Position of the newest post; replies are numbered 1..last_position.
    last_position = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    # Bumped by every write that changes what a page of its posts shows (a
    # reply, an edit, a removal, a helpful mark, a move, its tags): the thread
    # page's cached rendering of its posts is keyed by it (see
    # "Thread pages from a cache" in docs/decisions.md).
    version = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removal_reason = models.CharField(max_length=300, blank=True)
    # Asks only.
    ask_state = models.CharField(max_length=10, choices=AskState.choices, blank=True)
    summary = models.TextField(_("what I learned"), blank=True)
    summary_updated_at = models.DateTimeField(null=True, blank=True)
    # The most private visibility the thread's community has had since the
    # thread began (a move counts the community it moved into). Only ever
    # raised. The thread is read under the stricter of this and its
    # community's visibility now (copse.core.permissions.thread_visibility).
    visibility_floor = models.CharField(max_length=12, choices=VISIBILITY_CHOICES)

    class Meta:
        indexes = [
            models.Index(
                fields=["community", "-pinned", "-last_activity_at", "-id"], name="thread_list"
            ),
            models.Index(fields=["community", "kind", "ask_state"], name="thread_asks"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Every way of starting a thread that goes through save() gets its
        # floor from its community; bulk creation must set it itself.
        if not self.visibility_floor and self.community_id is not None:
            self.visibility_floor = self.community.visibility
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "conversations:thread", kwargs={"slug": self.community.slug, "thread_id": self.pk}
        )

    @property
    def is_ask(self) -> bool:
        return self.kind == self.Kind.ASK


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    # Kept equal to thread.community (moves update both) so that permission
    # filters and search join one table, not two.
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="posts"
    )
    position = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    body = models.TextField()
    # The body rendered and sanitized once, when written, not on every view.
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removal_reason = models.CharField(max_length=300, blank=True)
    # Marked by the asker of an ask; when, for the time to a helpful answer.
    helpful = models.BooleanField(default=False)
    helpful_at = models.DateTimeField(null=True, blank=True)
    # For posts imported from a list archive whose sender is not a member:
    # the name (and address) the archive gave. `author` is then empty.
    imported_author = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "position"], name="one_post_per_position")
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_by_author"),
            models.Index(fields=["community", "-created_at"], name="post_by_community"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        """The page of its thread that holds this post, scrolled to it. The
        page shows the opening post first whichever page it is."""
        return thread_page_url(self.thread, self.position) + f"#post-{self.position}"

    @property
    def is_opening(self) -> bool:
        return self.position == 0

    @property
    def html(self):
        from django.utils.safestring import mark_safe

        from copse.conversations.rendering import render_post

        if self.body_html:
            return mark_safe(self.body_html)  # noqa: S308 - sanitized when stored
        return render_post(self.body)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def removed_by_author(self) -> bool:
        return self.is_removed and self.removed_by_id == self.author_id


class PostAttachment(models.Model):
    """A file attached to a post, on the web or by mail; downloaded only
    through `conversations:attachment`, which asks the permission core
    (`attachment.download`: whoever may read the post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    # Stored under COPSE_UPLOAD_DIR with a random name; never served by URL.
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def community(self):
        """The post's: the permission core reads an object's community."""
        return self.post.community

    @property
    def type_name(self) -> str:
        return type_name(self.content_type)

    @property
    def size_label(self) -> str:
        return human_size(self.size)


class PostRevision(models.Model):
    """The text a post had before an edit; members can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of {self.post_id} at {self.replaced_at:%Y-%m-%d %H:%M}"


class ReadState(models.Model):
    """How far one person has read one thread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="one_read_state")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_position}"


class CommunityVisit(models.Model):
    """When someone last looked at a community's conversations, for "new since your last visit"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="one_visit_record")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} visited {self.community_id}"


class Subscription(models.Model):
    """Watching (notified of every reply) or muted. Taking part watches by default."""

    class Level(models.TextChoices):
        WATCHING = "watching", pgettext_lazy("a thread", "Watching")
        MUTED = "muted", pgettext_lazy("a thread", "Muted")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=10, choices=Level.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="one_subscription")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.thread_id}"


class Draft(models.Model):
    """Text being written, kept on the server so a reload or failed submit loses nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    # Null for a new thread.
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=models.Q(thread__isnull=True),
                name="one_new_thread_draft",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=models.Q(thread__isnull=False),
                name="one_reply_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft by {self.user_id}"


def page_cursor(position: int) -> int | None:
    """The `after` cursor of the page that holds `position`; None for the first."""
    start = (max(0, position) // POST_PAGE_SIZE) * POST_PAGE_SIZE
    return start - 1 if start else None


def thread_page_url(thread, position: int) -> str:
    """The thread's page that holds `position`, without an anchor."""
    after = page_cursor(position)
    path = thread.get_absolute_url()
    return path if after is None else f"{path}?after={after}"
