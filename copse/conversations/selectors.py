"""Reading conversations as a given viewer may: lists, pages, asks, tags, activity.

Every function takes the viewer and filters through copse.core.permissions.
Lists page by keyset (never OFFSET), so the thousandth page costs what the
first does, and each runs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from copse.accounts.models import OrganisationSource
from copse.conversations.models import (
    POST_PAGE_SIZE,
    Draft,
    Post,
    PostAttachment,
    ReadState,
    Subscription,
    Tag,
    Thread,
    page_cursor,
)
from copse.core import cursors, permissions
from copse.notifications.services import unread_about

THREAD_PAGE_SIZE = 30


@dataclass
class Page:
    items: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ThreadFilters:
    kind: str = ""
    tag: str = ""
    unanswered: bool = False
    mine: bool = False

    @classmethod
    def from_query(cls, query) -> ThreadFilters:
        kind = query.get("kind", "")
        return cls(
            kind=kind if kind in Thread.Kind.values else "",
            tag=cursors.text(query.get("tag", "")[:70]) or "",
            unanswered=query.get("unanswered") == "1",
            mine=query.get("mine") == "1",
        )

    def as_query(self) -> dict:
        values = {"kind": self.kind, "tag": self.tag}
        if self.unanswered:
            values["unanswered"] = "1"
        if self.mine:
            values["mine"] = "1"
        return {k: v for k, v in values.items() if v}


def _read_position(viewer):
    return Subquery(
        ReadState.objects.filter(user=viewer, thread=OuterRef("pk")).values("last_read_position")[
            :1
        ]
    )


def _with_reading(threads, viewer):
    if viewer.is_authenticated:
        return threads.annotate(read_position=_read_position(viewer))
    return threads


def _encode(thread: Thread) -> str:
    return f"{int(thread.pinned)}|{thread.last_activity_at.isoformat()}|{thread.pk}"


def _decode(cursor: str | None):
    return cursors.parse(cursor, cursors.BOOL, cursors.MOMENT, cursors.INT)


_AUTHOR_UNSHOWN = ("password", "bio", "job_title", "last_login", "display_name_key", "date_joined")


def threads_for(viewer, community, filters: ThreadFilters, *, after: str | None = None) -> Page:
    """A community's threads, pinned first, then by last activity, newest first."""
    permissions.require_or_404(viewer, "community.read", community)
    threads = Thread.objects.filter(
        permissions.readable_threads_q(viewer), community=community, removed_at__isnull=True
    )
    if filters.kind:
        threads = threads.filter(kind=filters.kind)
    if filters.tag:
        threads = threads.filter(tags__slug=filters.tag)
    if filters.unanswered:
        threads = threads.filter(kind=Thread.Kind.ASK, ask_state=Thread.AskState.OPEN)
    if filters.mine and viewer.is_authenticated:
        threads = threads.filter(Q(author=viewer) | Q(posts__author=viewer)).distinct()
    position = _decode(after)
    if position is not None:
        pinned, at, pk = position
        threads = threads.filter(
            Q(pinned__lt=pinned)
            | Q(pinned=pinned, last_activity_at__lt=at)
            | Q(pinned=pinned, last_activity_at=at, pk__lt=pk)
        )
    threads = (
        _with_reading(threads, viewer)
        .select_related("author")
        # What a row shows: not the summary, nor the author's account details.
        .defer("summary", *(f"author__{name}" for name in _AUTHOR_UNSHOWN))
        .prefetch_related("tags")
        .order_by("-pinned", "-last_activity_at", "-pk")
    )
    rows = list(threads[: THREAD_PAGE_SIZE + 1])
    for thread in rows:
        thread.community = community  # all of them: no join for it
    next_cursor = None
    if len(rows) > THREAD_PAGE_SIZE:
        rows = rows[:THREAD_PAGE_SIZE]
        next_cursor = _encode(rows[-1])
    for thread in rows:
        read = getattr(thread, "read_position", None)
        thread.unread_count = (
            0
            if not viewer.is_authenticated
            else (thread.last_position + 1 if read is None else max(0, thread.last_position - read))
        )
    return Page(items=rows, next_cursor=next_cursor)


def thread_for(viewer, community, thread_id: int) -> Thread:
    """The thread, or 404 when it is missing, elsewhere, or not readable."""
    thread = (
        Thread.objects.select_related("community", "author", "author__organisation")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None or thread.community_id != community.pk:
        raise Http404
    permissions.require_or_404(viewer, "thread.read", thread)
    return thread


def thread_by_id_for(viewer, thread_id: int) -> Thread | None:
    """The thread wherever it lives, with its community, author and tags, or
    None when it is missing, removed or not readable by `viewer` (the API
    addresses threads by id alone)."""
    thread = (
        Thread.objects.select_related("community", "author")
        .prefetch_related("tags")
        .filter(pk=thread_id, removed_at__isnull=True)
        .first()
    )
    if thread is None or not permissions.can(viewer, "thread.read", thread):
        return None
    return thread


def post_by_id_for(viewer, post_id: int) -> Post | None:
    """The post with its thread and community, or None unless `viewer` may read it."""
    post = (
        Post.objects.select_related("thread", "thread__community", "community", "author")
        .filter(pk=post_id, thread__removed_at__isnull=True)
        .first()
    )
    if post is None or not permissions.can(viewer, "post.read", post):
        return None
    return post


def thread_with_viewer(viewer, thread_id: int) -> Thread | None:
    """The thread for its page, with its community, in one statement that
    also reads what the page shows of the viewer: `viewer_read_position`,
    `viewer_subscription`, `viewer_draft` (the text of their draft reply) and
    `viewer_unread_notices` (whether anything about it is unread; absent when
    the viewer has nothing unread at all).
    None when there is no such thread; the caller checks the community (a
    moved thread) and the permission."""
    threads = Thread.objects.select_related("community", "author", "author__organisation")
    if viewer.is_authenticated:
        mine = {"user": viewer, "thread": OuterRef("pk")}
        threads = threads.annotate(
            viewer_read_position=_read_position(viewer),
            viewer_subscription=Subquery(Subscription.objects.filter(**mine).values("level")[:1]),
            viewer_draft=Subquery(
                Draft.objects.filter(**mine, community=OuterRef("community"))
                .order_by("pk")
                .values("body")[:1]
            ),
        )
        if getattr(viewer, "copse_has_unread_notices", None) is not False:
            threads = threads.annotate(
                viewer_unread_notices=unread_about(
                    viewer,
                    thread_model=Thread,
                    thread_ref=OuterRef("pk"),
                    posts=Post.objects.filter(thread=OuterRef(OuterRef("pk"))).values("pk"),
                )
            )
    return threads.filter(pk=thread_id).first()


def posts_page(viewer, thread: Thread, *, after: int | None = None, last: bool = False) -> Page:
    """One page of a thread's posts by position, and the opening post above it.

    `after`: posts after that position; `last`: the final page. Cursors are
    positions, so a page of a 10,000-reply thread is one index range scan.
    A page that does not start with the question still shows it first, in
    `extra["opening"]`, fetched by the same query.
    """
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author", "author__organisation", "removed_by")
        .prefetch_related("attachments")
    )
    if last:
        start = page_cursor(thread.last_position)
        start = 0 if start is None else start + 1
    else:
        start = (after + 1) if after is not None else 0
    rows = list(
        posts.filter(Q(position=0) | Q(position__gte=start)).order_by("position")[
            : POST_PAGE_SIZE + (1 if start > 0 else 0)
        ]
    )
    opening = None
    if start > 0 and rows and rows[0].position == 0:
        opening = rows.pop(0)
    for row in ([opening] if opening else []) + rows:
        # The permission core asks a post (and its files) for its thread and
        # community: known already, so asking costs no query per post.
        row.thread = thread
        if row.community_id == thread.community_id:
            row.community = thread.community
    next_cursor = None
    if rows and rows[-1].position < thread.last_position:
        next_cursor = str(rows[-1].position)
    previous_cursor = None
    if rows and rows[0].position > 0:
        previous_cursor = str(max(-1, rows[0].position - POST_PAGE_SIZE - 1))
    return Page(
        items=rows,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        extra={"opening": opening} if opening else {},
    )


def attachment_for(viewer, slug: str, attachment_id: int) -> PostAttachment:
    """A file attached to a post in the community `slug`, or 404 unless the
    viewer may download it (`attachment.download`: may read the post)."""
    attachment = (
        PostAttachment.objects.select_related("post__thread__community", "post__community")
        .filter(pk=attachment_id, post__community__slug=slug)
        .first()
    )
    if attachment is None:
        raise Http404
    permissions.require_or_404(viewer, "attachment.download", attachment)
    return attachment


def read_position(viewer, thread: Thread) -> int | None:
    if not viewer.is_authenticated:
        return None
    return (
        ReadState.objects.filter(user=viewer, thread=thread)
        .values_list("last_read_position", flat=True)
        .first()
    )


def subscription_level(viewer, thread: Thread) -> str | None:
    if not viewer.is_authenticated:
        return None
    return (
        Subscription.objects.filter(user=viewer, thread=thread)
        .values_list("level", flat=True)
        .first()
    )


def draft_for(viewer, community, thread: Thread | None = None) -> Draft | None:
    if not viewer.is_authenticated:
        return None
    return Draft.objects.filter(user=viewer, community=community, thread=thread).first()


@dataclass
class AskStats:
    peers: int
    organisations: int
    helpful: int


def ask_stats(thread: Thread) -> AskStats:
    """How many peers (other than the asker) answered, from how many organisations.

    Organisations are verified ones (a domain, a sign-in provider or a site
    administrator set them; nobody picks their own), so the count cannot be inflated from a profile."""
    replies = Post.objects.filter(thread=thread, position__gt=0, removed_at__isnull=True).exclude(
        author_id=thread.author_id
    )
    figures = replies.aggregate(
        peers=Count("author", distinct=True),
        organisations=Count(
            "author__organisation",
            distinct=True,
            filter=Q(author__organisation_source__in=OrganisationSource.values),
        ),
        helpful=Count("pk", filter=Q(helpful=True)),
    )
    return AskStats(**figures)


def helpful_replies(thread: Thread):
    return (
        Post.objects.filter(thread=thread, helpful=True, removed_at__isnull=True)
        .select_related("author", "author__organisation")
        .order_by("position")
    )


def revisions_of(viewer, post: Post):
    permissions.require_or_404(viewer, "post.read", post)
    return post.revisions.select_related("editor")


def readable_threads(viewer):
    """Threads the viewer may read anywhere: the base of tag pages and activity."""
    return Thread.objects.filter(permissions.readable_threads_q(viewer), removed_at__isnull=True)


def _readable_tags_q(viewer) -> Q:
    """Catalogue entries, and the topic tags of communities the viewer reads."""
    return Q(community__isnull=True) | (
        Q(community__isnull=False) & permissions.readable_q(viewer, prefix="community")
    )


def tag_named(viewer, slug: str) -> Tag | None:
    """The tag to title /tags/<slug>/ with: the catalogue entry, else the
    spelling of a community the viewer reads (their own first), else None.
    A community the viewer cannot read never lends its spelling, and neither
    does a thread the viewer cannot read: a community's own tag is named only
    where it is on a thread the viewer reads (one written while the community
    was more private keeps its spelling from outsiders after it opens)."""
    seated = permissions.seated_community_ids(viewer) if viewer.is_authenticated else []
    on_readable = readable_threads(viewer).filter(tags=OuterRef("pk"))
    return (
        Tag.objects.filter(_readable_tags_q(viewer), slug=slug)
        .filter(Q(community__isnull=True) | Exists(on_readable))
        .annotate(
            rank=Case(
                When(community__isnull=True, then=Value(0)),
                When(community_id__in=seated, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("rank", "community_id")
        .first()
    )


def tag_page(viewer, slug: str, *, after: str | None = None) -> Page:
    """Threads the viewer may read whose tag has this slug (the catalogue entry
    or any readable community's own), newest activity first, and the count of
    those threads only."""
    threads = readable_threads(viewer).filter(tags__slug=slug)
    count = threads.count()
    position = _decode(after)
    if position is not None:
        _, at, pk = position
        threads = threads.filter(Q(last_activity_at__lt=at) | Q(last_activity_at=at, pk__lt=pk))
    rows = list(
        threads.select_related("community", "author").order_by("-last_activity_at", "-pk")[
            : THREAD_PAGE_SIZE + 1
        ]
    )
    next_cursor = None
    if len(rows) > THREAD_PAGE_SIZE:
        rows = rows[:THREAD_PAGE_SIZE]
        row = rows[-1]
        next_cursor = f"0|{row.last_activity_at.isoformat()}|{row.pk}"
    return Page(items=rows, next_cursor=next_cursor, extra={"count": count})


def catalogue(viewer, kind: str | None = None) -> list[Tag]:
    """One entry per tag slug with the number of threads the viewer may read,
    hiding tags with none. Only the catalogue's entries and the tags of
    communities the viewer reads are counted or named, so a community the
    viewer cannot read lends neither a spelling nor a count."""
    readable = Q(threads__removed_at__isnull=True) & permissions.readable_threads_q(
        viewer, prefix="threads"
    )
    tags = (
        Tag.objects.filter(_readable_tags_q(viewer))
        .annotate(thread_count=Count("threads", filter=readable, distinct=True))
        .filter(thread_count__gt=0)
    )
    if kind:
        tags = tags.filter(kind=kind)
    seated = set(permissions.seated_community_ids(viewer)) if viewer.is_authenticated else set()
    by_slug: dict[str, Tag] = {}
    # Catalogue entries first, then the viewer's own communities' spellings.
    for tag in sorted(
        tags,
        key=lambda t: (t.community_id is not None, t.community_id not in seated, t.pk),
    ):
        if tag.slug in by_slug:
            by_slug[tag.slug].thread_count += tag.thread_count
        else:
            by_slug[tag.slug] = tag
    return sorted(by_slug.values(), key=lambda t: (t.kind, t.name.casefold(), t.slug))


def activity_of(viewer, person, *, before: str | None = None) -> Page:
    """A person's posts that the viewer may read, newest first."""
    posts = Post.objects.filter(
        permissions.readable_posts_q(viewer),
        author=person,
        removed_at__isnull=True,
        thread__removed_at__isnull=True,
    )
    position = cursors.parse(before, cursors.MOMENT, cursors.INT)
    if position is not None:
        moment, pk = position
        posts = posts.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(
        posts.select_related("thread__community", "community").order_by("-created_at", "-pk")[
            : THREAD_PAGE_SIZE + 1
        ]
    )
    next_cursor = None
    if len(rows) > THREAD_PAGE_SIZE:
        rows = rows[:THREAD_PAGE_SIZE]
        next_cursor = f"{rows[-1].created_at.isoformat()}|{rows[-1].pk}"
    return Page(items=rows, next_cursor=next_cursor)


def unread_by_community(viewer, communities) -> dict[int, int]:
    """Threads with posts the viewer has not read, per readable community, in one query."""
    if not viewer.is_authenticated:
        return {}
    readable = [c.pk for c in communities if permissions.can(viewer, "community.read", c)]
    if not readable:
        return {}
    rows = (
        Thread.objects.filter(
            permissions.readable_threads_q(viewer),
            community_id__in=readable,
            removed_at__isnull=True,
        )
        .annotate(read_position=_read_position(viewer))
        .filter(Q(read_position__isnull=True) | Q(read_position__lt=F("last_position")))
        .values("community_id")
        .annotate(unread=Count("pk"))
        .values_list("community_id", "unread")
    )
    return dict(rows)


def unread_threads_count(viewer) -> Coalesce:
    """Threads with posts the viewer has not read in the community of the
    outer statement's row, as a scalar subquery: Home reads it with each
    community row. The caller shows it only where the viewer may read."""
    unread = (
        Thread.objects.filter(
            permissions.readable_threads_q(viewer),
            community=OuterRef("pk"),
            removed_at__isnull=True,
        )
        .annotate(read_position=_read_position(viewer))
        .filter(Q(read_position__isnull=True) | Q(read_position__lt=F("last_position")))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


def new_since_last_visit(viewer, community, since: datetime | None) -> int:
    if since is None:
        return 0
    return Thread.objects.filter(
        permissions.readable_threads_q(viewer),
        community=community,
        removed_at__isnull=True,
        last_activity_at__gt=since,
    ).count()


def recent_threads_for(viewer, community, limit: int) -> list:
    """The first `limit` rows of `threads_for`'s first page, cut in SQL (the
    community's home shows five; the first page holds thirty)."""
    if not permissions.can(viewer, "community.read", community):
        return []
    threads = Thread.objects.filter(
        permissions.readable_threads_q(viewer), community=community, removed_at__isnull=True
    )
    rows = list(
        _with_reading(threads, viewer)
        .select_related("author", "community")
        .prefetch_related("tags")
        .order_by("-pinned", "-last_activity_at", "-pk")[:limit]
    )
    for thread in rows:
        read = getattr(thread, "read_position", None)
        thread.unread_count = (
            0
            if not viewer.is_authenticated
            else (thread.last_position + 1 if read is None else max(0, thread.last_position - read))
        )
    return rows
